#include "server/api.h"

#include <chrono>
#include <ctime>

#include "app/application.h"
#include "server/api_internal.h"
#include "server/crypto.h"

namespace capstan::server {

using yaml::Node;

const resource::Gvk kApplicationGvk{"argoproj.io", "v1alpha1", "Application"};
const resource::Gvk kAppProjectGvk{"argoproj.io", "v1alpha1", "AppProject"};

// --- request helpers ----------------------------------------------------------

std::string Request::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

std::string Request::Query(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? "" : it->second;
}

std::vector<std::string> Request::QueryAll(const std::string& name) const {
  std::vector<std::string> out;
  auto [b, e] = query.equal_range(name);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

std::string Request::Cookie(const std::string& name) const {
  std::string all = Header("cookie");
  size_t pos = 0;
  while (pos < all.size()) {
    size_t semi = all.find(';', pos);
    if (semi == std::string::npos) semi = all.size();
    std::string part = all.substr(pos, semi - pos);
    size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    if (part.size() > name.size() && part.compare(0, name.size(), name) == 0 && part[name.size()] == '=')
      return part.substr(name.size() + 1);
    pos = semi + 1;
  }
  return "";
}

Response ErrorResponse(int http_status, const std::string& message) {
  // gRPC codes as grpc-gateway maps them.
  int code = http_status == 400 ? 3 : http_status == 401 ? 16 : http_status == 403 ? 7 : http_status == 404 ? 5
           : http_status == 409 ? 6 : http_status == 429 ? 8 : http_status == 412 ? 9 : 2;
  Node b = Node::Map();
  b.Set("error", Node::String(message));
  b.Set("code", Node::Int(code));
  b.Set("message", Node::String(message));
  return Json(b, http_status);
}

Response Json(const Node& body, int status) { return JsonText(yaml::EmitJson(body), status); }

Response JsonText(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::optional<Node> Body(const Request& req, Response* err) {
  try {
    Node n = yaml::ParseJson(req.body.empty() ? "{}" : req.body, "request body");
    if (!n.IsMap()) {
      *err = ErrorResponse(400, "request body: expected a JSON object");
      return std::nullopt;
    }
    return n;
  } catch (const std::exception& e) {
    *err = ErrorResponse(400, e.what());
    return std::nullopt;
  }
}

std::string Rfc3339(int64_t t) {
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string ProjectOf(const Node& app) {
  std::string p = app.StrAt({"spec", "project"});
  return p.empty() ? "default" : p;
}

Node PublicApp(const Node& app) {
  Node out = app;
  if (Node* md = out.Get("metadata"); md && md->IsMap()) {
    md->Remove("managedFields");
    if (Node* ann = md->Get("annotations"); ann && ann->IsMap())
      ann->Remove("kubectl.kubernetes.io/last-applied-configuration");
  }
  return out;
}

// --- lifecycle ---------------------------------------------------------------

Api::Api(kube::Client& client, ApiOptions options)
    : client_(client), options_(std::move(options)), sessions_(client, options_.session), cache_(client, options_.ns) {
  options_.session.ns = options_.ns;
  target_ = std::make_unique<app::KubeTarget>(client_, &client_.discovery());
  app::ManagerOptions mo;
  mo.cache_dir = options_.cache_dir;
  mo.apps_namespace = options_.ns;
  mo.servers = options_.servers;
  mo.servers.push_back(client_.config().server);
  mo.fetch_interval_ms = 0;  // every refresh and sync sees the latest push
  mo.engine.terminated = [] { return OperationTerminateRequested(); };
  // Status writes checked by resourceVersion, as `capstan app` does
  // (app/operation_lock.h): a refresh racing a sync drops nothing.
  mo.status_client = &client_;
  manager_ = std::make_unique<app::Manager>(*target_, mo);
}

Api::~Api() { Stop(); }

std::string Api::Start() {
  std::string password = sessions_.EnsureInitialized();
  cache_.Start();
  cache_.WaitSynced(10000);
  notifier_ = std::make_unique<Notifier>(client_, cache_, options_.ns);
  notifier_->Start();
  return password;
}

void Api::Stop() {
  stopping_ = true;
  if (notifier_) notifier_->Stop();
  cache_.Stop();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> l(ops_mu_);
    threads.swap(op_threads_);
  }
  for (auto& t : threads)
    if (t.joinable()) t.join();
}

// --- dispatch ----------------------------------------------------------------

namespace {
std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    if (slash > pos) out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}
}  // namespace

Response Api::Handle(const Request& req) {
  Call c{req, Split(req.path), std::nullopt, sessions_.Current(), false, NowSeconds()};
  // The caller, when it sent a token.
  std::string token;
  std::string auth = req.Header("authorization");
  if (auth.rfind("Bearer ", 0) == 0) token = auth.substr(7);
  else if (!(token = req.Cookie("argocd.token")).empty()) c.cookie_auth = true;
  std::string auth_error;
  if (!token.empty()) c.who = sessions_.Authenticate(token, c.now, &auth_error);
  // Endpoints open to anyone: version, settings, login, userinfo, webhooks.
  bool open = req.path == "/api/version" || req.path == "/api/v1/settings" ||
              (req.path == "/api/v1/session" && req.method == "POST") || req.path == "/api/v1/session/userinfo" ||
              req.path == "/api/webhook";
  if (!open && !c.who) return ErrorResponse(401, auth_error.empty() ? "no session information" : "invalid session: " + auth_error);
  // Cookie-authenticated writes must prove they come from the dashboard.
  if (c.cookie_auth && c.who && req.method != "GET" && req.method != "HEAD" && req.path != "/api/webhook") {
    std::string want = req.Cookie("argocd.csrf"), got = req.Header("x-csrf-token");
    if (want.empty() || !ConstantTimeEquals(want, got))
      return ErrorResponse(403, "missing or invalid CSRF token (send X-CSRF-Token with the argocd.csrf cookie value)");
  }
  try {
    return Route(c);
  } catch (const app::AppError& e) {
    return ErrorResponse(400, e.what());
  } catch (const kube::KubeError& e) {
    int code = e.code == 404 ? 404 : e.code == 409 ? 409 : e.code == 422 || e.code == 400 ? 400 : 500;
    return ErrorResponse(code, e.what());
  } catch (const std::exception& e) {
    return ErrorResponse(500, e.what());
  }
}

Response Api::Route(Call& c) {
  const auto& s = c.seg;
  const std::string& m = c.req.method;
  size_t n = s.size();
  if (n == 2 && s[0] == "api" && s[1] == "version" && m == "GET") return Version(c);
  if (n == 2 && s[0] == "api" && s[1] == "webhook" && m == "POST") return Webhook(c);
  if (n < 3 || s[0] != "api" || s[1] != "v1") return ErrorResponse(404, "Not Found");
  const std::string& area = s[2];
  if (area == "settings" && n == 3 && m == "GET") return Settings(c);
  if (area == "session") {
    if (n == 3 && m == "POST") return Login(c);
    if (n == 3 && m == "DELETE") return Logout(c);
    if (n == 4 && s[3] == "userinfo" && m == "GET") return UserInfo(c);
  }
  if (area == "account") {
    if (n >= 7 && s[3] == "can-i" && m == "GET") return CanI(c, s);
    if (n == 5 && s[4] == "token" && m == "POST") return AccountToken(c, s[3]);
    if (n == 4 && s[3] == "password" && m == "PUT") return UpdatePassword(c);
    if (n == 3 && m == "GET") {
      Node items = Node::Seq();
      Node me = Node::Map();
      me.Set("name", Node::String(c.who->user));
      me.Set("enabled", Node::Bool(true));
      items.items.push_back(me);
      Node b = Node::Map();
      b.Set("items", items);
      return Json(b);
    }
  }
  if (area == "stream" && n >= 4 && s[3] == "applications" && m == "GET") {
    if (n == 4) return StreamApps(c);
    if (n == 6 && s[5] == "resource-tree") return StreamTree(c, s[4]);
  }
  if (area == "applications") {
    if (n == 3 && m == "GET") return ListApps(c);
    if (n == 3 && m == "POST") return CreateApp(c);
    const std::string& name = n > 3 ? s[3] : "";
    if (n == 4 && m == "GET") return GetApp(c, name);
    if (n == 4 && m == "PUT") return UpdateApp(c, name, false);
    if (n == 4 && m == "PATCH") return PatchApp(c, name);
    if (n == 4 && m == "DELETE") return DeleteApp(c, name);
    if (n == 5) {
      const std::string& sub = s[4];
      if (sub == "spec" && m == "PUT") return UpdateApp(c, name, true);
      if (sub == "sync" && m == "POST") return SyncApp(c, name);
      if (sub == "rollback" && m == "POST") return RollbackApp(c, name);
      if (sub == "operation" && m == "DELETE") return TerminateOperation(c, name);
      if (sub == "resource-tree" && m == "GET") return ResourceTree(c, name);
      if (sub == "managed-resources" && m == "GET") return ManagedResources(c, name);
      if (sub == "manifests" && m == "GET") return Manifests(c, name);
      if (sub == "events" && m == "GET") return Events(c, name);
    }
    if (n == 7 && s[4] == "revisions" && s[6] == "metadata" && m == "GET") return RevisionMetadata(c, name, s[5]);
  }
  if (area == "projects") {
    if (n == 3 && m == "GET") return ListProjects(c);
    if (n == 3 && m == "POST") return WriteProject(c, "", true);
    if (n == 4 && m == "GET") return GetProject(c, s[3]);
    if (n == 4 && m == "PUT") return WriteProject(c, s[3], false);
    if (n == 4 && m == "DELETE") return DeleteProject(c, s[3]);
    if (n == 7 && s[4] == "roles" && s[6] == "token" && m == "POST") return ProjectToken(c, s[3], s[5], "");
    if (n == 8 && s[4] == "roles" && s[6] == "token" && m == "DELETE") return ProjectToken(c, s[3], s[5], s[7]);
  }
  return ErrorResponse(404, "Not Found");
}

bool Api::Can(const Call& c, const std::string& res, const std::string& act, const std::string& obj) {
  return c.who && c.settings->rbac.Enforce(c.who->Subjects(), res, act, obj);
}

std::shared_ptr<const CachedApp> Api::AppFor(Call& c, const std::string& name, const std::string& act,
                                             Response* denied) {
  auto a = cache_.Get(name);
  if (!a) {
    // Not found is only said to callers who could see an app of that name.
    if (Can(c, "applications", "get", "*/" + name)) *denied = ErrorResponse(404, "applications.argoproj.io \"" + name + "\" not found");
    else *denied = ErrorResponse(403, "permission denied");
    return nullptr;
  }
  std::string obj = a->project + "/" + name;
  if (!Can(c, "applications", "get", obj)) {
    *denied = ErrorResponse(403, "permission denied");
    return nullptr;
  }
  if (act != "get" && !Can(c, "applications", act, obj)) {
    *denied = ErrorResponse(403, "permission denied: applications, " + act + ", " + obj);
    return nullptr;
  }
  return a;
}

// --- small endpoints ---------------------------------------------------------

Response Api::Version(Call& c) {
  Node b = Node::Map();
  b.Set("Version", Node::String(options_.version));
  b.Set("Platform", Node::String("linux/amd64"));
  b.Set("BuildDate", Node::String(__DATE__));
  b.Set("GoVersion", Node::String("n/a (capstan, C++20)"));
  return Json(b);
}

Response Api::Settings(Call& c) {
  const Node& cm = c.settings->cm;
  Node b = Node::Map();
  b.Set("url", Node::String(cm.StrAt({"url"})));
  b.Set("appLabelKey", Node::String("app.kubernetes.io/instance"));
  b.Set("statusBadgeEnabled", Node::Bool(cm.StrAt({"statusbadge.enabled"}) == "true"));
  bool logins = Sessions::HasCapability(*c.settings, "admin", "login");
  for (const auto& f : cm.fields) {
    const std::string& k = f.key.Str();
    if (k.rfind("accounts.", 0) == 0 && k.find('.', 9) == std::string::npos &&
        Sessions::HasCapability(*c.settings, k.substr(9), "login"))
      logins = true;
  }
  b.Set("userLoginsDisabled", Node::Bool(!logins));
  b.Set("execEnabled", Node::Bool(false));
  b.Set("controllerNamespace", Node::String(options_.ns));
  Node help = Node::Map();
  help.Set("chatUrl", Node::String(""));
  b.Set("help", help);
  return Json(b);
}

Response Api::Login(Call& c) {
  Response err;
  auto body = Body(c.req, &err);
  if (!body) return err;
  auto r = sessions_.Login(body->StrAt({"username"}), body->StrAt({"password"}), c.now);
  if (r.token.empty()) return ErrorResponse(r.status, r.error);
  Node b = Node::Map();
  b.Set("token", Node::String(r.token));
  Response res = Json(b);
  std::string attrs = "; Path=/; SameSite=Strict" + std::string(options_.secure_cookies ? "; Secure" : "");
  res.headers.emplace_back("Set-Cookie", "argocd.token=" + r.token + attrs + "; HttpOnly");
  res.headers.emplace_back("Set-Cookie", "argocd.csrf=" + Hex(RandomBytes(16)) + attrs);
  return res;
}

Response Api::Logout(Call& c) {
  Response res = JsonText("{}");
  std::string attrs = "; Path=/; SameSite=Strict; Max-Age=0" + std::string(options_.secure_cookies ? "; Secure" : "");
  res.headers.emplace_back("Set-Cookie", "argocd.token=" + attrs + "; HttpOnly");
  res.headers.emplace_back("Set-Cookie", "argocd.csrf=" + attrs);
  return res;
}

Response Api::UserInfo(Call& c) {
  Node b = Node::Map();
  b.Set("loggedIn", Node::Bool(c.who.has_value()));
  if (c.who) {
    b.Set("username", Node::String(c.who->user));
    b.Set("iss", Node::String("argocd"));
    Node groups = Node::Seq();
    for (const auto& g : c.who->groups) groups.items.push_back(Node::String(g));
    b.Set("groups", groups);
  }
  return Json(b);
}

Response Api::CanI(Call& c, const std::vector<std::string>& s) {
  // /api/v1/account/can-i/{resource}/{action}/{subresource=**}
  std::string obj;
  for (size_t i = 6; i < s.size(); ++i) obj += (i > 6 ? "/" : "") + s[i];
  Node b = Node::Map();
  b.Set("value", Node::String(Can(c, s[4], s[5], obj) ? "yes" : "no"));
  return Json(b);
}

Response Api::AccountToken(Call& c, const std::string& account) {
  if (account != c.who->user && !Can(c, "accounts", "update", account))
    return ErrorResponse(403, "permission denied: accounts, update, " + account);
  if (!Sessions::HasCapability(*c.settings, account, "apiKey"))
    return ErrorResponse(400, "account '" + account + "' does not have 'apiKey' capability");
  Response err;
  auto body = Body(c.req, &err);
  if (!body) return err;
  std::string id = body->StrAt({"id"});
  if (id.empty()) id = NewUuid();
  int64_t expires = body->Get("expiresIn") ? body->Get("expiresIn")->AsInt() : 0;
  Node b = Node::Map();
  b.Set("token", Node::String(sessions_.IssueAccountToken(account, expires, id, c.now)));
  return Json(b);
}

Response Api::UpdatePassword(Call& c) {
  Response err;
  auto body = Body(c.req, &err);
  if (!body) return err;
  std::string account = body->StrAt({"name"});
  if (account.empty()) account = c.who->user;
  if (account != c.who->user && !Can(c, "accounts", "update", account))
    return ErrorResponse(403, "permission denied: accounts, update, " + account);
  std::string next = body->StrAt({"newPassword"});
  if (next.size() < 8 || next.size() > 32) return ErrorResponse(400, "newPassword must be 8 to 32 characters");
  if (account != "admin" && !c.settings->cm.Has("accounts." + account))
    return ErrorResponse(404, "account '" + account + "' does not exist");
  // The caller proves who they are with their own current password.
  if (!sessions_.CheckPassword(c.who->user, body->StrAt({"currentPassword"}), c.now))
    return ErrorResponse(401, "current password does not match");
  sessions_.SetPassword(account, next, c.now);
  return JsonText("{}");
}

// --- applications ------------------------------------------------------------

namespace {

// Label selector terms: k=v, k==v, k!=v, k, !k (comma-separated).
bool MatchesSelector(const Node& app, const std::string& selector) {
  const Node* labels = app.At({"metadata", "labels"});
  auto label = [&](const std::string& k) -> const Node* { return labels && labels->IsMap() ? labels->Get(k) : nullptr; };
  size_t pos = 0;
  while (pos <= selector.size()) {
    size_t comma = selector.find(',', pos);
    if (comma == std::string::npos) comma = selector.size();
    std::string term = selector.substr(pos, comma - pos);
    pos = comma + 1;
    while (!term.empty() && term.front() == ' ') term.erase(0, 1);
    while (!term.empty() && term.back() == ' ') term.pop_back();
    if (term.empty()) continue;
    size_t ne = term.find("!=");
    size_t eq = term.find('=');
    if (ne != std::string::npos) {
      const Node* v = label(term.substr(0, ne));
      if (v && v->Str() == term.substr(ne + 2)) return false;
    } else if (eq != std::string::npos) {
      std::string k = term.substr(0, eq), v = term.substr(term[eq + 1] == '=' ? eq + 2 : eq + 1);
      const Node* l = label(k);
      if (!l || l->Str() != v) return false;
    } else if (term[0] == '!') {
      if (label(term.substr(1))) return false;
    } else if (!label(term)) {
      return false;
    }
  }
  return true;
}

std::string NormalizeRepo(std::string url) {
  for (auto& ch : url) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.size() > 4 && url.compare(url.size() - 4, 4, ".git") == 0) url.resize(url.size() - 4);
  return url;
}

}  // namespace

Response Api::ListApps(Call& c) {
  std::vector<std::string> projects = c.req.QueryAll("projects");
  for (const auto& p : c.req.QueryAll("project")) projects.push_back(p);
  std::set<std::string> project_set(projects.begin(), projects.end());
  std::string selector = c.req.Query("selector"), repo = NormalizeRepo(c.req.Query("repo"));
  std::string name = c.req.Query("name");
  auto apps = cache_.List();
  size_t bytes = 64;
  for (const auto& a : apps) bytes += a->json.size() + 1;
  std::string body;
  body.reserve(bytes);
  body = "{\"metadata\":{},\"items\":[";
  bool first = true;
  Rbac::ObjectMatcher may_get = c.settings->rbac.For(c.who->Subjects(), "applications", "get");
  for (const auto& a : apps) {
    if (!name.empty() && a->name != name) continue;
    if (!project_set.empty() && !project_set.count(a->project)) continue;
    if (!may_get.Allows(a->project + "/" + a->name)) continue;
    if (!selector.empty() && !MatchesSelector(a->object, selector)) continue;
    if (!repo.empty() && NormalizeRepo(a->object.StrAt({"spec", "source", "repoURL"})) != repo) continue;
    if (!first) body += ',';
    body += a->json;
    first = false;
  }
  body += "]}";
  return JsonText(std::move(body));
}

Response Api::GetApp(Call& c, const std::string& name) {
  Response denied;
  auto a = AppFor(c, name, "get", &denied);
  if (!a) return denied;
  std::string refresh = c.req.Query("refresh");
  if (!refresh.empty()) {
    app::Application application = manager_->Get(name);
    try {
      manager_->Refresh(application, refresh == "hard" ? app::RefreshMode::kHard : app::RefreshMode::kNormal);
    } catch (const app::AppError&) {
      // recorded in status.conditions
    }
    Node fresh = client_.Get({kApplicationGvk, options_.ns, name});
    cache_.Put(fresh);
    return Json(PublicApp(fresh));
  }
  return JsonText(a->json);
}

Response Api::CreateApp(Call& c) {
  Response err;
  auto body = Body(c.req, &err);
  if (!body) return err;
  Node obj = *body;
  obj.Set("apiVersion", Node::String("argoproj.io/v1alpha1"));
  obj.Set("kind", Node::String("Application"));
  Node& md = obj.GetOrCreateMap("metadata");
  if (md.StrAt({"namespace"}).empty()) md.Set("namespace", Node::String(options_.ns));
  std::string name = md.StrAt({"name"});
  if (name.empty()) return ErrorResponse(400, "request body: Application metadata.name is required");
  std::string obj_name = ProjectOf(obj) + "/" + name;
  if (!Can(c, "applications", "create", obj_name)) return ErrorResponse(403, "permission denied: applications, create, " + obj_name);
  app::ParseApplication(obj, "request body");  // AppError -> 400
  if (auto existing = cache_.Get(name)) {
    bool upsert = c.req.Query("upsert") == "true";
    if (!upsert) {
      if (existing->object.At({"spec"}) && obj.At({"spec"}) && *existing->object.At({"spec"}) == *obj.At({"spec"}))
        return JsonText(existing->json);
      return ErrorResponse(400, "existing application spec is different, use upsert flag to force update");
    }
    if (!Can(c, "applications", "update", existing->project + "/" + name))
      return ErrorResponse(403, "permission denied: applications, update, " + existing->project + "/" + name);
  }
  manager_->Store(obj, "request body");
  Node stored = client_.Get({kApplicationGvk, options_.ns, name});
  cache_.Put(stored);
  return Json(PublicApp(stored));
}

Response Api::UpdateApp(Call& c, const std::string& name, bool spec_only) {
  Response denied;
  auto a = AppFor(c, name, "update", &denied);
  if (!a) return denied;
  Response err;
  auto body = Body(c.req, &err);
  if (!body) return err;
  Node obj = a->object;
  if (spec_only) {
    obj.Set("spec", *body);
  } else {
    if (body->StrAt({"metadata", "name"}) != name)
      return ErrorResponse(400, "request body: metadata.name must be " + name);
    Node keep_status = obj.Get("status") ? *obj.Get("status") : Node::Map();
    obj = *body;
    obj.Set("apiVersion", Node::String("argoproj.io/v1alpha1"));
    obj.Set("kind", Node::String("Application"));
    obj.GetOrCreateMap("metadata").Set("namespace", Node::String(options_.ns));
    if (!obj.Has("status")) obj.Set("status", keep_status);
  }
  std::string new_obj = ProjectOf(obj) + "/" + name;
  if (new_obj != a->project + "/" + name && !Can(c, "applications", "update", new_obj))
    return ErrorResponse(403, "permission denied: applications, update, " + new_obj);
  app::ParseApplication(obj, "request body");
  if (Node* md = obj.Get("metadata")) md->Remove("resourceVersion");
  manager_->Store(obj, "request body");
  Node stored = client_.Get({kApplicationGvk, options_.ns, name});
  cache_.Put(stored);
  if (spec_only) return Json(stored.Get("spec") ? *stored.Get("spec") : Node::Map());
  return Json(PublicApp(stored));
}

// PATCH /api/v1/applications/{name} {"patch": "<json>", "patchType": "merge"|"json"}:
// validated on a dry run first, then applied.
Response Api::PatchApp(Call& c, const std::string& name) {
  Response denied;
  auto a = AppFor(c, name, "update", &denied);
  if (!a) return denied;
  Response err;
  auto body = Body(c.req, &err);
  if (!body) return err;
  std::string type = body->StrAt({"patchType"});
  if (type.empty()) type = "merge";
  if (type != "merge" && type != "json") return ErrorResponse(400, "request body: patchType must be merge or json");
  Node patch;
  try {
    patch = yaml::ParseJson(body->StrAt({"patch"}), "request body patch");
  } catch (const std::exception& e) {
    return ErrorResponse(400, e.what());
  }
  kube::PatchOptions po;
  po.type = type == "json" ? kube::PatchType::kJson : kube::PatchType::kMerge;
  po.dry_run = true;
  Node result = client_.Patch({kApplicationGvk, options_.ns, name}, patch, po);
  app::ParseApplication(result, "patched application");
  std::string new_obj = ProjectOf(result) + "/" + name;
  if (new_obj != a->project + "/" + name && !Can(c, "applications", "update", new_obj))
    return ErrorResponse(403, "permission denied: applications, update, " + new_obj);
  po.dry_run = false;
  Node stored = client_.Patch({kApplicationGvk, options_.ns, name}, patch, po);
  cache_.Put(stored);
  return Json(PublicApp(stored));
}

Response Api::DeleteApp(Call& c, const std::string& name) {
  Response denied;
  auto a = AppFor(c, name, "delete", &denied);
  if (!a) return denied;
  bool cascade = c.req.Query("cascade") != "false";
  bool started = StartOperation(name, [this, name, cascade] {
    try {
      app::Application application = manager_->Get(name);
      manager_->Delete(application, cascade);
      cache_.Erase(name);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "capstan server: deleting application %s: %s\n", name.c_str(), e.what());
    }
  });
  if (!started) return ErrorResponse(409, "another operation is already in progress on " + name);
  return JsonText("{}");
}

}  // namespace capstan::server
