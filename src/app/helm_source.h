// Application sources that are Helm charts (spec.source.helm, or a path
// holding Chart.yaml), rendered natively by src/helm as Argo CD's
// `helm template` call would.
#ifndef CAPSTAN_APP_HELM_SOURCE_H_
#define CAPSTAN_APP_HELM_SOURCE_H_

#include <string>
#include <vector>

#include "app/application.h"
#include "git/git.h"
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

// A chart from a Helm repository (spec.source.chart + repoURL), resolved and
// unpacked in the cache.
struct RepoChart {
  std::string version;  // the resolved version: the Application's revision
  std::string dir;      // the unpacked chart
};

// Resolves `revision` (an exact version or a semver constraint such as
// `1.2.*`, `>=1.0 <2.0`, `*`; empty is `*`) and unpacks that version under
// `cache_dir`/helm/<repo>/<chart>-<version>, downloading only what is not
// cached yet. An http(s) repoURL is an index.yaml repository: the index is
// fetched when `refresh` is set or not cached (and once more when the cached
// one lacks a match). `oci://host/path` or a repoURL with no scheme
// (Argo CD's rule) is an OCI registry (app/oci_chart.h): the tags list
// plays the index's part. `creds` (the credentials file; may be null) gives
// basic auth and a private CA by URL prefix: for an index repository, sent
// for index.yaml and archives on the repository's own scheme://host:port,
// and to archives on another host only with spec.source.helm.passCredentials
// (Helm's --pass-credentials). Throws AppError for an unreachable
// repository, refused credentials (never shown), a missing chart or version.
RepoChart FetchRepoChart(const std::string& cache_dir, const Source& src, const std::string& revision, bool refresh,
                         const git::Credentials* creds = nullptr);

// Argo CD's build environment variables expanded in `s` ($VAR, ${VAR});
// unknown names stay as written.
std::string ExpandBuildEnv(const std::string& s, const Source& src, const std::string& dest_namespace,
                           const RenderEnv& env);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_HELM_SOURCE_H_
