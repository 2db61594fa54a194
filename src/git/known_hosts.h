// OpenSSH known_hosts files: which ssh host keys are trusted for which
// host (what `ssh-keyscan` prints and Argo CD keeps in
// argocd-ssh-known-hosts-cm).
//
// Promises:
// - Parse() accepts the OpenSSH format: `[marker] hosts keytype base64 [comment]`
//   with comma-separated host patterns (`*`/`?` wildcards, `!` negation,
//   `[host]:port` for other ports than 22) or hashed names (`|1|salt|hash`,
//   `ssh-keyscan -H`), `@revoked` keys, `#` comments and blank lines.
//   `@cert-authority` lines are read and ignored (host certificates are not
//   supported). A malformed line is a GitError naming the file and line.
// - Check() compares the key blob the server presented (the SSH wire form,
//   as in the base64 field) with the keys listed for host:port.
#ifndef CAPSTAN_GIT_KNOWN_HOSTS_H_
#define CAPSTAN_GIT_KNOWN_HOSTS_H_

#include <string>
#include <string_view>
#include <vector>

namespace capstan::git {

class KnownHosts {
 public:
  enum class Verdict {
    kMatch,     // host listed with this key
    kMismatch,  // host listed, but only with other keys
    kUnknown,   // host not listed
    kRevoked,   // the key is marked @revoked
  };

  // `name` (the file) prefixes error messages.
  static KnownHosts Parse(std::string_view text, const std::string& name);
  // Reads and parses `path`; GitError when it cannot be read.
  static KnownHosts Load(const std::string& path);

  Verdict Check(const std::string& host, int port, std::string_view key_blob) const;
  // Key types ("ssh-ed25519", ...) listed (not revoked) for host:port.
  std::vector<std::string> KeyTypes(const std::string& host, int port) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::vector<std::string> patterns;  // as written, hashed ones included
    std::string key_blob;
    bool revoked = false;
  };
  std::vector<Entry> entries_;
};

// How OpenSSH names a host in known_hosts: "host" on port 22, else "[host]:port".
std::string KnownHostsName(const std::string& host, int port);
// "ssh-ed25519 SHA256:..." for messages (OpenSSH's fingerprint form).
std::string HostKeyFingerprint(std::string_view key_blob);
// The key type inside an SSH wire-format key blob ("" if malformed).
std::string HostKeyType(std::string_view key_blob);

}  // namespace capstan::git

#endif  // CAPSTAN_GIT_KNOWN_HOSTS_H_
