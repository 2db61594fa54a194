// ReplicaSet controller: keeps spec.replicas pods, reports their readiness.
#include <algorithm>

#include "cluster/controllers/ctx.h"

namespace capstan::cluster {

using yaml::Node;

// Pods owned by `owner_uid` that still count (not terminating, not finished).
static std::vector<Node> OwnedPods(Ctx& c, const std::string& ns, const std::string& owner_uid) {
  std::vector<Node> out;
  for (auto& p : c.List(c.Res("", "pods"), ns))
    if (IsControlledBy(p, owner_uid) && PodActive(p)) out.push_back(std::move(p));
  return out;
}

bool PodAvailable(Ctx& c, const Node& pod, int64_t min_ready_seconds) {
  if (!PodReady(pod)) return false;
  if (min_ready_seconds <= 0) return true;
  auto it = c.ready_since.find(pod.StrAt({"metadata", "uid"}));
  return it != c.ready_since.end() && c.Now() - it->second >= min_ready_seconds;
}

void RunReplicaSets(Ctx& c) {
  ResourceInfo rs_r = c.Res("apps", "replicasets");
  ResourceInfo pods_r = c.Res("", "pods");
  for (const Node& before : c.List(rs_r)) {
    if (!before.StrAt({"metadata", "deletionTimestamp"}).empty()) continue;
    Node rs = before;
    std::string ns = rs.StrAt({"metadata", "namespace"});
    std::string uid = rs.StrAt({"metadata", "uid"});
    int64_t want = IntAt(rs, {"spec", "replicas"}, 1);
    auto pods = OwnedPods(c, ns, uid);
    int64_t have = static_cast<int64_t>(pods.size());
    if (have < want) {
      const Node* tmpl = rs.At({"spec", "template"});
      for (int64_t i = have; i < want && tmpl; ++i) {
        std::string name = rs.StrAt({"metadata", "name"}) + "-" + RandomSuffix5();
        if (c.Create(pods_r, PodFromTemplate(*tmpl, rs, name, ns))) {
          auto p = c.Get(pods_r, ns, name);
          if (p) pods.push_back(*p);
        }
      }
    } else if (have > want) {
      // Delete the least useful pods first: unscheduled, pending, not ready, newest.
      std::sort(pods.begin(), pods.end(), [](const Node& a, const Node& b) {
        auto rank = [](const Node& p) {
          int r = 0;
          if (p.StrAt({"spec", "nodeName"}).empty()) return 0;
          if (p.StrAt({"status", "phase"}) == "Pending") return 1;
          if (!PodReady(p)) return 2;
          return 3 + r;
        };
        int ra = rank(a), rb = rank(b);
        if (ra != rb) return ra < rb;
        return a.StrAt({"metadata", "creationTimestamp"}) > b.StrAt({"metadata", "creationTimestamp"});
      });
      for (int64_t i = 0; i < have - want; ++i) c.Delete(pods_r, pods[i]);
      pods.erase(pods.begin(), pods.begin() + (have - want));
    }
    int64_t min_ready = IntAt(rs, {"spec", "minReadySeconds"});
    int64_t ready = 0, available = 0;
    for (const auto& p : pods) {
      if (PodReady(p)) ++ready;
      if (PodAvailable(c, p, min_ready)) ++available;
    }
    Node st = Node::Map();
    st.Set("replicas", Node::Int(static_cast<int64_t>(pods.size())));
    if (!pods.empty()) st.Set("fullyLabeledReplicas", Node::Int(static_cast<int64_t>(pods.size())));
    if (ready) st.Set("readyReplicas", Node::Int(ready));
    if (available) st.Set("availableReplicas", Node::Int(available));
    st.Set("observedGeneration", Node::Int(IntAt(rs, {"metadata", "generation"}, 1)));
    rs.Set("status", st);
    c.Update(rs_r, before, rs);
  }
}

}  // namespace capstan::cluster
