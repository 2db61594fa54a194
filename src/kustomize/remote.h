// Remote bases: a `resources:` or `components:` entry that names a Git
// repository, in the spellings kustomize's repospec.go accepts:
//   https://host/org/repo//sub/dir?ref=v1.2.3   (also http://, ssh://)
//   git@host:org/repo.git//sub/dir?ref=main     (scp-like ssh)
//   file:///abs/repo.git//sub/dir?ref=<sha>
//   github.com/org/repo/sub/dir?ref=v1          (no scheme: https)
//   git::https://...                            (go-getter prefix)
// `version=` is accepted for `ref=`; `timeout=` and `submodules=` are
// ignored. Without `//` the repository ends at `.git`, else (with a host)
// after two path segments (org/repo). A plain HTTP(S) URL of a file
// (.yaml/.yml/.json) is not a repository: an Error.
#ifndef CAPSTAN_KUSTOMIZE_REMOTE_H_
#define CAPSTAN_KUSTOMIZE_REMOTE_H_

#include <string>

namespace capstan::kustomize {

struct RemoteRef {
  std::string repo_url;  // what to clone: scheme, host and repository path
  std::string subdir;    // directory inside the repository ("" = its root)
  std::string ref;       // branch, tag or commit ("" = the default branch)
};

// Throws Error naming the entry when it is not a repository URL.
RemoteRef ParseRemoteRef(const std::string& spec);

}  // namespace capstan::kustomize

#endif  // CAPSTAN_KUSTOMIZE_REMOTE_H_
