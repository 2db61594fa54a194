// Namespace lifecycle: a deleted namespace (phase Terminating) has its
// contents removed, then its "kubernetes" finalizer, then goes away.
// Also gives every namespace its default ServiceAccount and the
// kube-root-ca.crt ConfigMap, as the real controllers do.
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

void RunServiceAccounts(Ctx& c) {
  ResourceInfo ns_r = c.Res("", "namespaces");
  ResourceInfo sa_r = c.Res("", "serviceaccounts");
  ResourceInfo cm_r = c.Res("", "configmaps");
  for (const Node& n : c.List(ns_r)) {
    if (!n.StrAt({"metadata", "deletionTimestamp"}).empty()) continue;
    std::string ns = n.StrAt({"metadata", "name"});
    if (!c.store->Get(sa_r.StoreKey(), ns, "default")) {
      Node sa = Node::Map();
      sa.GetOrCreateMap("metadata").Set("name", Node::String("default"));
      sa.GetOrCreateMap("metadata").Set("namespace", Node::String(ns));
      c.Create(sa_r, sa);
    }
    if (!c.store->Get(cm_r.StoreKey(), ns, "kube-root-ca.crt")) {
      Node cm = Node::Map();
      cm.GetOrCreateMap("metadata").Set("name", Node::String("kube-root-ca.crt"));
      cm.GetOrCreateMap("metadata").Set("namespace", Node::String(ns));
      cm.GetOrCreateMap("metadata").GetOrCreateMap("annotations")
          .Set("kubernetes.io/description",
               Node::String("Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."));
      cm.GetOrCreateMap("data").Set("ca.crt", Node::String(c.ca_pem));
      c.Create(cm_r, cm);
    }
  }
}

}  // namespace capstan::cluster
