// ApplicationSet templates: every string in the template is rendered with
// one generator's parameters.
//
// fasttemplate (the default, as Argo CD): `{{ key }}` with the key trimmed;
// keys are the flat parameter names ("path.basename", "path[1]",
// "metadata.labels.env"); an unknown key stays as written.
//
// goTemplate (spec.goTemplate: true): Go text/template through
// src/gotemplate, as Argo CD's applicationset-controller renders it: Sprig
// without env/expandenv/getHostByName, plus normalize, slugify, toYaml,
// fromYaml and fromYamlArray. The dot is the parameters as nested maps
// (ParamsValue): .path.path, .path.basename, .path.segments (a list),
// .name, .metadata.labels... With goTemplateOptions ["missingkey=error"]
// a missing key is an error (else it renders "<no value>", as Go does).
#ifndef CAPSTAN_APPSET_TEMPLATE_H_
#define CAPSTAN_APPSET_TEMPLATE_H_

#include <map>
#include <stdexcept>
#include <string>

#include "gotemplate/value.h"
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

// The flat parameters as goTemplate sees them: "a.b" nests maps, "a[N]"
// builds lists, a key that is also a prefix ("path" and "path.basename")
// moves under its own last name (.path.path), "path[N]" is dropped in favour
// of path.segments.
gotemplate::Value ParamsValue(const Params& params);

// Argo CD's SanitizeName / nameNormalized: lowercase, [^-a-z0-9.] -> '-',
// at most 253 characters, no leading/trailing '-' or '.'.
std::string Normalize(const std::string& s);
// Argo CD's slugify (gosimple/slug, max 50 characters, smart truncation).
std::string Slugify(const std::string& s, size_t max_size = 50, bool smart_truncate = true);

}  // namespace capstan::appset

#endif  // CAPSTAN_APPSET_TEMPLATE_H_
