// ApplicationSet templates: every string in the template is rendered with
// one generator's parameters.
//
// fasttemplate (the default, as Argo CD): `{{ key }}` with the key trimmed;
// keys are the flat parameter names ("path.basename", "path[1]",
// "metadata.labels.env"); an unknown key stays as written.
//
// goTemplate (spec.goTemplate: true): a documented subset of Go's
// text/template, enough for ApplicationSet templates:
//   {{ .path.basename }}            field access on the same flat names
//   {{ index .path.segments 1 }}    the Nth path segment
//   {{ .x | lower }}, upper, trim, quote, normalize, slugify, title,
//   default "v"                     pipelines of these functions
//   {{ printf "%s-%s" .a .b }}      printf with %s only
// With goTemplateOptions ["missingkey=error"] an unknown key is an error
// (else it renders "<no value>", as Go does). Anything else (if/range,
// other functions) is an error naming the expression.
#ifndef CAPSTAN_APPSET_TEMPLATE_H_
#define CAPSTAN_APPSET_TEMPLATE_H_

#include <map>
#include <stdexcept>
#include <string>

#include "yaml/node.h"

namespace capstan::appset {

using Params = std::map<std::string, std::string>;

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TemplateOptions {
  bool go_template = false;
  bool missing_key_error = false;
};

std::string RenderString(const std::string& text, const Params& params, const TemplateOptions& options);
// Renders every string scalar (and mapping key) of `tmpl`.
yaml::Node RenderNode(const yaml::Node& tmpl, const Params& params, const TemplateOptions& options);

// Argo CD's SanitizeName / nameNormalized: lowercase, [^-a-z0-9.] -> '-',
// at most 253 characters, no leading/trailing '-' or '.'.
std::string Normalize(const std::string& s);

}  // namespace capstan::appset

#endif  // CAPSTAN_APPSET_TEMPLATE_H_
