#include "server/session.h"

#include <chrono>
#include <random>
#include <thread>

#include "server/crypto.h"
#include "server/jwt.h"
#include "yaml/yaml.h"

namespace capstan::server {

using yaml::Node;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

resource::ResId Id(const std::string& kind, const std::string& ns, const std::string& name) {
  return {{"", "v1", kind}, ns, name};
}

std::optional<Node> GetOrNull(kube::ResourceClient& c, const resource::ResId& id) {
  try {
    return c.Get(id);
  } catch (const kube::KubeError& e) {
    if (kube::IsNotFound(e)) return std::nullopt;
    throw;
  }
}

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// "24h", "30m", "90s", "1h30m" (Go durations as argocd-cm writes them).
int64_t ParseDuration(const std::string& s, int64_t fallback) {
  if (s.empty()) return fallback;
  int64_t total = 0, n = 0;
  bool digits = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      n = n * 10 + (c - '0');
      digits = true;
      if (n > 100000000) return fallback;
    } else if (digits && (c == 'h' || c == 'm' || c == 's')) {
      total += n * (c == 'h' ? 3600 : c == 'm' ? 60 : 1);
      n = 0;
      digits = false;
    } else {
      return fallback;
    }
  }
  return digits || total == 0 ? fallback : total;
}

// The key prefix of an account's fields in argocd-secret.
std::string SecretPrefix(const std::string& account) {
  return account == "admin" ? "admin." : "accounts." + account + ".";
}

}  // namespace

std::vector<std::string> Principal::Subjects() const {
  std::vector<std::string> s{user};
  s.insert(s.end(), groups.begin(), groups.end());
  return s;
}

Sessions::Sessions(kube::ResourceClient& client, SessionOptions options)
    : client_(client), options_(std::move(options)) {}

void Sessions::WriteSecretKeys(const std::map<std::string, std::string>& keys) {
  auto existing = GetOrNull(client_, Id("Secret", options_.ns, "argocd-secret"));
  Node data = Node::Map();
  for (const auto& [k, v] : keys) data.Set(k, Node::String(Base64Encode(v)));
  if (!existing) {
    Node obj = yaml::ParseJson(R"({"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{"labels":{"app.kubernetes.io/name":"argocd-secret","app.kubernetes.io/part-of":"argocd"}}})");
    obj.GetOrCreateMap("metadata").Set("name", Node::String("argocd-secret"));
    obj.GetOrCreateMap("metadata").Set("namespace", Node::String(options_.ns));
    obj.Set("data", data);
    client_.Create(obj);
  } else {
    Node patch = Node::Map();
    patch.Set("data", data);
    client_.Patch(Id("Secret", options_.ns, "argocd-secret"), patch, {});
  }
  Invalidate();
}

std::string Sessions::EnsureInitialized() {
  // The namespace first (a fresh cluster has none).
  if (!GetOrNull(client_, {{"", "v1", "Namespace"}, "", options_.ns})) {
    Node ns = yaml::ParseJson(R"({"apiVersion":"v1","kind":"Namespace","metadata":{}})");
    ns.GetOrCreateMap("metadata").Set("name", Node::String(options_.ns));
    try {
      client_.Create(ns);
    } catch (const kube::KubeError& e) {
      if (!kube::IsAlreadyExists(e)) throw;
    }
  }
  auto s = Current();
  std::map<std::string, std::string> add;
  if (s->secret.count("server.secretkey") == 0) add["server.secretkey"] = Base64Encode(RandomBytes(32));
  std::string password;
  if (s->secret.count("admin.password") == 0) {
    password = RandomPassword(16);
    add["admin.password"] = BcryptHash(password);
    add["admin.passwordMtime"] = std::to_string(NowSeconds());
    Node init = yaml::ParseJson(R"({"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{}})");
    init.GetOrCreateMap("metadata").Set("name", Node::String("argocd-initial-admin-secret"));
    init.GetOrCreateMap("metadata").Set("namespace", Node::String(options_.ns));
    init.GetOrCreateMap("data").Set("password", Node::String(Base64Encode(password)));
    try {
      client_.Create(init);
    } catch (const kube::KubeError& e) {
      if (!kube::IsAlreadyExists(e)) throw;
      client_.Update(init);
    }
  }
  if (!add.empty()) WriteSecretKeys(add);
  return password;
}

void Sessions::Invalidate() {
  std::lock_guard<std::mutex> l(mu_);
  loaded_ms_ = 0;
}

std::shared_ptr<const Settings> Sessions::Current() {
  std::lock_guard<std::mutex> l(mu_);
  int64_t now = NowMs();
  if (current_ && now - loaded_ms_ < 1000) return current_;
  auto s = std::make_shared<Settings>();
  s->cm = Node::Map();
  if (auto cm = GetOrNull(client_, Id("ConfigMap", options_.ns, "argocd-cm")))
    if (const Node* d = cm->Get("data"); d && d->IsMap()) s->cm = *d;
  if (auto sec = GetOrNull(client_, Id("Secret", options_.ns, "argocd-secret")))
    if (const Node* d = sec->Get("data"); d && d->IsMap())
      for (const auto& f : d->fields) {
        std::string v;
        if (Base64Decode(f.value.Str(), &v)) s->secret[f.key.Str()] = v;
      }
  s->rbac.AddCsv(kBuiltinPolicy, "built-in policy");
  if (auto rbac = GetOrNull(client_, Id("ConfigMap", options_.ns, "argocd-rbac-cm")))
    if (const Node* d = rbac->Get("data")) s->rbac.LoadConfigMap(*d);
  try {
    Node projects = client_.List({"argoproj.io", "v1alpha1", "AppProject"}, options_.ns);
    if (const Node* items = projects.Get("items"); items && items->IsSeq())
      for (const auto& p : items->items) {
        std::string name = p.StrAt({"metadata", "name"});
        if (const Node* roles = p.At({"spec", "roles"})) {
          s->rbac.AddProjectRoles(name, *roles);
          s->project_roles[name] = *roles;
        }
      }
  } catch (const kube::KubeError&) {
    // No AppProject CRD yet: no project roles.
  }
  current_ = s;
  loaded_ms_ = now;
  return current_;
}

bool Sessions::HasCapability(const Settings& s, const std::string& account, const std::string& capability) {
  if (account == "admin") {
    if (s.cm.StrAt({"admin.enabled"}) == "false") return false;
    return capability == "login";
  }
  if (account.empty() || account.size() > 32) return false;
  const Node* caps = s.cm.Get("accounts." + account);
  if (!caps) return false;
  if (s.cm.StrAt({"accounts." + account + ".enabled"}) == "false") return false;
  std::string list = caps->Str();
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    if (Trim(list.substr(start, comma - start)) == capability) return true;
    start = comma + 1;
  }
  return false;
}

std::string Sessions::SessionToken(const std::string& user, int64_t now, int64_t duration) {
  auto s = Current();
  Node claims = Node::Map();
  claims.Set("iss", Node::String("argocd"));
  claims.Set("sub", Node::String(user + ":login"));
  claims.Set("exp", Node::Int(now + duration));
  claims.Set("nbf", Node::Int(now));
  claims.Set("iat", Node::Int(now));
  claims.Set("jti", Node::String(NewUuid()));
  auto it = s->secret.find("server.secretkey");
  if (it == s->secret.end()) throw std::runtime_error("argocd-secret has no server.secretkey");
  return SignJwt(claims, it->second);
}

Sessions::LoginResult Sessions::Login(const std::string& username, const std::string& password, int64_t now) {
  LoginResult r;
  auto start = std::chrono::steady_clock::now();
  // Pads every password check to 500-1000 ms so timing reveals nothing.
  struct Pad {
    bool on;
    std::chrono::steady_clock::time_point start;
    ~Pad() {
      if (!on) return;
      static thread_local std::mt19937 rng{std::random_device{}()};
      auto target = start + std::chrono::milliseconds(500 + rng() % 500);
      std::this_thread::sleep_until(target);
    }
  } pad{options_.login_delay, start};
  r.status = 401;
  if (password.empty()) {
    r.error = "Blank passwords are not allowed";
    return r;
  }
  if (username.size() > 32) {
    r.error = "username is too long (32 bytes max)";
    return r;
  }
  {
    std::lock_guard<std::mutex> l(failures_mu_);
    auto& f = failures_[username];
    std::erase_if(f, [&](int64_t t) { return t <= now - options_.failure_window_s; });
    if (static_cast<int>(f.size()) >= options_.max_failures) {
      r.status = 429;
      r.error = "too many failed login attempts; try again later";
      return r;
    }
    if (failures_.size() > 10000) failures_.clear();  // bounded memory under a flood of names
  }
  auto s = Current();
  bool ok = false;
  if (HasCapability(*s, username, "login")) {
    auto it = s->secret.find(SecretPrefix(username) + "password");
    if (it != s->secret.end()) ok = BcryptVerify(password, it->second);
  } else {
    BcryptVerify(password, "$2b$10$abcdefghijklmnopqrstuuOuLQ8aJvBHYbYKXl4ZK3ehvaxcwXDG.");  // same cost either way
  }
  if (!ok) {
    std::lock_guard<std::mutex> l(failures_mu_);
    failures_[username].push_back(now);
    r.error = "Invalid username or password";
    return r;
  }
  {
    std::lock_guard<std::mutex> l(failures_mu_);
    failures_.erase(username);
  }
  int64_t duration = ParseDuration(s->cm.StrAt({"users.session.duration"}), 24 * 3600);
  r.token = SessionToken(username, now, duration);
  r.status = 200;
  return r;
}

bool Sessions::CheckPassword(const std::string& account, const std::string& password, int64_t now) {
  return Login(account, password, now).status == 200;
}

void Sessions::SetPassword(const std::string& account, const std::string& password, int64_t now) {
  WriteSecretKeys({{SecretPrefix(account) + "password", BcryptHash(password)},
                   {SecretPrefix(account) + "passwordMtime", std::to_string(now)}});
}

std::optional<Principal> Sessions::Authenticate(const std::string& token, int64_t now, std::string* error) {
  auto s = Current();
  auto key = s->secret.find("server.secretkey");
  if (key == s->secret.end()) {
    *error = "server is not initialized";
    return std::nullopt;
  }
  JwtResult v = VerifyJwt(token, key->second, now);
  if (!v.ok) {
    *error = v.error;
    return std::nullopt;
  }
  Principal p;
  std::string sub = v.claims.StrAt({"sub"});
  p.token_id = v.claims.StrAt({"jti"});
  if (const Node* iat = v.claims.Get("iat")) p.issued_at = iat->AsInt();
  if (const Node* exp = v.claims.Get("exp")) p.expires_at = exp->AsInt();
  if (sub.rfind("proj:", 0) == 0) {
    // proj:<project>:<role>; valid only while listed in the role's jwtTokens.
    size_t c = sub.find(':', 5);
    if (c == std::string::npos) {
      *error = "invalid subject";
      return std::nullopt;
    }
    std::string project = sub.substr(5, c - 5), role = sub.substr(c + 1);
    bool listed = false;
    auto it = s->project_roles.find(project);
    if (it != s->project_roles.end())
      for (const auto& r : it->second.items)
        if (r.StrAt({"name"}) == role)
          if (const Node* toks = r.Get("jwtTokens"); toks && toks->IsSeq())
            for (const auto& t : toks->items) {
              const Node* iat = t.Get("iat");
              if ((!p.token_id.empty() && t.StrAt({"id"}) == p.token_id) || (iat && iat->AsInt() == p.issued_at))
                listed = true;
            }
    if (!listed) {
      *error = "token is revoked";
      return std::nullopt;
    }
    p.user = sub;
    return p;
  }
  size_t colon = sub.rfind(':');
  std::string user = colon == std::string::npos ? sub : sub.substr(0, colon);
  std::string kind = colon == std::string::npos ? "login" : sub.substr(colon + 1);
  p.user = user;
  if (kind == "apiKey") {
    if (!HasCapability(*s, user, "apiKey")) {
      *error = "account " + user + " cannot use API tokens";
      return std::nullopt;
    }
    bool listed = false;
    auto it = s->secret.find(SecretPrefix(user) + "tokens");
    if (it != s->secret.end()) {
      try {
        Node toks = yaml::ParseJson(it->second, "tokens");
        for (const auto& t : toks.items)
          if (t.StrAt({"id"}) == p.token_id) listed = true;
      } catch (const std::exception&) {
      }
    }
    if (!listed) {
      *error = "token is revoked";
      return std::nullopt;
    }
  } else {
    if (!HasCapability(*s, user, "login")) {
      *error = "account " + user + " is disabled";
      return std::nullopt;
    }
    // A password change revokes the sessions issued before it.
    auto mt = s->secret.find(SecretPrefix(user) + "passwordMtime");
    if (mt != s->secret.end()) {
      int64_t changed = std::atoll(mt->second.c_str());
      if (changed > 0 && p.issued_at < changed) {
        *error = "session was issued before the password changed";
        return std::nullopt;
      }
    }
  }
  for (const auto& scope : s->rbac.scopes()) {
    const Node* g = v.claims.Get(scope);
    if (g && g->IsSeq())
      for (const auto& item : g->items) p.groups.push_back(item.Str());
    else if (g && g->IsScalar())
      p.groups.push_back(g->Str());
  }
  return p;
}

std::string Sessions::IssueAccountToken(const std::string& account, int64_t expires_in, const std::string& id,
                                        int64_t now) {
  auto s = Current();
  Node claims = Node::Map();
  claims.Set("iss", Node::String("argocd"));
  claims.Set("sub", Node::String(account + ":apiKey"));
  if (expires_in > 0) claims.Set("exp", Node::Int(now + expires_in));
  claims.Set("nbf", Node::Int(now));
  claims.Set("iat", Node::Int(now));
  claims.Set("jti", Node::String(id));
  std::string token = SignJwt(claims, s->secret.at("server.secretkey"));
  Node list = Node::Seq();
  auto it = s->secret.find(SecretPrefix(account) + "tokens");
  if (it != s->secret.end()) {
    try {
      list = yaml::ParseJson(it->second, "tokens");
    } catch (const std::exception&) {
    }
  }
  Node entry = Node::Map();
  entry.Set("id", Node::String(id));
  entry.Set("iat", Node::Int(now));
  if (expires_in > 0) entry.Set("exp", Node::Int(now + expires_in));
  list.items.push_back(entry);
  WriteSecretKeys({{SecretPrefix(account) + "tokens", yaml::EmitJson(list)}});
  return token;
}

std::string Sessions::IssueProjectToken(const std::string& project, const std::string& role, int64_t iat,
                                        int64_t expires_in, const std::string& id) {
  auto s = Current();
  Node claims = Node::Map();
  claims.Set("iss", Node::String("argocd"));
  claims.Set("sub", Node::String("proj:" + project + ":" + role));
  if (expires_in > 0) claims.Set("exp", Node::Int(iat + expires_in));
  claims.Set("nbf", Node::Int(iat));
  claims.Set("iat", Node::Int(iat));
  claims.Set("jti", Node::String(id));
  return SignJwt(claims, s->secret.at("server.secretkey"));
}

}  // namespace capstan::server
