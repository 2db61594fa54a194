// `helm template` and `helm lint`, natively: renders a chart byte-for-byte
// as Helm 3.17.2 prints it.
#ifndef CAPSTAN_HELM_HELM_H_
#define CAPSTAN_HELM_HELM_H_

#include <string>
#include <vector>

#include "helm/chart.h"

namespace capstan::helm {

struct TemplateOptions {
  std::string release_name = "release-name";
  std::string chart_path;               // directory or .tgz
  std::string namespace_ = "default";
  std::vector<std::string> value_files; // -f, in order
  std::vector<std::string> values_yaml; // inline values documents, after the files (Argo CD's helm.values)
  std::vector<std::string> set, set_string, set_json, set_file;
  std::string kube_version;             // "" = Helm's default (v1.20.0)
  std::vector<std::string> api_versions;
  bool include_crds = false;
  bool skip_tests = false;
  bool skip_schema_validation = false;
  bool is_upgrade = false;
  std::vector<std::string> show_only;
  // Limits for hostile charts.
  size_t max_output = size_t{1} << 28;
  int max_include_depth = 1000;
};

struct TemplateResult {
  std::string output;                // what `helm template` prints on stdout
  std::vector<std::string> warnings; // printed on stderr before any error
};

// Renders; throws HelmError with Helm's message (without "Error: ").
// A render error (template/YAML) carries render_error = true in RenderError.
struct RenderError : HelmError {
  using HelmError::HelmError;
};
TemplateResult Template(const TemplateOptions& opts);

struct LintMessage {
  std::string severity;  // "INFO", "WARNING", "ERROR"
  std::string path;
  std::string message;
};
// `helm lint CHART [-f values]`: Chart.yaml, values, schema, templates.
std::vector<LintMessage> Lint(const std::string& chart_path, const std::vector<std::string>& value_files,
                              const std::vector<std::string>& set);

// Validates values against a JSON schema; returns Helm's "- path: message" lines.
std::vector<std::string> ValidateSchema(const std::string& schema_json, const gt::Value& values);

}  // namespace capstan::helm

#endif  // CAPSTAN_HELM_HELM_H_
