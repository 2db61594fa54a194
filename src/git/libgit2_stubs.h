// libgit2 is loaded on first use (see base/lazy_library.h): call
// LoadLibgit2() before any git_* function. Throws GitError when the
// library cannot be loaded.
#ifndef CAPSTAN_GIT_LIBGIT2_STUBS_H_
#define CAPSTAN_GIT_LIBGIT2_STUBS_H_

namespace capstan::git {
void LoadLibgit2();
}

#endif  // CAPSTAN_GIT_LIBGIT2_STUBS_H_
