// Every namespace gets its default ServiceAccount and the kube-root-ca.crt
// ConfigMap, as kube-controller-manager's serviceaccount and root-ca-cert
// publisher controllers do.
#include "cluster/controllers/ctx.h"

namespace capstan::cluster {

using yaml::Node;

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
