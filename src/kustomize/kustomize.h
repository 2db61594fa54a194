// capstan's Kustomize-compatible renderer.
//
// Render(dir) does what `kustomize build dir` (Kustomize v5.5.0) does for
// kustomize.config.k8s.io/v1beta1 Kustomizations and v1alpha1 Components
// without plugins, Helm or network: the returned documents, printed with
// yaml::EmitYamlStream, are what kustomize prints.
//
// Reentrant: no globals; the controller may render many apps at once from
// several threads.
#ifndef CAPSTAN_KUSTOMIZE_KUSTOMIZE_H_
#define CAPSTAN_KUSTOMIZE_KUSTOMIZE_H_

#include <stdexcept>
#include <functional>
#include <string>
#include <vector>

#include "yaml/node.h"

namespace capstan::kustomize {

enum class LoadRestrictor {
  kRootOnly,  // files must live under the kustomization's directory (default)
  kNone,      // any readable file
};

struct Options {
  LoadRestrictor load_restrictor = LoadRestrictor::kRootOnly;
  // helmCharts/helmGlobals are inflated only when asked (`--enable-helm`).
  bool enable_helm = false;
  // Bounds against hostile trees.
  size_t max_depth = 64;                      // nesting of bases/components
  size_t max_file_bytes = size_t{64} << 20;   // one input file
  size_t max_resources = 200000;              // total objects
  // When set (a repository checkout), everything the build reads must
  // resolve, after symlinks, inside this directory, whatever the load
  // restrictor: Argo CD's rule for a source's files.
  std::string confine_to;
  // Fetches a remote base (kustomize/remote.h): returns the directory of a
  // snapshot of the whole repository `repo_url` at `ref`. Unset: remote
  // bases are an error.
  std::function<std::string(const std::string& repo_url, const std::string& ref)> fetch_remote;
};

// A build failure. what() is one line naming the file and, when known, the
// object and field.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The rendered objects in kustomize's output order. Throws Error.
std::vector<yaml::Node> Render(const std::string& dir, const Options& options = {});

// File name kustomize uses for one object with `build -o DIR`
// ("apps_v1_deployment_name.yaml").
std::string OutputFileName(const yaml::Node& obj);

}  // namespace capstan::kustomize

#endif  // CAPSTAN_KUSTOMIZE_KUSTOMIZE_H_
