// The libgit2 callbacks of one conversation with a remote, shared by the
// Git source's fetch (RepoCache) and the push/fetch of a working tree
// (Worktree): credentials, host key / certificate checks, push statuses.
//
// Promises:
// - Credentials come from the entry of Credentials whose URL prefix
//   matches the remote (longest prefix): https gets user:password/token
//   (user "x-access-token" when the entry has none); ssh gets the key=
//   file, or without key= the ssh-agent of SSH_AUTH_SOCK. Each secret is
//   offered once: a server that refuses it gets a clear failure, not a loop.
// - ssh host keys: with known_hosts= in the entry, only that file decides
//   (unknown or different key: refused); without it, libgit2's check of
//   ~/.ssh/known_hosts decides (unknown: refused), as Argo CD refuses hosts
//   missing from argocd-ssh-known-hosts-cm.
// - https certificates: trusted when the system CAs trust them, or when
//   the entry's ca= file does (tls_trust.h); otherwise refused.
// - Error() is one line naming the remote (userinfo removed) and why, and
//   never holds a password, token, passphrase or key contents.
#ifndef CAPSTAN_GIT_REMOTE_CALLBACKS_H_
#define CAPSTAN_GIT_REMOTE_CALLBACKS_H_

#include <git2.h>

#include <cstddef>
#include <string>

#include "git/git.h"

namespace capstan::git {

class RemoteCallbacks {
 public:
  // `url` is the remote's URL as libgit2 will use it.
  RemoteCallbacks(const Credentials& creds, std::string url);
  RemoteCallbacks(const RemoteCallbacks&) = delete;
  RemoteCallbacks& operator=(const RemoteCallbacks&) = delete;

  // Sets credentials, certificate_check, push_negotiation,
  // push_update_reference and payload (this object, which must outlive the
  // libgit2 call).
  void Install(git_remote_callbacks* callbacks);

  // "<what>: <reason>" for a libgit2 call that failed: the callbacks' own
  // reason when they refused (authentication, host key, certificate), else
  // libgit2's last error.
  std::string Error(const std::string& what) const;

  // Status the server gave a refused ref update during push ("" if none).
  const std::string& push_rejection() const { return push_rejection_; }
  // Refs a push had to move on the server (0: it had them all already).
  int refs_changed() const { return refs_changed_; }

 private:
  static int OnCredential(git_credential** out, const char* url, const char* username_from_url,
                          unsigned int allowed, void* payload);
  static int OnCertificate(git_cert* cert, int valid, const char* host, void* payload);
  static int OnPushUpdate(const char* refname, const char* status, void* payload);
  static int OnPushNegotiation(const git_push_update** updates, size_t len, void* payload);
  int AnswerCredential(git_credential** out, const char* username_from_url, unsigned int allowed);
  int CheckCertificate(git_cert* cert, int valid, const char* host);
  int CheckHostKey(git_cert* cert, int valid, const std::string& host);

  std::string url_;       // redacted
  int port_ = -1;         // port from the URL (-1: the scheme's default)
  bool no_credentials_;   // no credentials were given at all
  const git::Credential* cred_;
  int secrets_offered_ = 0;
  int calls_ = 0;
  std::string failure_;
  std::string offered_key_;  // key= path given to libssh2, for messages
  std::string push_rejection_;
  int refs_changed_ = 0;
};

}  // namespace capstan::git

#endif  // CAPSTAN_GIT_REMOTE_CALLBACKS_H_
