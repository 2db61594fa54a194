// Writing planned file changes and, when asked, committing and pushing them
// (shared by `image set` and `promote`).
//
// Promises: with commit, a working tree with uncommitted changes to tracked
// files is refused before anything is written; a push rejected as
// non-fast-forward fetches, moves the commit onto the new upstream when the
// upstream did not touch the same files, and pushes once more. With push
// and nothing to change, the branch is still pushed (finishing an earlier
// run whose push failed); `pushed` then says whether the remote moved.
#ifndef CAPSTAN_DELIVERY_PUBLISH_H_
#define CAPSTAN_DELIVERY_PUBLISH_H_

#include <string>
#include <vector>

#include "delivery/image_set.h"
#include "git/git.h"

namespace capstan::delivery {

struct PublishOptions {
  bool commit = false;
  bool push = false;  // implies commit
  std::string message;
  std::string remote = "origin";
  git::Credentials credentials;
};

struct PublishResult {
  std::vector<std::string> written;  // files changed on disk
  std::string commit;                // "" without commit
  bool pushed = false;               // the remote's branch moved
  bool rebased = false;              // push was retried after a fetch
};

PublishResult Publish(const std::vector<FileChange>& changes, const PublishOptions& options);

}  // namespace capstan::delivery

#endif  // CAPSTAN_DELIVERY_PUBLISH_H_
