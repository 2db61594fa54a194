// namespace: sets metadata.namespace of namespaced objects, the fields of
// the namespace field specs, renames v1 Namespace objects, and moves the
// RoleBinding subject for the "default" service account.
#include <unordered_set>

#include "kustomize/internal.h"

namespace capstan::kustomize {

void TransformNamespace(ResList& res, const std::string& ns, const FsSlice& fss, bool unset_only) {
  if (ns.empty()) return;
  Node leaf = Str("");
  auto set = [&](Node& n) {
    if (unset_only && n.IsScalar() && !n.value.empty()) return;
    n = Str(ns);
  };
  for (auto& r : res) {
    if (r.obj.IsNull()) continue;
    r.StorePreviousId();
    ResId id = r.CurId();
    std::string api = r.obj.StrAt({"apiVersion"});
    if (!IsClusterScoped(id)) {
      Node& md = r.obj.GetOrCreateMap("metadata");
      Node* cur = md.Get("namespace");
      if (!cur) {
        md.Set("namespace", Str(ns));
      } else {
        set(*cur);
      }
    }
    FsSlice specs;
    for (const auto& fs : fss) {
      if (fs.path == "metadata/namespace") continue;
      if (fs.path == "metadata/name" && api != "v1") continue;
      if ((id.gvk.kind == "RoleBinding" || id.gvk.kind == "ClusterRoleBinding") &&
          (fs.path == "subjects" || fs.path.rfind("subjects/", 0) == 0))
        continue;
      specs.push_back(fs);
    }
    if (id.gvk.kind == "RoleBinding" || id.gvk.kind == "ClusterRoleBinding") {
      if (Node* subjects = r.obj.Get("subjects"); subjects && subjects->IsSeq()) {
        for (auto& s : subjects->items) {
          if (!s.IsMap() || s.StrAt({"name"}) != "default") continue;
          Node* cur = s.Get("namespace");
          if (!cur) {
            s.Set("namespace", Str(ns));
          } else {
            set(*cur);
          }
        }
      }
    }
    ApplyFsSlice(r.obj, specs, leaf, set);
  }
  std::unordered_set<std::string> seen;
  for (const auto& r : res) {
    if (!seen.insert(IdKey(r.CurId())).second) {
      Fail("namespace transformation produces ID conflict: " + IdString(r.CurId()));
    }
  }
}

}  // namespace capstan::kustomize
