// The Git source: a local cache of remote repositories and read-only
// snapshots of their trees at a commit.
//
// Promises:
// - Fetch() mirrors every branch and tag of a remote (file://, https://,
//   ssh://, or a local path) into a bare repository under the cache dir, one
//   per URL, serialised across processes by a lock file.
// - Resolve() turns a targetRevision (branch, tag, full or abbreviated SHA,
//   "HEAD" or "") into a 40-hex commit id.
// - Snapshot() materialises the whole tree of a commit under
//   <cache>/trees/<sha>/ once; the directory is built aside and renamed into
//   place, so readers never see a half-written tree and concurrent syncs of
//   other commits never race (there is no shared checkout).
// - Error messages never contain credentials (userinfo is stripped from URLs).
#ifndef CAPSTAN_GIT_GIT_H_
#define CAPSTAN_GIT_GIT_H_

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace capstan::git {

class GitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How to authenticate to one remote.
struct Credential {
  std::string username;
  std::string password;          // password or token (https)
  std::string ssh_private_key;   // path to a private key file (ssh)
  std::string ssh_public_key;    // optional path
  std::string ssh_passphrase;
  std::string known_hosts;       // ssh: OpenSSH known_hosts file trusted for this entry
  std::string ca_file;           // https: PEM CA certificates trusted besides the system's
  std::string url_prefix;        // the entry's URL prefix (set by Credentials::Add), for messages
};

// Credentials by URL prefix; the longest matching prefix wins.
class Credentials {
 public:
  // Reads a credentials file: one entry per line, blank lines and `#`
  // comments ignored. An https entry is git-credential-store style
  // (`https://user:token@host[/path] [ca=/path/ca.pem]`); an ssh entry is
  // `ssh://[user@]host[:port][/path] [key=/path/to/id_ed25519] [passphrase=...]
  // [known_hosts=/path]`. Without key=, ssh uses the ssh-agent of
  // SSH_AUTH_SOCK. With known_hosts=, that file alone decides which host keys
  // are trusted; without it, ~/.ssh/known_hosts (unknown hosts are refused
  // either way). ca= adds CA certificates for the server's TLS certificate.
  // Throws GitError naming the file and line (never the secret); ca= and
  // known_hosts= files must be readable (known_hosts= well-formed).
  static Credentials Load(const std::string& path);
  void Add(std::string url_prefix, Credential c);
  const Credential* Find(const std::string& url) const;
  bool empty() const { return by_prefix_.empty(); }

 private:
  std::map<std::string, Credential> by_prefix_;
};

// `url` with any user:password@ removed, for messages.
std::string RedactUrl(const std::string& url);

class RepoCache {
 public:
  // `cache_dir` is created if missing.
  explicit RepoCache(std::string cache_dir, Credentials creds = {});
  ~RepoCache();
  RepoCache(const RepoCache&) = delete;
  RepoCache& operator=(const RepoCache&) = delete;

  // Fetches all branches and tags of `url` into the cache (cloning it the
  // first time); records the remote's default branch as HEAD.
  void Fetch(const std::string& url);
  // Resolves `revision` in the cached mirror of `url` to a commit id.
  // Fetches first when `fetch` is true or the repository is not cached yet.
  std::string Resolve(const std::string& url, const std::string& revision, bool fetch = true);
  // Directory holding the full tree of `commit` (already fetched). Builds it
  // on first use.
  std::string Snapshot(const std::string& url, const std::string& commit);
  // Whether a mirror of `url` is in the cache already (no network).
  bool Has(const std::string& url) const;
  // Contents of one file at a commit, without materialising the tree.
  std::string ReadFile(const std::string& url, const std::string& commit, const std::string& path);
  // Commit message summary and author time (seconds since epoch).
  struct CommitInfo {
    std::string sha, summary, author;
    long long time = 0;
  };
  CommitInfo Info(const std::string& url, const std::string& commit);

  const std::string& dir() const { return dir_; }

 private:
  std::string RepoDir(const std::string& url) const;
  std::string dir_;
  Credentials creds_;
};

}  // namespace capstan::git

#endif  // CAPSTAN_GIT_GIT_H_
