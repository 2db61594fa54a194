#include "appset/appset.h"

#include <map>
#include <set>

namespace capstan::appset {

using yaml::Node;

namespace {

const resource::Gvk kAppGvk{"argoproj.io", "v1alpha1", "Application"};
const char* kFinalizer = "resources-finalizer.argocd.argoproj.io";

bool OwnedBy(const Node& app, const Node& appset) {
  const Node* refs = app.At({"metadata", "ownerReferences"});
  if (!refs || !refs->IsSeq()) return false;
  for (const auto& r : refs->items)
    if (r.StrAt({"kind"}) == "ApplicationSet" && r.StrAt({"name"}) == appset.StrAt({"metadata", "name"}) &&
        (appset.StrAt({"metadata", "uid"}).empty() || r.StrAt({"uid"}) == appset.StrAt({"metadata", "uid"})))
      return true;
  return false;
}

// The part of an Application the set manages.
Node Managed(const Node& app) {
  Node m = Node::Map();
  if (const Node* s = app.Get("spec")) m.Set("spec", *s);
  for (const char* k : {"labels", "annotations", "finalizers"})
    if (const Node* v = app.At({"metadata", k})) m.Set(k, *v);
  return m;
}

}  // namespace

std::vector<Node> GenerateApplications(const Node& appset, const GeneratorContext& context) {
  GeneratorContext c = context;
  std::string ns = appset.StrAt({"metadata", "namespace"}, "argocd");
  std::string name = appset.StrAt({"metadata", "name"});
  c.where = "ApplicationSet " + ns + "/" + name;
  const Node* spec = appset.Get("spec");
  const Node* gens = spec ? spec->Get("generators") : nullptr;
  const Node* tmpl = spec ? spec->Get("template") : nullptr;
  if (!gens || !gens->IsSeq() || gens->items.empty()) throw TemplateError(c.where + ": spec.generators: required");
  if (!tmpl || !tmpl->IsMap()) throw TemplateError(c.where + ": spec.template: required");
  TemplateOptions opt;
  opt.go_template = spec->Get("goTemplate") && spec->Get("goTemplate")->AsBool();
  if (const Node* o = spec->Get("goTemplateOptions"); o && o->IsSeq())
    for (const auto& x : o->items)
      if (x.value == "missingkey=error") opt.missing_key_error = true;
  bool preserve = appset.At({"spec", "syncPolicy", "preserveResourcesOnDeletion"}) &&
                  appset.At({"spec", "syncPolicy", "preserveResourcesOnDeletion"})->AsBool();

  std::vector<Node> out;
  std::set<std::string> names;
  for (const auto& g : gens->items) {
    for (const auto& params : Generate(g, c)) {
      Node app;
      try {
        app = RenderNode(*tmpl, params, opt);
      } catch (const TemplateError& e) {
        throw TemplateError(c.where + ": spec.template: " + e.what());
      }
      Node obj = Node::Map();
      obj.Set("apiVersion", Node::String("argoproj.io/v1alpha1"));
      obj.Set("kind", Node::String("Application"));
      Node meta = app.Get("metadata") ? *app.Get("metadata") : Node::Map();
      std::string app_name = meta.StrAt({"name"});
      if (app_name.empty() || app_name.find("{{") != std::string::npos)
        throw TemplateError(c.where + ": spec.template.metadata.name: renders to \"" + app_name +
                            "\" (a parameter is missing)");
      if (!names.insert(app_name).second)
        throw TemplateError(c.where + ": two generated Applications are named \"" + app_name + "\"");
      meta.Set("namespace", Node::String(ns));
      if (preserve) {
        if (Node* fins = meta.Get("finalizers"); fins && fins->IsSeq()) {
          Node kept = Node::Seq();
          for (const auto& f : fins->items)
            if (f.value.rfind(kFinalizer, 0) != 0) kept.items.push_back(f);
          if (kept.items.empty()) meta.Remove("finalizers");
          else meta.Set("finalizers", kept);
        }
      }
      Node ref = Node::Map();
      ref.Set("apiVersion", Node::String("argoproj.io/v1alpha1"));
      ref.Set("kind", Node::String("ApplicationSet"));
      ref.Set("name", Node::String(name));
      if (!appset.StrAt({"metadata", "uid"}).empty()) ref.Set("uid", Node::String(appset.StrAt({"metadata", "uid"})));
      ref.Set("controller", Node::Bool(true));
      ref.Set("blockOwnerDeletion", Node::Bool(true));
      Node refs = Node::Seq();
      refs.items.push_back(ref);
      meta.Set("ownerReferences", refs);
      obj.Set("metadata", meta);
      obj.Set("spec", app.Get("spec") ? *app.Get("spec") : Node::Map());
      out.push_back(std::move(obj));
    }
  }
  return out;
}

ReconcileResult Reconcile(kube::ResourceClient& client, const Node& appset, const std::vector<Node>& desired) {
  ReconcileResult r;
  std::string ns = appset.StrAt({"metadata", "namespace"}, "argocd");
  std::string policy = appset.StrAt({"spec", "syncPolicy", "applicationsSync"}, "sync");
  bool may_update = policy == "sync" || policy == "create-update";
  bool may_delete = policy == "sync" || policy == "create-delete";
  Node list = client.List(kAppGvk, ns);
  std::map<std::string, Node> live;
  if (const Node* items = list.Get("items"); items && items->IsSeq())
    for (const auto& i : items->items) live[i.StrAt({"metadata", "name"})] = i;
  std::set<std::string> wanted;
  for (const auto& d : desired) {
    std::string name = d.StrAt({"metadata", "name"});
    wanted.insert(name);
    auto it = live.find(name);
    if (it == live.end()) {
      client.Create(d);
      ++r.created;
      continue;
    }
    if (!OwnedBy(it->second, appset)) {
      throw TemplateError("ApplicationSet " + ns + "/" + appset.StrAt({"metadata", "name"}) + ": Application " + name +
                          " already exists and is not owned by this ApplicationSet");
    }
    if (!may_update || Managed(it->second) == Managed(d)) {
      ++r.unchanged;
      continue;
    }
    Node updated = it->second;
    updated.Set("spec", *d.Get("spec"));
    Node& meta = updated.GetOrCreateMap("metadata");
    for (const char* k : {"labels", "annotations"})
      if (const Node* v = d.At({"metadata", k}); v && v->IsMap())
        for (const auto& f : v->fields) meta.GetOrCreateMap(k).Set(f.key.value, f.value);
    if (const Node* fins = d.At({"metadata", "finalizers"})) meta.Set("finalizers", *fins);
    else meta.Remove("finalizers");
    updated.Set("apiVersion", Node::String("argoproj.io/v1alpha1"));
    updated.Set("kind", Node::String("Application"));
    client.Update(updated);  // resourceVersion precondition
    ++r.updated;
  }
  if (may_delete) {
    for (const auto& [name, app] : live) {
      if (wanted.count(name) || !OwnedBy(app, appset)) continue;
      client.Delete({kAppGvk, ns, name});
      ++r.deleted;
    }
  }
  return r;
}

}  // namespace capstan::appset
