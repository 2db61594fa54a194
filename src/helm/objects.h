// The Go objects Helm gives templates: .Chart, .Files, .Capabilities.
#ifndef CAPSTAN_HELM_OBJECTS_H_
#define CAPSTAN_HELM_OBJECTS_H_

#include <map>
#include <string>
#include <vector>

#include "gotemplate/value.h"
#include "helm/chart.h"

namespace capstan::helm {

gt::Value NewChartObject(const Chart& c);
// .Files over the chart's files (not copied: the chart must outlive it).
gt::Value NewFilesObject(const std::vector<ChartFile>& files);
gt::Value NewCapabilities(const std::string& kube_version, const std::vector<std::string>& extra_api_versions);
// Default kube version "v1.20.0" when empty; throws HelmError when invalid.
std::string NormalizeKubeVersion(const std::string& v);
// gobwas/glob with '/' separators (Files.Glob).
bool GlobMatch(std::string_view pattern, std::string_view name);

}  // namespace capstan::helm

#endif  // CAPSTAN_HELM_OBJECTS_H_
