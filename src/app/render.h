// Rendering one Application source from a repository tree: a kustomization
// when the path holds one (with the Application's kustomize overrides applied
// as `kustomize edit` would), otherwise a directory of YAML/JSON manifests.
// A path holding Chart.yaml (or a source with a helm: block) is a Helm chart
// rendered natively (app/helm_source.h).
#ifndef CAPSTAN_APP_RENDER_H_
#define CAPSTAN_APP_RENDER_H_

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/application.h"
#include "app/helm_source.h"
#include "yaml/node.h"

namespace capstan::app {

// `repo_root` is a snapshot of the whole repository (git::RepoCache) and
// stays untouched. Throws AppError naming the file and object.
// `env` names the Application for Helm sources (release name, namespace,
// $ARGOCD_APP_* variables); `dest_namespace` is its destination namespace.
std::vector<yaml::Node> RenderSource(const std::string& repo_root, const Source& source,
                                     const RenderEnv& env = {}, const std::string& dest_namespace = "");

// Rendered manifests keyed by (repo, commit, path, source options); a hard
// refresh bypasses it. Thread-safe.
//
// Held compact: each render packed (cache/packed_node.h), identical renders
// under different keys (apps of one path, a commit that did not change the
// path) stored once, and the oldest entries dropped beyond max_bytes (a
// dropped entry is only rendered again).
class RenderCache {
 public:
  explicit RenderCache(size_t max_bytes = size_t{256} << 20) : max_bytes_(max_bytes) {}
  // `extra` distinguishes renders that depend on more than the source (a
  // Helm source's release name and namespace).
  static std::string Key(const Source& source, const std::string& commit, const std::string& extra = "");
  bool Get(const std::string& key, std::vector<yaml::Node>* out);
  void Put(const std::string& key, std::vector<yaml::Node> objects);
  size_t size();
  // Bytes of the distinct packed renders held.
  size_t bytes();

 private:
  using Packed = std::shared_ptr<const std::string>;
  void Release(const Packed& p);
  size_t max_bytes_;
  std::mutex mu_;
  std::map<std::string, Packed> entries_;
  std::map<size_t, std::vector<Packed>> by_hash_;  // distinct contents, for sharing
  std::list<std::string> order_;                   // keys, oldest first
  size_t bytes_ = 0;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_RENDER_H_
