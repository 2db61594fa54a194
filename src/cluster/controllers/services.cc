// Endpoints for Services with a selector, and addresses for LoadBalancer
// Services.
#include <algorithm>

#include "cluster/controllers/ctx.h"
#include "cluster/selector.h"

namespace capstan::cluster {

using yaml::Node;

static KeyValues LabelsOf(const Node& o) {
  KeyValues kv;
  if (const Node* l = o.At({"metadata", "labels"}); l && l->IsMap())
    for (const auto& f : l->fields) kv.push_back({f.key.Str(), f.value.Str()});
  return kv;
}

void RunServices(Ctx& c) {
  ResourceInfo svc_r = c.Res("", "services");
  ResourceInfo ep_r = c.Res("", "endpoints");
  ResourceInfo pods_r = c.Res("", "pods");
  std::map<std::string, std::vector<Node>> pods_by_ns;
  int lb_index = 0;
  for (const Node& before : c.List(svc_r)) {
    std::string ns = before.StrAt({"metadata", "namespace"});
    std::string name = before.StrAt({"metadata", "name"});
    ++lb_index;
    if (before.StrAt({"spec", "type"}) == "LoadBalancer" &&
        !before.At({"status", "loadBalancer", "ingress"})) {
      Node s = before;
      Node ing = Node::Seq();
      Node ip = Node::Map();
      uint32_t h = 0;
      for (char ch : ns + "/" + name) h = h * 31 + static_cast<unsigned char>(ch);
      ip.Set("ip", Node::String("172.18.255." + std::to_string(h % 200 + 50)));
      ip.Set("ipMode", Node::String("VIP"));
      ing.items.push_back(ip);
      s.GetOrCreateMap("status").GetOrCreateMap("loadBalancer").Set("ingress", ing);
      c.Update(svc_r, before, s);
    }
    const Node* sel = before.At({"spec", "selector"});
    if (!sel || !sel->IsMap() || sel->fields.empty()) continue;
    Selector selector;
    {
      Node ls = Node::Map();
      ls.Set("matchLabels", *sel);
      selector = Selector::FromLabelSelector(ls);
    }
    if (!pods_by_ns.count(ns)) pods_by_ns[ns] = c.List(pods_r, ns);
    Node ready = Node::Seq(), not_ready = Node::Seq();
    std::vector<std::pair<std::string, Node>> addrs;
    for (const auto& p : pods_by_ns[ns]) {
      if (!selector.Matches(LabelsOf(p)) || p.StrAt({"status", "podIP"}).empty() || !PodActive(p)) continue;
      Node a = Node::Map();
      a.Set("ip", Node::String(p.StrAt({"status", "podIP"})));
      a.Set("nodeName", Node::String(p.StrAt({"spec", "nodeName"})));
      Node ref = Node::Map();
      ref.Set("kind", Node::String("Pod"));
      ref.Set("namespace", Node::String(ns));
      ref.Set("name", Node::String(p.StrAt({"metadata", "name"})));
      ref.Set("uid", Node::String(p.StrAt({"metadata", "uid"})));
      a.Set("targetRef", ref);
      (PodReady(p) ? ready : not_ready).items.push_back(a);
    }
    auto by_ip = [](const Node& a, const Node& b) { return a.StrAt({"ip"}) < b.StrAt({"ip"}); };
    std::sort(ready.items.begin(), ready.items.end(), by_ip);
    std::sort(not_ready.items.begin(), not_ready.items.end(), by_ip);
    Node ports = Node::Seq();
    if (const Node* ps = before.At({"spec", "ports"}); ps && ps->IsSeq())
      for (const auto& sp : ps->items) {
        Node ep = Node::Map();
        if (const Node* n = sp.Get("name")) ep.Set("name", *n);
        const Node* tp = sp.Get("targetPort");
        int64_t port = tp && tp->IsInt() ? tp->AsInt() : IntAt(sp, {"port"});
        ep.Set("port", Node::Int(port));
        ep.Set("protocol", Node::String(sp.StrAt({"protocol"}, "TCP")));
        ports.items.push_back(ep);
      }
    Node ep = Node::Map();
    Node& md = ep.GetOrCreateMap("metadata");
    md.Set("name", Node::String(name));
    md.Set("namespace", Node::String(ns));
    if (const Node* l = before.At({"metadata", "labels"})) md.Set("labels", *l);
    Node subsets = Node::Seq();
    if (!ready.items.empty() || !not_ready.items.empty()) {
      Node ss = Node::Map();
      if (!ready.items.empty()) ss.Set("addresses", ready);
      if (!not_ready.items.empty()) ss.Set("notReadyAddresses", not_ready);
      ss.Set("ports", ports);
      subsets.items.push_back(ss);
    }
    auto existing = c.Get(ep_r, ns, name);
    if (!existing) {
      if (!subsets.items.empty()) ep.Set("subsets", subsets);
      c.Create(ep_r, ep);
    } else {
      Node e = *existing;
      if (subsets.items.empty())
        e.Remove("subsets");
      else
        e.Set("subsets", subsets);
      c.Update(ep_r, *existing, e);
    }
  }
}

}  // namespace capstan::cluster
