// Worktree over libgit2: status, commit, push, fetch, one-commit rebase.
#include "git/worktree.h"

#include <git2.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "git/libgit2_error.h"
#include "git/libgit2_stubs.h"
#include "git/remote_callbacks.h"

namespace fs = std::filesystem;

namespace capstan::git {
namespace {

template <typename T, void (*Free)(T*)>
struct Owned {
  T* p = nullptr;
  ~Owned() {
    if (p) Free(p);
  }
  T** operator&() { return &p; }
  operator T*() const { return p; }
};
using Ref = Owned<git_reference, git_reference_free>;
using CommitPtr = Owned<git_commit, git_commit_free>;
using Tree = Owned<git_tree, git_tree_free>;
using TreeEntry = Owned<git_tree_entry, git_tree_entry_free>;
using Index = Owned<git_index, git_index_free>;
using Remote = Owned<git_remote, git_remote_free>;
using Signature = Owned<git_signature, git_signature_free>;
using Blob = Owned<git_blob, git_blob_free>;
using StatusList = Owned<git_status_list, git_status_list_free>;
using Diff = Owned<git_diff, git_diff_free>;

std::string OidHex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

bool LooksNonFastForward(const std::string& s) {
  return s.find("fast-forward") != std::string::npos || s.find("fastforward") != std::string::npos ||
         s.find("fetch first") != std::string::npos || s.find("non-fast") != std::string::npos;
}

// Where a push goes: the remote's pushurl when set, else its url.
std::string PushUrl(git_remote* remote) {
  const char* push = git_remote_pushurl(remote);
  if (push && *push) return push;
  const char* url = git_remote_url(remote);
  return url ? url : "";
}

void MakeSignature(git_signature** out, git_repository* repo) {
  const char* name = std::getenv("GIT_AUTHOR_NAME");
  const char* email = std::getenv("GIT_AUTHOR_EMAIL");
  if (name && *name && email && *email) {
    Check(git_signature_now(out, name, email), "author");
    return;
  }
  if (git_signature_default(out, repo) == 0) return;
  Check(git_signature_now(out, "capstan", "capstan@localhost"), "author");
}

// Id of the blob at `path` in `tree`, or false when absent.
bool BlobAt(git_tree* tree, const std::string& path, git_oid* out) {
  TreeEntry e;
  if (git_tree_entry_bypath(&e, tree, path.c_str()) < 0) return false;
  *out = *git_tree_entry_id(e);
  return true;
}

}  // namespace

Worktree::Worktree(const std::string& path, Credentials creds) : creds_(std::move(creds)) {
  LoadLibgit2();
  if (git_repository_open_ext(&repo_, path.c_str(), 0, nullptr) < 0) {
    throw GitError(path + ": not inside a Git working tree");
  }
  const char* wd = git_repository_workdir(repo_);
  if (wd == nullptr) {
    git_repository_free(repo_);
    throw GitError(path + ": a bare repository has no working tree");
  }
  root_ = wd;
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

Worktree::~Worktree() {
  if (repo_) git_repository_free(repo_);
}

std::string Worktree::Branch() const {
  Ref head;
  if (git_repository_head(&head, repo_) < 0 || git_repository_head_detached(repo_) == 1) {
    throw GitError(root_ + ": HEAD is not a branch (detached or unborn); check out a branch first");
  }
  return git_reference_shorthand(head);
}

std::string Worktree::HeadSha() const {
  git_oid oid;
  Check(git_reference_name_to_id(&oid, repo_, "HEAD"), root_ + ": HEAD");
  return OidHex(&oid);
}

std::vector<std::string> Worktree::Changes() const {
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  StatusList list;
  Check(git_status_list_new(&list, repo_, &opts), root_ + ": status");
  std::vector<std::string> out;
  size_t n = git_status_list_entrycount(list);
  for (size_t i = 0; i < n; ++i) {
    const git_status_entry* e = git_status_byindex(list, i);
    if (e == nullptr || e->status == GIT_STATUS_CURRENT || (e->status & GIT_STATUS_IGNORED)) continue;
    const git_diff_delta* d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
    if (d == nullptr) continue;
    out.push_back(d->new_file.path ? d->new_file.path : d->old_file.path);
  }
  return out;
}

std::string Worktree::Commit(const std::vector<std::string>& paths, const std::string& message) {
  Index index;
  Check(git_repository_index(&index, repo_), root_ + ": index");
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::exists(fs::path(root_) / p, ec)) {
      Check(git_index_add_bypath(index, p.c_str()), root_ + ": add " + p);
    } else {
      Check(git_index_remove_bypath(index, p.c_str()), root_ + ": remove " + p);
    }
  }
  Check(git_index_write(index), root_ + ": write index");
  git_oid tree_id;
  Check(git_index_write_tree(&tree_id, index), root_ + ": write tree");
  Tree tree;
  Check(git_tree_lookup(&tree, repo_, &tree_id), root_ + ": tree");
  CommitPtr parent;
  git_oid head_id;
  const git_commit* parents[1];
  size_t nparents = 0;
  if (git_reference_name_to_id(&head_id, repo_, "HEAD") == 0) {
    Check(git_commit_lookup(&parent, repo_, &head_id), root_ + ": HEAD commit");
    parents[0] = parent;
    nparents = 1;
  }
  Signature sig;
  MakeSignature(&sig, repo_);
  git_oid id;
  Check(git_commit_create(&id, repo_, "HEAD", sig, sig, nullptr, message.c_str(), tree, nparents, parents),
        root_ + ": commit");
  return OidHex(&id);
}

bool Worktree::Push(const std::string& name, bool* sent) {
  if (sent) *sent = false;
  std::string branch = Branch();
  Remote remote;
  Check(git_remote_lookup(&remote, repo_, name.c_str()), root_ + ": remote " + name);
  std::string url = PushUrl(remote);
  RemoteCallbacks callbacks(creds_, url);
  git_push_options opts = GIT_PUSH_OPTIONS_INIT;
  callbacks.Install(&opts.callbacks);
  std::string spec = "refs/heads/" + branch + ":refs/heads/" + branch;
  char* specs[] = {spec.data()};
  git_strarray refspecs = {specs, 1};
  int rc = git_remote_push(remote, &refspecs, &opts);
  if (rc == GIT_ENONFASTFORWARD) return false;
  if (rc < 0) {
    std::string msg = callbacks.Error("push to " + RedactUrl(url));
    if (LooksNonFastForward(msg)) return false;
    throw GitError(msg);
  }
  if (!callbacks.push_rejection().empty()) {
    if (LooksNonFastForward(callbacks.push_rejection())) return false;
    throw GitError("push to " + RedactUrl(url) + ": " + branch + " rejected: " + callbacks.push_rejection());
  }
  if (sent) *sent = callbacks.refs_changed() > 0;
  return true;
}

std::string Worktree::Fetch(const std::string& name) {
  std::string branch = Branch();
  Remote remote;
  Check(git_remote_lookup(&remote, repo_, name.c_str()), root_ + ": remote " + name);
  std::string url = git_remote_url(remote) ? git_remote_url(remote) : "";
  RemoteCallbacks callbacks(creds_, url);
  git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
  callbacks.Install(&opts.callbacks);
  if (git_remote_fetch(remote, nullptr, &opts, nullptr) < 0) throw GitError(callbacks.Error("fetch " + RedactUrl(url)));
  git_oid oid;
  Check(git_reference_name_to_id(&oid, repo_, ("refs/remotes/" + name + "/" + branch).c_str()),
        "fetch " + RedactUrl(url) + ": no branch " + branch);
  return OidHex(&oid);
}

std::string Worktree::RebaseOnto(const std::string& onto, const std::vector<std::string>& paths) {
  git_oid head_id, onto_id;
  Check(git_reference_name_to_id(&head_id, repo_, "HEAD"), root_ + ": HEAD");
  Check(git_oid_fromstr(&onto_id, onto.c_str()), "commit " + onto);
  CommitPtr head, onto_commit, base;
  Check(git_commit_lookup(&head, repo_, &head_id), root_ + ": HEAD commit");
  Check(git_commit_lookup(&onto_commit, repo_, &onto_id), "commit " + onto);
  if (git_commit_parentcount(head) != 1) throw GitError(root_ + ": HEAD is not a one-parent commit; rebase by hand");
  Check(git_commit_parent(&base, head, 0), root_ + ": parent of HEAD");
  const git_oid* base_id = git_commit_id(base);
  if (git_oid_cmp(base_id, &onto_id) != 0 && git_graph_descendant_of(repo_, &onto_id, base_id) != 1) {
    throw GitError(root_ + ": the branch has other commits that " + onto.substr(0, 12) +
                   " does not hold; push or drop them first (capstan moves only its own last commit)");
  }
  Tree head_tree, onto_tree, base_tree;
  Check(git_commit_tree(&head_tree, head), "tree");
  Check(git_commit_tree(&onto_tree, onto_commit), "tree");
  Check(git_commit_tree(&base_tree, base), "tree");
  // Only `paths` are replayed: a HEAD commit touching anything else is not
  // one capstan can move without losing part of it.
  {
    Diff diff;
    Check(git_diff_tree_to_tree(&diff, repo_, base_tree, head_tree, nullptr), root_ + ": diff of HEAD");
    for (size_t i = 0, n = git_diff_num_deltas(diff); i < n; ++i) {
      const git_diff_delta* d = git_diff_get_delta(diff, i);
      for (const char* f : {d->old_file.path, d->new_file.path}) {
        if (f && std::find(paths.begin(), paths.end(), f) == paths.end())
          throw GitError(root_ + ": HEAD (" + HeadSha().substr(0, 12) + ") also changes " + f +
                         "; capstan moves only a commit of its own files, rebase by hand");
      }
    }
  }
  for (const std::string& p : paths) {
    git_oid a{}, b{};
    bool in_base = BlobAt(base_tree, p, &a), in_onto = BlobAt(onto_tree, p, &b);
    if (in_base != in_onto || (in_base && git_oid_cmp(&a, &b) != 0)) {
      throw GitError(p + " was also changed upstream (" + onto.substr(0, 12) +
                     "); the change does not apply cleanly, rebase by hand");
    }
  }
  // The new contents of the paths, from HEAD's commit.
  std::vector<std::pair<std::string, std::optional<std::string>>> files;
  for (const std::string& p : paths) {
    git_oid id;
    if (!BlobAt(head_tree, p, &id)) {
      files.emplace_back(p, std::nullopt);
      continue;
    }
    Blob blob;
    Check(git_blob_lookup(&blob, repo_, &id), p);
    files.emplace_back(p, std::string(static_cast<const char*>(git_blob_rawcontent(blob)),
                                      static_cast<size_t>(git_blob_rawsize(blob))));
  }
  std::string message = git_commit_message(head) ? git_commit_message(head) : "";
  Check(git_reset(repo_, reinterpret_cast<git_object*>(onto_commit.p), GIT_RESET_HARD, nullptr),
        root_ + ": reset to " + onto);
  try {
    for (const auto& [p, content] : files) {
      fs::path full = fs::path(root_) / p;
      if (!content) {
        fs::remove(full);
        continue;
      }
      std::ofstream out(full, std::ios::binary | std::ios::trunc);
      out << *content;
      if (!out) throw GitError(full.string() + ": cannot write");
    }
    return Commit(paths, message);
  } catch (...) {
    git_reset(repo_, reinterpret_cast<git_object*>(head.p), GIT_RESET_HARD, nullptr);
    throw;
  }
}

}  // namespace capstan::git
