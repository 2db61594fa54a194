// Accounts, logins and tokens as Argo CD keeps them (util/session,
// util/settings):
// - argocd-secret: server.secretkey (HS256 key), admin.password (bcrypt),
//   admin.passwordMtime, accounts.<n>.password, accounts.<n>.tokens (JSON
//   list of {id, iat, exp}; an API token not listed is revoked);
// - argocd-cm: accounts.<n>: "apiKey, login", accounts.<n>.enabled, admin.enabled,
//   users.session.duration;
// - argocd-initial-admin-secret: the first admin password, created (and
//   returned once) by EnsureInitialized.
// Login tokens: iss argocd, sub "<user>:login", iat, nbf, exp (24 h), jti.
// Every password check takes 500-1000 ms (timing noise, as Argo CD), and 5
// failures of one user within 300 s refuse further attempts until the
// window passes.
#ifndef CAPSTAN_SERVER_SESSION_H_
#define CAPSTAN_SERVER_SESSION_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kube/client.h"
#include "server/rbac.h"
#include "yaml/node.h"

namespace capstan::server {

// Who a request comes from.
struct Principal {
  std::string user;                 // "admin", "alice", "proj:p:r"
  std::vector<std::string> groups;  // groups claims (scopes)
  std::string token_id;             // jti
  int64_t issued_at = 0, expires_at = 0;
  std::vector<std::string> Subjects() const;
};

// One snapshot of argocd-cm, argocd-secret, argocd-rbac-cm and the
// AppProjects' roles.
struct Settings {
  yaml::Node cm;       // argocd-cm data (map)
  std::map<std::string, std::string> secret;  // argocd-secret data, decoded
  Rbac rbac;
  std::map<std::string, yaml::Node> project_roles;  // project -> spec.roles
};

struct SessionOptions {
  std::string ns = "argocd";
  bool login_delay = true;       // pad password checks to 500-1000 ms
  int max_failures = 5;          // ARGOCD_SESSION_FAILURE_MAX_FAIL_COUNT
  int64_t failure_window_s = 300;
};

class Sessions {
 public:
  Sessions(kube::ResourceClient& client, SessionOptions options);

  // Creates argocd-secret (server.secretkey) and, when admin has no
  // password, a random one stored bcrypt-hashed plus the Secret
  // argocd-initial-admin-secret. Returns the new admin password ("" when
  // one existed already).
  std::string EnsureInitialized();

  // The current settings (re-read after at most 1 s, or after Invalidate()).
  std::shared_ptr<const Settings> Current();
  void Invalidate();

  struct LoginResult {
    std::string token;   // "" on failure
    std::string error;   // one line; never says whether the user exists
    int status = 200;    // 401 or 429 on failure
  };
  LoginResult Login(const std::string& username, const std::string& password, int64_t now);

  // Verifies a bearer/cookie token: signature, expiry, revocation
  // (passwordMtime, tokens lists, project jwtTokens), account enabled.
  std::optional<Principal> Authenticate(const std::string& token, int64_t now, std::string* error);

  // An API token for a local account with the apiKey capability; stored
  // in accounts.<n>.tokens. expires_in 0 = never.
  std::string IssueAccountToken(const std::string& account, int64_t expires_in, const std::string& id,
                                int64_t now);
  // A project role token (sub proj:<p>:<r>); the caller records
  // {iat, exp, id} in the role's jwtTokens.
  std::string IssueProjectToken(const std::string& project, const std::string& role, int64_t iat,
                                int64_t expires_in, const std::string& id);

  // Checks `password` against `account`'s (padded, limited like Login).
  bool CheckPassword(const std::string& account, const std::string& password, int64_t now);
  // Stores a new bcrypt hash and passwordMtime (revoking older sessions).
  void SetPassword(const std::string& account, const std::string& password, int64_t now);

  // Whether `account` exists and has `capability` ("login" or "apiKey").
  static bool HasCapability(const Settings& s, const std::string& account, const std::string& capability);

 private:
  std::string SessionToken(const std::string& user, int64_t now, int64_t duration);
  void WriteSecretKeys(const std::map<std::string, std::string>& keys);
  kube::ResourceClient& client_;
  SessionOptions options_;
  std::mutex mu_;
  std::shared_ptr<const Settings> current_;
  int64_t loaded_ms_ = 0;
  std::mutex failures_mu_;
  std::map<std::string, std::vector<int64_t>> failures_;  // user -> failure times
};

// Unix seconds now.
int64_t NowSeconds();

}  // namespace capstan::server

#endif  // CAPSTAN_SERVER_SESSION_H_
