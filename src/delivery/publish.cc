#include "delivery/publish.h"

#include <filesystem>
#include <memory>

#include "delivery/error.h"
#include "git/worktree.h"

namespace capstan::delivery {

namespace fs = std::filesystem;

PublishResult Publish(const std::vector<FileChange>& changes, const PublishOptions& options) {
  PublishResult r;
  bool commit = options.commit || options.push;
  std::vector<const FileChange*> todo;
  for (const FileChange& c : changes) {
    if (c.changed()) todo.push_back(&c);
  }
  std::unique_ptr<git::Worktree> wt;
  std::vector<std::string> rel, all_rel;  // todo's and every change's paths, relative to the root
  try {
    if (commit && !changes.empty()) {
      wt = std::make_unique<git::Worktree>(fs::path(changes[0].path).parent_path().string(), options.credentials);
      std::vector<std::string> dirty = wt->Changes();
      if (!dirty.empty()) {
        std::string list;
        for (size_t i = 0; i < dirty.size() && i < 5; ++i) list += (i ? ", " : "") + dirty[i];
        if (dirty.size() > 5) list += ", ...";
        throw Error(wt->root() + ": working tree has uncommitted changes (" + list +
                    "); commit or stash them first");
      }
      wt->Branch();  // refuse a detached HEAD before writing
      fs::path root = fs::canonical(wt->root());
      for (const FileChange& c : changes) {
        std::string r = fs::canonical(c.path).lexically_relative(root).string();
        all_rel.push_back(r);
        if (c.changed()) rel.push_back(r);
      }
    }
    for (const FileChange* c : todo) {
      WriteFileAtomically(c->path, c->after);
      r.written.push_back(c->path);
    }
    if (!commit || (todo.empty() && !options.push)) return r;
    // Nothing to change but --push: push what an earlier run committed and
    // could not push (refused key, host down), so running again finishes it.
    if (!todo.empty()) r.commit = wt->Commit(rel, options.message);
    if (!options.push) return r;
    bool sent = false;
    if (wt->Push(options.remote, &sent)) {
      r.pushed = sent;
      return r;
    }
    std::string upstream = wt->Fetch(options.remote);
    r.commit = wt->RebaseOnto(upstream, todo.empty() ? all_rel : rel);
    r.rebased = true;
    if (!wt->Push(options.remote)) {
      throw Error("push to " + options.remote + " rejected as non-fast-forward twice (after fetching and rebasing " +
                  r.commit.substr(0, 12) + "); try again");
    }
    r.pushed = true;
    return r;
  } catch (const git::GitError& e) {
    throw Error(e.what());
  }
}

}  // namespace capstan::delivery
