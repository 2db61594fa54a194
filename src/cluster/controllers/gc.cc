// Garbage collector: dependents of deleted owners go away (background);
// owners deleted with foregroundDeletion wait for their blocking
// dependents; owners deleted with orphan release their dependents.
#include "cluster/api.h"
#include "cluster/controllers/ctx.h"

namespace capstan::cluster {

using yaml::Node;

namespace {

bool HasFinalizer(const Node& o, const std::string& f) {
  const Node* fins = o.At({"metadata", "finalizers"});
  if (!fins || !fins->IsSeq()) return false;
  for (const auto& x : fins->items)
    if (x.Str() == f) return true;
  return false;
}

void RemoveFinalizer(Node& o, const std::string& f) {
  Node* fins = o.GetOrCreateMap("metadata").Get("finalizers");
  if (!fins || !fins->IsSeq()) return;
  std::vector<Node> keep;
  for (auto& x : fins->items)
    if (x.Str() != f) keep.push_back(x);
  fins->items = keep;
  if (keep.empty()) o.GetOrCreateMap("metadata").Remove("finalizers");
}

ResourceInfo ResOfKey(Ctx& c, const std::string& rkey) {
  size_t slash = rkey.find('/');
  return c.Res(rkey.substr(0, slash), rkey.substr(slash + 1));
}

}  // namespace

void RunGarbageCollector(Ctx& c) {
  // Objects being deleted with foreground/orphan finalizers: scan the kinds
  // that own things (cheap: owners are few).
  for (const auto& r : c.registry->All()) {
    if (r.plural == "pods" || r.plural == "configmaps" || r.plural == "secrets" ||
        r.plural == "events" || r.plural == "endpoints")
      continue;
    for (const Node& o : c.List(r)) {
      if (o.StrAt({"metadata", "deletionTimestamp"}).empty()) continue;
      std::string uid = o.StrAt({"metadata", "uid"});
      if (HasFinalizer(o, "orphan")) {
        for (const auto& key : c.store->Dependents(uid)) {
          std::string rkey, ns, name;
          Store::SplitKey(key, &rkey, &ns, &name);
          ResourceInfo dr = ResOfKey(c, rkey);
          auto dep = c.Get(dr, ns, name);
          if (!dep) continue;
          Node d = *dep;
          Node* refs = d.GetOrCreateMap("metadata").Get("ownerReferences");
          if (refs && refs->IsSeq()) {
            std::vector<Node> keep;
            for (auto& x : refs->items)
              if (x.StrAt({"uid"}) != uid) keep.push_back(x);
            refs->items = keep;
            if (keep.empty()) d.GetOrCreateMap("metadata").Remove("ownerReferences");
          }
          c.Update(dr, *dep, d);
        }
        Node n = o;
        RemoveFinalizer(n, "orphan");
        if (!n.At({"metadata", "finalizers"})) c.Delete(r, o); else c.Update(r, o, n);
        continue;
      }
      if (HasFinalizer(o, "foregroundDeletion")) {
        auto deps = c.store->Dependents(uid);
        for (const auto& key : deps) {
          std::string rkey, ns, name;
          Store::SplitKey(key, &rkey, &ns, &name);
          ResourceInfo dr = ResOfKey(c, rkey);
          auto dep = c.Get(dr, ns, name);
          if (!dep) continue;
          if (dep->StrAt({"metadata", "deletionTimestamp"}).empty()) {
            // Dependents go first, in the foreground too.
            Node d = *dep;
            Node& md = d.GetOrCreateMap("metadata");
            md.Set("deletionTimestamp", Node::String(o.StrAt({"metadata", "deletionTimestamp"})));
            md.Set("deletionGracePeriodSeconds", Node::Int(0));
            Node fins = md.Get("finalizers") && md.Get("finalizers")->IsSeq() ? *md.Get("finalizers") : Node::Seq();
            if (dr.plural != "pods") {
              bool has = false;
              for (auto& f : fins.items) has |= f.Str() == "foregroundDeletion";
              if (!has) fins.items.push_back(Node::String("foregroundDeletion"));
              md.Set("finalizers", fins);
            }
            c.Update(dr, *dep, d);
          }
        }
        if (deps.empty()) {
          Node n = o;
          RemoveFinalizer(n, "foregroundDeletion");
          if (!n.At({"metadata", "finalizers"})) c.Delete(r, o); else c.Update(r, o, n);
        }
      }
    }
  }
  // Background: dependents whose owners are all gone.
  std::vector<std::string> orphans = c.store->OrphanedDependents();
  for (const auto& key : orphans) {
    std::string rkey, ns, name;
    Store::SplitKey(key, &rkey, &ns, &name);
    ResourceInfo dr = ResOfKey(c, rkey);
    auto dep = c.Get(dr, ns, name);
    if (!dep) continue;
    bool any_owner = false;
    if (const Node* refs = dep->At({"metadata", "ownerReferences"}); refs && refs->IsSeq())
      for (const auto& r : refs->items) any_owner |= c.store->UidExists(r.StrAt({"uid"}));
    if (any_owner) continue;
    const Node* fins = dep->At({"metadata", "finalizers"});
    if (fins && fins->size() > 0) {
      if (dep->StrAt({"metadata", "deletionTimestamp"}).empty()) {
        Node d = *dep;
        d.GetOrCreateMap("metadata").Set("deletionTimestamp", Node::String(NowRfc3339()));
        c.Update(dr, *dep, d);
      }
      continue;
    }
    c.Delete(dr, *dep);
  }
}

}  // namespace capstan::cluster
