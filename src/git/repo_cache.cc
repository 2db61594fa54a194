// RepoCache over libgit2: bare mirrors per URL, immutable tree snapshots.
#include <fcntl.h>
#include <git2.h>
#include <nettle/sha2.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "git/git.h"
#include "git/libgit2_error.h"
#include "git/libgit2_stubs.h"
#include "git/remote_callbacks.h"

namespace fs = std::filesystem;

namespace capstan::git {
namespace {

void InitLibgit2() { LoadLibgit2(); }

std::string Sha256Hex(const std::string& s) {
  uint8_t md[SHA256_DIGEST_SIZE];
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, s.size(), reinterpret_cast<const uint8_t*>(s.data()));
  sha256_digest(&ctx, sizeof md, md);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < 16; ++i) {  // 128 bits is plenty for a dir name
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 15]);
  }
  return out;
}

// RAII holders for the few libgit2 objects used here.
template <typename T, void (*Free)(T*)>
struct Owned {
  T* p = nullptr;
  ~Owned() {
    if (p) Free(p);
  }
  T** operator&() { return &p; }
  operator T*() const { return p; }
};
using Repo = Owned<git_repository, git_repository_free>;
using Remote = Owned<git_remote, git_remote_free>;
using Object = Owned<git_object, git_object_free>;
using Commit = Owned<git_commit, git_commit_free>;
using Tree = Owned<git_tree, git_tree_free>;
using Blob = Owned<git_blob, git_blob_free>;
using Ref = Owned<git_reference, git_reference_free>;

// An exclusive flock on a file, released on destruction.
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    fd_ = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (fd_ < 0) throw GitError(path + ": cannot open lock file");
    ::flock(fd_, LOCK_EX);
  }
  ~FileLock() {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }

 private:
  int fd_ = -1;
};

// A fetch killed mid-update (kill -9) leaves libgit2's `<file>.lock` files
// in the mirror, and libgit2 then refuses every later update of those refs.
// Called under the FileLock of the mirror, so no live writer owns them.
void RemoveStaleLibgit2Locks(const std::string& dir) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename() == "objects") {
      it.disable_recursion_pending();
      continue;
    }
    std::error_code ignored;
    if (it->path().extension() == ".lock" && it->is_regular_file(ignored))
      fs::remove(it->path(), ignored);
  }
}

bool IsHex(const std::string& s) {
  if (s.size() < 4 || s.size() > 40) return false;
  for (char c : s)
    if (!isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string OidHex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

// Local paths become file:// URLs so the local transport handles them.
std::string NormaliseUrl(const std::string& url) {
  if (url.empty()) throw GitError("repository URL is empty");
  if (url.find("://") != std::string::npos) return url;
  if (url.find('@') != std::string::npos && url.find(':') != std::string::npos) return url;  // scp-like ssh
  // A relative path would depend on the process's working directory.
  if (url[0] != '/')
    throw GitError("repository URL \"" + RedactUrl(url) +
                   "\" is neither a URL (https://, ssh://, file://), user@host:path, nor an absolute path");
  return "file://" + fs::path(url).lexically_normal().string();
}

void OpenRepo(git_repository** out, const std::string& dir, const std::string& url) {
  if (git_repository_open_bare(out, dir.c_str()) < 0)
    throw GitError(RedactUrl(url) + ": repository not in cache (fetch it first)");
}

void LookupCommit(git_repository* repo, const std::string& url, const std::string& sha,
                  git_commit** out) {
  git_oid oid;
  if (sha.size() != 40 || git_oid_fromstr(&oid, sha.c_str()) < 0)
    throw GitError(RedactUrl(url) + ": \"" + sha + "\" is not a commit id");
  if (git_commit_lookup(out, repo, &oid) < 0)
    throw GitError(RedactUrl(url) + ": commit " + sha + " not found");
}

}  // namespace

RepoCache::RepoCache(std::string cache_dir, Credentials creds)
    : dir_(std::move(cache_dir)), creds_(std::move(creds)) {
  InitLibgit2();
  std::error_code ec;
  fs::create_directories(fs::path(dir_) / "repos", ec);
  fs::create_directories(fs::path(dir_) / "trees", ec);
  if (ec) throw GitError(dir_ + ": cannot create cache directory: " + ec.message());
}

RepoCache::~RepoCache() = default;

std::string RepoCache::RepoDir(const std::string& url) const {
  return (fs::path(dir_) / "repos" / Sha256Hex(RedactUrl(NormaliseUrl(url)))).string();
}

bool RepoCache::Has(const std::string& url) const {
  std::error_code ec;
  return fs::exists(RepoDir(url), ec);
}

void RepoCache::Fetch(const std::string& raw_url) {
  const std::string url = NormaliseUrl(raw_url);
  const std::string dir = RepoDir(url);
  FileLock lock(dir + ".lock");
  RemoveStaleLibgit2Locks(dir);
  Repo repo;
  if (git_repository_open_bare(&repo, dir.c_str()) < 0) {
    Check(git_repository_init(&repo, dir.c_str(), /*is_bare=*/1), RedactUrl(url) + ": init cache");
  }
  Remote remote;
  Check(git_remote_create_anonymous(&remote, repo, url.c_str()), RedactUrl(url));

  RemoteCallbacks remote_callbacks(creds_, url);
  git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
  remote_callbacks.Install(&callbacks);
  if (git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr) < 0)
    throw GitError(remote_callbacks.Error(RedactUrl(url) + ": connect"));

  // The remote's HEAD (default branch), so that targetRevision HEAD works.
  git_buf head = GIT_BUF_INIT;
  std::string head_ref;
  if (git_remote_default_branch(&head, remote) == 0) head_ref.assign(head.ptr, head.size);
  git_buf_dispose(&head);

  // Mirror branches and tags; prune refs deleted upstream.
  const char* specs[] = {"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"};
  git_strarray refspecs = {const_cast<char**>(specs), 2};
  git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
  opts.callbacks = callbacks;
  opts.prune = GIT_FETCH_PRUNE;
  opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
  if (git_remote_fetch(remote, &refspecs, &opts, "capstan fetch") < 0)
    throw GitError(remote_callbacks.Error(RedactUrl(url) + ": fetch"));

  if (!head_ref.empty()) {
    Ref ref;
    git_reference_symbolic_create(&ref, repo, "HEAD", head_ref.c_str(), /*force=*/1, "capstan");
  }
}

std::string RepoCache::Resolve(const std::string& raw_url, const std::string& revision,
                               bool fetch) {
  const std::string url = NormaliseUrl(raw_url);
  const std::string dir = RepoDir(url);
  if (fetch || !fs::exists(dir)) Fetch(url);
  // Another process may be cloning or updating this mirror: read it under
  // the fetch lock, never half-made.
  FileLock lock(dir + ".lock");
  Repo repo;
  OpenRepo(&repo, dir, url);
  const std::string rev = revision.empty() ? "HEAD" : revision;
  std::vector<std::string> candidates;
  if (rev == "HEAD") {
    candidates = {"HEAD"};
  } else {
    candidates = {"refs/heads/" + rev, "refs/tags/" + rev, rev};
  }
  for (const auto& spec : candidates) {
    Object obj;
    if (git_revparse_single(&obj, repo, spec.c_str()) < 0) continue;
    Object peeled;
    if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) continue;
    // A bare hex prefix must name a commit, not merely parse as a ref name.
    if (spec == rev && !IsHex(rev) && rev != "HEAD") continue;
    return OidHex(git_object_id(peeled));
  }
  throw GitError(RedactUrl(url) + ": targetRevision \"" + rev +
                 "\" is not a branch, tag or commit of the repository");
}

std::string RepoCache::Snapshot(const std::string& raw_url, const std::string& sha) {
  const std::string url = NormaliseUrl(raw_url);
  fs::path final_dir = fs::path(dir_) / "trees" / sha;
  if (fs::exists(final_dir)) return final_dir.string();
  // Many syncs of one commit start together: one builds, the others wait.
  FileLock lock(final_dir.string() + ".lock");
  if (fs::exists(final_dir)) return final_dir.string();

  Repo repo;
  OpenRepo(&repo, RepoDir(url), url);
  Commit commit;
  LookupCommit(repo, url, sha, &commit);
  Tree tree;
  Check(git_commit_tree(&tree, commit), RedactUrl(url) + ": tree of " + sha);

  // Build aside, then rename: a reader sees the whole tree or none of it.
  char tmpl[4096];
  std::snprintf(tmpl, sizeof tmpl, "%s/trees/.tmp-%s-XXXXXX", dir_.c_str(), sha.c_str());
  if (!mkdtemp(tmpl)) throw GitError(dir_ + ": cannot create temporary directory");
  fs::path tmp = tmpl;

  struct WalkState {
    git_repository* repo;
    fs::path root;
    std::string error;
  } state{repo, tmp, ""};
  auto cb = [](const char* root, const git_tree_entry* entry, void* payload) -> int {
    auto* st = static_cast<WalkState*>(payload);
    fs::path rel = fs::path(root) / git_tree_entry_name(entry);
    fs::path out = st->root / rel;
    git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode == GIT_FILEMODE_TREE) {
      fs::create_directories(out);
      return 0;
    }
    if (mode == GIT_FILEMODE_COMMIT) return 0;  // submodules are not followed
    Blob blob;
    if (git_blob_lookup(&blob, st->repo, git_tree_entry_id(entry)) < 0) {
      st->error = rel.string() + ": missing blob";
      return -1;
    }
    const char* data = static_cast<const char*>(git_blob_rawcontent(blob));
    size_t size = static_cast<size_t>(git_blob_rawsize(blob));
    if (mode == GIT_FILEMODE_LINK) {
      // Symlinks may only point inside the repository (as Argo CD requires).
      // Normalised relative to the repository root, a leading ".." is
      // kept (prefixing "/" would let lexically_normal drop it). Renders
      // check again after resolving symlinks on disk (kustomize::Options).
      std::string target(data, size);
      fs::path resolved = (rel.parent_path() / target).lexically_normal();
      if (target.empty() || fs::path(target).is_absolute() ||
          (!resolved.empty() && *resolved.begin() == "..")) {
        st->error = rel.string() + ": symlink points outside the repository";
        return -1;
      }
      std::error_code ec;
      fs::create_symlink(target, out, ec);
      return 0;
    }
    std::ofstream f(out, std::ios::binary);
    f.write(data, static_cast<std::streamsize>(size));
    if (!f) {
      st->error = rel.string() + ": write failed";
      return -1;
    }
    f.close();
    if (mode == GIT_FILEMODE_BLOB_EXECUTABLE)
      fs::permissions(out, fs::perms::owner_exec, fs::perm_options::add);
    return 0;
  };
  int rc = git_tree_walk(tree, GIT_TREEWALK_PRE, cb, &state);
  if (rc < 0) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw GitError(RedactUrl(url) + "@" + sha + ": " +
                   (state.error.empty() ? LastError("snapshot") : state.error));
  }
  std::error_code ec;
  fs::rename(tmp, final_dir, ec);
  if (ec) {  // another process won the race: its tree is identical
    fs::remove_all(tmp, ec);
    if (!fs::exists(final_dir)) throw GitError(final_dir.string() + ": cannot create snapshot");
  }
  return final_dir.string();
}

std::string RepoCache::ReadFile(const std::string& raw_url, const std::string& sha,
                                const std::string& path) {
  const std::string url = NormaliseUrl(raw_url);
  Repo repo;
  OpenRepo(&repo, RepoDir(url), url);
  Commit commit;
  LookupCommit(repo, url, sha, &commit);
  Tree tree;
  Check(git_commit_tree(&tree, commit), RedactUrl(url));
  git_tree_entry* entry = nullptr;
  if (git_tree_entry_bypath(&entry, tree, path.c_str()) < 0)
    throw GitError(RedactUrl(url) + "@" + sha + ": " + path + ": no such file");
  Blob blob;
  int rc = git_blob_lookup(&blob, repo, git_tree_entry_id(entry));
  git_tree_entry_free(entry);
  if (rc < 0) throw GitError(RedactUrl(url) + "@" + sha + ": " + path + ": not a file");
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob)),
                     static_cast<size_t>(git_blob_rawsize(blob)));
}

RepoCache::CommitInfo RepoCache::Info(const std::string& raw_url, const std::string& sha) {
  const std::string url = NormaliseUrl(raw_url);
  Repo repo;
  OpenRepo(&repo, RepoDir(url), url);
  Commit commit;
  LookupCommit(repo, url, sha, &commit);
  CommitInfo info;
  info.sha = sha;
  const char* summary = git_commit_summary(commit);
  info.summary = summary ? summary : "";
  const git_signature* author = git_commit_author(commit);
  if (author) {
    info.author = std::string(author->name ? author->name : "") + " <" +
                  (author->email ? author->email : "") + ">";
    info.time = author->when.time;
  }
  return info;
}

}  // namespace capstan::git
