// DaemonSets: one pod per simulated node, with the status fields
// `kubectl rollout status` reads (simplified).
#include <algorithm>
#include <ctime>

#include "cluster/api.h"
#include "cluster/controllers/ctx.h"

namespace capstan::cluster {

using yaml::Node;

void RunDaemonSets(Ctx& c) {
  ResourceInfo ds_r = c.Res("apps", "daemonsets");
  ResourceInfo pods_r = c.Res("", "pods");
  std::vector<std::string> nodes;
  for (const auto& n : c.List(c.Res("", "nodes"))) nodes.push_back(n.StrAt({"metadata", "name"}));
  for (const Node& before : c.List(ds_r)) {
    if (!before.StrAt({"metadata", "deletionTimestamp"}).empty()) continue;
    Node d = before;
    std::string ns = d.StrAt({"metadata", "namespace"}), name = d.StrAt({"metadata", "name"});
    std::string uid = d.StrAt({"metadata", "uid"});
    const Node* tmpl = d.At({"spec", "template"});
    if (!tmpl) continue;
    std::string hash = TemplateHash(*tmpl);
    auto pods = OwnedBy(c, pods_r, ns, uid);
    std::map<std::string, Node> by_node;
    for (auto& p : pods) by_node[p.StrAt({"spec", "nodeName"})] = p;
    int64_t ready = 0, updated = 0, available = 0, scheduled = 0;
    bool replaced = false;
    for (const auto& node : nodes) {
      auto it = by_node.find(node);
      if (it == by_node.end()) {
        Node pod = PodFromTemplate(WithLabel(*tmpl, "controller-revision-hash", hash), d,
                                   name + "-" + RandomSuffix5(), ns);
        pod.GetOrCreateMap("spec").Set("nodeName", Node::String(node));
        c.Create(pods_r, pod);
        continue;
      }
      ++scheduled;
      const Node& p = it->second;
      bool up = p.StrAt({"metadata", "labels", "controller-revision-hash"}) == hash;
      if (up) ++updated;
      if (PodReady(p)) ++ready;
      if (PodAvailable(c, p, IntAt(d, {"spec", "minReadySeconds"}))) ++available;
      if (!up && !replaced && PodActive(p)) {
        c.Delete(pods_r, p);  // maxUnavailable 1: one node at a time
        replaced = true;
      }
    }
    Node st = Node::Map();
    st.Set("currentNumberScheduled", Node::Int(scheduled));
    st.Set("desiredNumberScheduled", Node::Int(static_cast<int64_t>(nodes.size())));
    st.Set("numberAvailable", Node::Int(available));
    st.Set("numberMisscheduled", Node::Int(0));
    st.Set("numberReady", Node::Int(ready));
    if (static_cast<int64_t>(nodes.size()) > available)
      st.Set("numberUnavailable", Node::Int(static_cast<int64_t>(nodes.size()) - available));
    st.Set("observedGeneration", Node::Int(IntAt(d, {"metadata", "generation"}, 1)));
    st.Set("updatedNumberScheduled", Node::Int(updated));
    d.Set("status", st);
    c.Update(ds_r, before, d);
  }
}

}  // namespace capstan::cluster
