// A Helm chart as `helm` loads it: Chart.yaml metadata, values, templates,
// other files, and its dependencies (from charts/, directories or .tgz).
#ifndef CAPSTAN_HELM_CHART_H_
#define CAPSTAN_HELM_CHART_H_

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "gotemplate/value.h"
#include "yaml/node.h"

namespace capstan::helm {

namespace gt = capstan::gotemplate;

// Any failure Helm reports as "Error: <message>".
struct HelmError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ChartFile {
  std::string name;  // relative, '/'-separated ("templates/x.yaml")
  std::string data;
};

struct Dependency {
  std::string name, version, repository, condition, alias;
  std::vector<std::string> tags;
  gt::Value import_values;  // list of strings / {child, parent} maps, or nil
  bool enabled = true;
};

struct Chart {
  std::string api_version, name, version, app_version, description, type, kube_version, icon, home;
  bool deprecated = false;
  gt::Value metadata;            // Chart.yaml as values (for .Chart fields)
  std::vector<Dependency> dependencies;  // Chart.yaml (or requirements.yaml)
  gt::Value values;              // values.yaml (map, never nil)
  std::string schema;            // values.schema.json ("" when absent)
  std::vector<ChartFile> templates;
  std::vector<ChartFile> files;  // everything else (for .Files, crds/)
  std::vector<std::shared_ptr<Chart>> charts;  // loaded subcharts
  Chart* parent = nullptr;

  bool IsRoot() const { return parent == nullptr; }
  std::string FullPath() const { return parent ? parent->FullPath() + "/charts/" + name : name; }
};

// Loads a chart directory or a .tgz archive (Helm's loader.Load).
std::shared_ptr<Chart> LoadChart(const std::string& path);
// Loads from in-memory files (relative names); `what` names it in errors.
std::shared_ptr<Chart> LoadFiles(std::vector<ChartFile> files, const std::string& what);
// Gunzips and untars a chart archive into files (first path component stripped).
std::vector<ChartFile> ReadArchive(const std::string& bytes, const std::string& what);

}  // namespace capstan::helm

#endif  // CAPSTAN_HELM_CHART_H_
