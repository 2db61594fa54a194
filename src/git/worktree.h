// Writing to a Git repository the user has checked out: what `capstan image
// set --commit --push` and `capstan promote` need (status, commit, push,
// fetch, moving a one-commit change onto a newer upstream).
//
// Promises:
// - Commit() stages exactly the paths given and commits them on the current
//   branch as the configured author (GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL, else
//   user.name/user.email from git config, else "capstan").
// - Push() reports a non-fast-forward rejection as false, any other failure
//   as GitError; credentials come from the same Credentials as the Git
//   source (file://, https and ssh remotes) and never appear in messages.
// - RebaseOnto() replays the last commit's files on top of another commit
//   only when that commit did not change those files and already holds the
//   last commit's parent; otherwise GitError and the branch is left where it
//   was.
#ifndef CAPSTAN_GIT_WORKTREE_H_
#define CAPSTAN_GIT_WORKTREE_H_

#include <string>
#include <vector>

#include "git/git.h"

struct git_repository;

namespace capstan::git {

class Worktree {
 public:
  // The repository whose working tree contains `path`. Throws GitError.
  explicit Worktree(const std::string& path, Credentials creds = {});
  ~Worktree();
  Worktree(const Worktree&) = delete;
  Worktree& operator=(const Worktree&) = delete;

  // Working directory, absolute, without a trailing slash.
  const std::string& root() const { return root_; }
  // Short name of the checked-out branch; throws on a detached HEAD.
  std::string Branch() const;
  std::string HeadSha() const;
  // Tracked files (relative to root) with staged or unstaged changes.
  std::vector<std::string> Changes() const;
  // Stages `paths` (relative to root) and commits them; returns the commit id.
  std::string Commit(const std::vector<std::string>& paths, const std::string& message);
  // Pushes the current branch to the same branch of `remote`; false when
  // rejected as non-fast-forward. `sent` (optional) tells whether the remote
  // took an update (false: it already had the branch at this commit).
  bool Push(const std::string& remote = "origin", bool* sent = nullptr);
  // Fetches `remote` and returns the commit its copy of the current branch is at.
  std::string Fetch(const std::string& remote = "origin");
  // Moves HEAD's commit (which changed `paths`) onto `onto`, updating the
  // branch, index and files. Returns the new commit id. Refused (GitError,
  // nothing changed) when HEAD's parent is not in `onto`'s history: other
  // local commits would be lost.
  std::string RebaseOnto(const std::string& onto, const std::vector<std::string>& paths);

 private:
  git_repository* repo_ = nullptr;
  std::string root_;
  Credentials creds_;
};

}  // namespace capstan::git

#endif  // CAPSTAN_GIT_WORKTREE_H_
