// Namespace lifecycle: a deleted namespace (phase Terminating) has its
// contents removed, then its "kubernetes" finalizer, then goes away.
#include "cluster/controllers/ctx.h"

namespace capstan::cluster {

using yaml::Node;

void RunNamespaces(Ctx& c) {
  ResourceInfo ns_r = c.Res("", "namespaces");
  for (const Node& before : c.List(ns_r)) {
    if (before.StrAt({"metadata", "deletionTimestamp"}).empty()) continue;
    std::string ns = before.StrAt({"metadata", "name"});
    size_t remaining = 0;
    for (const auto& r : c.registry->All()) {
      if (!r.namespaced) continue;
      for (const auto& o : c.List(r, ns)) {
        ++remaining;
        const Node* fins = o.At({"metadata", "finalizers"});
        if (fins && fins->size() > 0) {
          // Objects with finalizers get marked; their controllers finish them.
          if (o.StrAt({"metadata", "deletionTimestamp"}).empty()) {
            Node m = o;
            m.GetOrCreateMap("metadata").Set("deletionTimestamp", Node::String(before.StrAt({"metadata", "deletionTimestamp"})));
            m.GetOrCreateMap("metadata").Set("deletionGracePeriodSeconds", Node::Int(0));
            c.Update(r, o, m);
          }
          continue;
        }
        c.Delete(r, o);
      }
    }
    Node n = before;
    Node& st = n.GetOrCreateMap("status");
    st.Set("phase", Node::String("Terminating"));
    if (remaining == 0) {
      n.GetOrCreateMap("spec").Remove("finalizers");
      const Node* fins = n.At({"metadata", "finalizers"});
      if (!fins || fins->size() == 0) {
        c.Delete(ns_r, before);
        continue;
      }
    }
    c.Update(ns_r, before, n);
  }
}

}  // namespace capstan::cluster
