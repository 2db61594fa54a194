// File access for one kustomization root, with kustomize's load restrictor:
// under LoadRestrictionsRootOnly a kustomization may only read files below
// its own directory (symlinks resolved).
#ifndef CAPSTAN_KUSTOMIZE_LOADER_H_
#define CAPSTAN_KUSTOMIZE_LOADER_H_

#include <string>
#include <vector>

#include "kustomize/kustomize.h"

namespace capstan::kustomize {

class Loader {
 public:
  Loader(std::string root, const Options& options);

  const std::string& root() const { return root_; }
  // Root of the top kustomization of the build.
  const std::string& top_root() const { return stack_.front(); }
  // `abs` relative to the top root, for build metadata ("../base/x.yaml").
  std::string RelativeToTop(const std::string& abs) const;
  // Absolute, normalized path of `rel` (relative to the root), after the
  // load restrictor check. Throws Error.
  std::string Resolve(const std::string& rel) const;
  std::string ReadFile(const std::string& rel) const;
  bool IsDir(const std::string& rel) const;
  // A loader rooted at directory `rel`; rejects cycles (a root that
  // contains one already being built).
  Loader Sub(const std::string& rel) const;
  // A loader rooted at the directory a remote base (a Git URL) names, in a
  // snapshot fetched through Options::fetch_remote; reads stay inside that
  // snapshot. Throws Error.
  Loader SubRemote(const std::string& spec) const;

  // Names a kustomization file may have, in kustomize's lookup order.
  static const std::vector<std::string>& KustomizationFileNames();
  // Path of the kustomization file in the root. Throws when none or several.
  std::string KustomizationFile() const;

  static bool IsRemote(const std::string& path);

 private:
  // Fails unless `abs` (canonical) lies inside options_->confine_to.
  void CheckConfined(const std::string& written, const std::string& abs) const;

  Loader Descend(const std::string& abs) const;

  std::string jail_;                 // canonical; "" = no confinement
  std::string root_;                 // canonical
  std::vector<std::string> stack_;   // roots from the top build down to this one
  const Options* options_;
};

}  // namespace capstan::kustomize

#endif  // CAPSTAN_KUSTOMIZE_LOADER_H_
