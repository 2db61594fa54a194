// Application sources that are Helm charts (spec.source.helm, or a path
// holding Chart.yaml), rendered natively by src/helm as Argo CD's
// `helm template` call would.
#ifndef CAPSTAN_APP_HELM_SOURCE_H_
#define CAPSTAN_APP_HELM_SOURCE_H_

#include <string>
#include <vector>

#include "app/application.h"
#include "yaml/node.h"

namespace capstan::app {

// What Argo CD's build environment knows about the Application.
struct RenderEnv {
  std::string app_name, app_namespace, project, revision, kube_version;
};

// Renders the chart in `chart_dir` (inside `repo_root`) with the source's
// helm options: valueFiles, values/valuesObject, parameters, fileParameters,
// releaseName (default: the Application's name), namespace (default: the
// destination namespace), skipCrds, ignoreMissingValueFiles. $ARGOCD_APP_*
// variables are expanded in parameters, value files and values.
std::vector<yaml::Node> RenderHelmChart(const std::string& repo_root, const std::string& chart_dir,
                                        const Source& src, const std::string& dest_namespace,
                                        const RenderEnv& env);

// Argo CD's build environment variables expanded in `s` ($VAR, ${VAR});
// unknown names stay as written.
std::string ExpandBuildEnv(const std::string& s, const Source& src, const std::string& dest_namespace,
                           const RenderEnv& env);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_HELM_SOURCE_H_
