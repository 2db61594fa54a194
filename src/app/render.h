// Rendering one Application source from a repository tree: a kustomization
// when the path holds one (with the Application's kustomize overrides applied
// as `kustomize edit` would), otherwise a directory of YAML/JSON manifests.
// Helm sources fail with a clear "not supported yet" error.
#ifndef CAPSTAN_APP_RENDER_H_
#define CAPSTAN_APP_RENDER_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "app/application.h"
#include "yaml/node.h"

namespace capstan::app {

// `repo_root` is a snapshot of the whole repository (git::RepoCache) and
// stays untouched. Throws AppError naming the file and object.
std::vector<yaml::Node> RenderSource(const std::string& repo_root, const Source& source);

// Rendered manifests keyed by (repo, commit, path, source options); a hard
// refresh bypasses it. Thread-safe.
class RenderCache {
 public:
  static std::string Key(const Source& source, const std::string& commit);
  bool Get(const std::string& key, std::vector<yaml::Node>* out);
  void Put(const std::string& key, std::vector<yaml::Node> objects);
  size_t size();

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<yaml::Node>> entries_;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_RENDER_H_
