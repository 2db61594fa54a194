// libgit2's last error as one line for GitError, with the userinfo of any
// URL in it removed (libgit2 sometimes echoes the remote URL).
#ifndef CAPSTAN_GIT_LIBGIT2_ERROR_H_
#define CAPSTAN_GIT_LIBGIT2_ERROR_H_

#include <string>

namespace capstan::git {

// "<what>: <libgit2's message>".
std::string LastError(const std::string& what);
// Throws GitError(LastError(what)) when rc < 0.
void Check(int rc, const std::string& what);

}  // namespace capstan::git

#endif  // CAPSTAN_GIT_LIBGIT2_ERROR_H_
