// Ingresses: a load-balancer address in status, as an ingress controller sets it.
#include "cluster/controllers/ctx.h"

namespace capstan::cluster {

using yaml::Node;

void RunIngresses(Ctx& c) {
  ResourceInfo ing_r = c.Res("networking.k8s.io", "ingresses");
  for (const Node& before : c.List(ing_r)) {
    if (before.At({"status", "loadBalancer", "ingress"})) continue;
    Node ing = before;
    Node list = Node::Seq();
    Node ip = Node::Map();
    ip.Set("ip", Node::String("172.18.255.200"));
    list.items.push_back(ip);
    ing.GetOrCreateMap("status").GetOrCreateMap("loadBalancer").Set("ingress", list);
    c.Update(ing_r, before, ing);
  }
}

}  // namespace capstan::cluster
