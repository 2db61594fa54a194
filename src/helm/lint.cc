// `helm lint`: Chart.yaml checks, values and schema, templates that fail to
// render or render invalid YAML (the rules of Helm's pkg/lint that apply
// without a cluster).
#include <filesystem>

#include "gotemplate/semver.h"
#include "helm/helm.h"

namespace capstan::helm {

std::vector<LintMessage> Lint(const std::string& chart_path, const std::vector<std::string>& value_files,
                              const std::vector<std::string>& set) {
  std::vector<LintMessage> out;
  std::shared_ptr<Chart> chart;
  try {
    chart = LoadChart(chart_path);
  } catch (const HelmError& e) {
    out.push_back({"ERROR", "", std::string("unable to load chart\n\t") + e.what()});
    return out;
  }
  if (chart->api_version != "v1" && chart->api_version != "v2")
    out.push_back({"ERROR", "Chart.yaml", "apiVersion '" + chart->api_version + "' is not valid. The value must be either \"v1\" or \"v2\""});
  std::string dir = std::filesystem::path(chart_path).filename().string();
  if (std::filesystem::is_directory(chart_path) && !dir.empty() && dir != chart->name && dir != "." && dir != "..")
    out.push_back({"ERROR", "Chart.yaml", "chart name must match the directory name"});
  if (chart->icon.empty()) out.push_back({"INFO", "Chart.yaml", "icon is recommended"});
  if (chart->api_version == "v1") out.push_back({"INFO", "Chart.yaml", "apiVersion v1 is deprecated, use apiVersion v2"});
  if (chart->app_version.empty() && false) out.push_back({"INFO", "Chart.yaml", "appVersion is recommended"});
  bool has_values = std::filesystem::exists(std::filesystem::path(chart_path) / "values.yaml");
  if (std::filesystem::is_directory(chart_path) && !has_values)
    out.push_back({"INFO", "values.yaml", "file does not exist"});
  TemplateOptions o;
  o.release_name = "test-release";
  o.namespace_ = "default";
  o.chart_path = chart_path;
  o.value_files = value_files;
  o.set = set;
  o.include_crds = true;
  try {
    Template(o);
  } catch (const RenderError& e) {
    out.push_back({"ERROR", "templates/", e.what()});
  } catch (const HelmError& e) {
    std::string m = e.what();
    if (m.rfind("values don't meet", 0) == 0) out.push_back({"ERROR", "values.yaml", m});
    else if (m.find("library charts are not installable") != std::string::npos) {
      // helm lint renders library charts fine
    } else {
      out.push_back({"ERROR", "templates/", m});
    }
  }
  return out;
}

}  // namespace capstan::helm
