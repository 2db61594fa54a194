// AppProjects: list/get/create/update/delete and project role tokens.
#include "app/application.h"
#include "server/api_internal.h"
#include "server/crypto.h"

namespace capstan::server {

using yaml::Node;

namespace {

Node DefaultProjectObject(const std::string& ns) {
  Node p = yaml::ParseJson(
      R"({"apiVersion":"argoproj.io/v1alpha1","kind":"AppProject","metadata":{"name":"default"},)"
      R"("spec":{"sourceRepos":["*"],"destinations":[{"server":"*","namespace":"*"}],)"
      R"("clusterResourceWhitelist":[{"group":"*","kind":"*"}]}})");
  p.GetOrCreateMap("metadata").Set("namespace", Node::String(ns));
  return p;
}

std::string ProjectConflict(const std::string& name) {
  return "Operation cannot be fulfilled on appprojects.argoproj.io \"" + name +
         "\": the object has been modified; please apply your changes to the latest version and try again";
}

// Project role tokens are not shown in full to readers: jwtTokens stay
// (ids and times, not secrets); nothing else in an AppProject is secret.
}  // namespace

Response Api::ListProjects(Call& c) {
  Node items = Node::Seq();
  bool has_default = false;
  try {
    Node list = client_.List(kAppProjectGvk, options_.ns);
    if (const Node* its = list.Get("items"); its && its->IsSeq())
      for (const auto& p : its->items) {
        std::string name = p.StrAt({"metadata", "name"});
        if (name == "default") has_default = true;
        if (Can(c, "projects", "get", name)) items.items.push_back(PublicApp(p));
      }
  } catch (const kube::KubeError& e) {
    if (e.code != 404) throw;
  }
  if (!has_default && Can(c, "projects", "get", "default")) items.items.push_back(DefaultProjectObject(options_.ns));
  Node b = Node::Map();
  b.Set("metadata", Node::Map());
  b.Set("items", items);
  return Json(b);
}

Response Api::GetProject(Call& c, const std::string& name) {
  if (!Can(c, "projects", "get", name)) return ErrorResponse(403, "permission denied");
  try {
    return Json(PublicApp(client_.Get({kAppProjectGvk, options_.ns, name})));
  } catch (const kube::KubeError& e) {
    if (e.code != 404) throw;
    if (name == "default") return Json(DefaultProjectObject(options_.ns));
    return ErrorResponse(404, "appprojects.argoproj.io \"" + name + "\" not found");
  }
}

Response Api::WriteProject(Call& c, const std::string& name, bool create) {
  Response err;
  auto body = Body(c.req, &err);
  if (!body) return err;
  // Argo CD wraps the object: {"project": {...}, "upsert": bool}.
  Node obj = body->Get("project") ? *body->Get("project") : *body;
  obj.Set("apiVersion", Node::String("argoproj.io/v1alpha1"));
  obj.Set("kind", Node::String("AppProject"));
  Node& md = obj.GetOrCreateMap("metadata");
  md.Set("namespace", Node::String(options_.ns));
  std::string pname = md.StrAt({"name"});
  if (pname.empty()) return ErrorResponse(400, "request body: project metadata.name is required");
  if (!create && pname != name) return ErrorResponse(400, "request body: project metadata.name must be " + name);
  if (!Can(c, "projects", create ? "create" : "update", pname))
    return ErrorResponse(403, std::string("permission denied: projects, ") + (create ? "create" : "update") + ", " + pname);
  app::ParseAppProject(obj, "request body");
  Node live;
  bool exists = true;
  try {
    live = client_.Get({kAppProjectGvk, options_.ns, pname});
  } catch (const kube::KubeError& e) {
    if (e.code != 404) throw;
    exists = false;
  }
  if (create && exists && !(body->Get("upsert") && body->Get("upsert")->AsBool()))
    return ErrorResponse(409, "appprojects.argoproj.io \"" + pname + "\" already exists");
  // "default" may exist only implicitly (allow-all): saving it stores it.
  if (!create && !exists && pname != "default") return ErrorResponse(404, "appprojects.argoproj.io \"" + pname + "\" not found");
  if (!exists) {
    md.Remove("resourceVersion");
    manager_->Store(obj, "request body");
    sessions_.Invalidate();
    return Json(PublicApp(client_.Get({kAppProjectGvk, options_.ns, pname})));
  }
  // An update is optimistic, as Kubernetes': the resourceVersion the caller
  // read (or, without one, the one just read) must still be current.
  std::string live_rv = live.StrAt({"metadata", "resourceVersion"});
  std::string rv = md.StrAt({"resourceVersion"});
  if (!rv.empty() && rv != live_rv) return ErrorResponse(409, ProjectConflict(pname));
  md.Set("resourceVersion", Node::String(live_rv));
  if (live.Get("status") && !obj.Get("status")) obj.Set("status", *live.Get("status"));
  Node stored;
  try {
    stored = client_.Update(obj);
  } catch (const kube::KubeError& e) {
    if (e.code == 409) return ErrorResponse(409, ProjectConflict(pname));
    throw;
  }
  sessions_.Invalidate();
  return Json(PublicApp(stored));
}

Response Api::DeleteProject(Call& c, const std::string& name) {
  if (!Can(c, "projects", "delete", name)) return ErrorResponse(403, "permission denied: projects, delete, " + name);
  size_t refs = 0;
  std::string example;
  for (const auto& a : cache_.List())
    if (a->project == name && refs++ == 0) example = a->name;
  if (refs)
    return ErrorResponse(400, "project is referenced by " + std::to_string(refs) + " applications, e.g. " + example);
  client_.Delete({kAppProjectGvk, options_.ns, name});
  sessions_.Invalidate();
  return JsonText("{}");
}

Response Api::ProjectToken(Call& c, const std::string& project, const std::string& role, const std::string& iat) {
  if (!Can(c, "projects", "update", project)) return ErrorResponse(403, "permission denied: projects, update, " + project);
  Node obj;
  try {
    obj = client_.Get({kAppProjectGvk, options_.ns, project});
  } catch (const kube::KubeError& e) {
    if (e.code == 404) return ErrorResponse(404, "appprojects.argoproj.io \"" + project + "\" not found");
    throw;
  }
  Node* roles = obj.At({"spec", "roles"}) ? obj.GetOrCreateMap("spec").Get("roles") : nullptr;
  Node* r = nullptr;
  if (roles && roles->IsSeq())
    for (auto& item : roles->items)
      if (item.StrAt({"name"}) == role) r = &item;
  if (!r) return ErrorResponse(404, "project " + project + " has no role " + role);
  Node* toks = r->Get("jwtTokens");
  if (!toks || !toks->IsSeq()) {
    r->Set("jwtTokens", Node::Seq());
    toks = r->Get("jwtTokens");
  }
  Node b = Node::Map();
  if (iat.empty()) {
    Response err;
    auto body = Body(c.req, &err);
    if (!body) return err;
    std::string id = body->StrAt({"id"});
    if (id.empty()) id = NewUuid();
    int64_t expires = body->Get("expiresIn") ? body->Get("expiresIn")->AsInt() : 0;
    int64_t now = c.now;
    for (const auto& t : toks->items)
      if (t.Get("iat") && t.Get("iat")->AsInt() >= now) now = t.Get("iat")->AsInt() + 1;  // iat identifies a token
    Node entry = Node::Map();
    entry.Set("iat", Node::Int(now));
    if (expires > 0) entry.Set("exp", Node::Int(now + expires));
    entry.Set("id", Node::String(id));
    toks->items.push_back(entry);
    b.Set("token", Node::String(sessions_.IssueProjectToken(project, role, now, expires, id)));
  } else {
    int64_t want = std::atoll(iat.c_str());
    std::string id = c.req.Query("id");
    size_t before = toks->items.size();
    std::erase_if(toks->items, [&](const Node& t) {
      return (t.Get("iat") && t.Get("iat")->AsInt() == want) && (id.empty() || t.StrAt({"id"}) == id);
    });
    if (toks->items.size() == before) return ErrorResponse(404, "no token with iat " + iat);
  }
  client_.Update(obj);
  sessions_.Invalidate();
  return Json(b);
}

}  // namespace capstan::server
