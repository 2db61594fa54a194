// StatefulSets: ordered pods <name>-0..N-1 from the template, with the status
// fields `kubectl rollout status` and `kubectl wait` read (simplified).
#include <algorithm>
#include <ctime>

#include "cluster/api.h"
#include "cluster/controllers/ctx.h"

namespace capstan::cluster {

using yaml::Node;

void RunStatefulSets(Ctx& c) {
  ResourceInfo sts_r = c.Res("apps", "statefulsets");
  ResourceInfo pods_r = c.Res("", "pods");
  for (const Node& before : c.List(sts_r)) {
    if (!before.StrAt({"metadata", "deletionTimestamp"}).empty()) continue;
    Node s = before;
    std::string ns = s.StrAt({"metadata", "namespace"}), name = s.StrAt({"metadata", "name"});
    std::string uid = s.StrAt({"metadata", "uid"});
    const Node* tmpl = s.At({"spec", "template"});
    if (!tmpl) continue;
    int64_t replicas = IntAt(s, {"spec", "replicas"}, 1);
    std::string rev = name + "-" + TemplateHash(*tmpl);
    bool parallel = s.StrAt({"spec", "podManagementPolicy"}) == "Parallel";
    auto pods = OwnedBy(c, pods_r, ns, uid);
    std::map<int64_t, Node> by_ord;
    for (auto& p : pods) {
      std::string pn = p.StrAt({"metadata", "name"});
      by_ord[std::atoll(pn.substr(pn.rfind('-') + 1).c_str())] = p;
    }
    bool all_ready_so_far = true;
    for (int64_t i = 0; i < replicas; ++i) {
      auto it = by_ord.find(i);
      if (it == by_ord.end()) {
        if (!parallel && !all_ready_so_far) break;
        std::string pn = name + "-" + std::to_string(i);
        Node t = WithLabel(WithLabel(WithLabel(*tmpl, "controller-revision-hash", rev),
                                     "statefulset.kubernetes.io/pod-name", pn),
                           "apps.kubernetes.io/pod-index", std::to_string(i));
        Node pod = PodFromTemplate(t, s, pn, ns);
        pod.GetOrCreateMap("spec").Set("hostname", Node::String(pn));
        if (std::string svc = s.StrAt({"spec", "serviceName"}); !svc.empty())
          pod.GetOrCreateMap("spec").Set("subdomain", Node::String(svc));
        c.Create(pods_r, pod);
        all_ready_so_far = false;
        if (!parallel) break;
        continue;
      }
      if (!PodReady(it->second)) all_ready_so_far = false;
    }
    // Scale down from the highest ordinal.
    for (auto it = by_ord.rbegin(); it != by_ord.rend(); ++it)
      if (it->first >= replicas) {
        c.Delete(pods_r, it->second);
        if (!parallel) break;
      }
    // Rolling update: replace the highest-ordinal outdated pod when all are ready.
    int64_t ready = 0, updated = 0, current = 0, available = 0;
    bool every_ready = true;
    for (auto& [ord, p] : by_ord) {
      if (ord >= replicas) continue;
      if (PodReady(p)) ++ready; else every_ready = false;
      if (PodAvailable(c, p, IntAt(s, {"spec", "minReadySeconds"}))) ++available;
      if (p.StrAt({"metadata", "labels", "controller-revision-hash"}) == rev) ++updated;
      ++current;
    }
    if (s.StrAt({"spec", "updateStrategy", "type"}, "RollingUpdate") == "RollingUpdate" && every_ready) {
      for (auto it = by_ord.rbegin(); it != by_ord.rend(); ++it) {
        if (it->first >= replicas) continue;
        if (it->second.StrAt({"metadata", "labels", "controller-revision-hash"}) != rev) {
          c.Delete(pods_r, it->second);
          break;
        }
      }
    }
    Node st = Node::Map();
    st.Set("observedGeneration", Node::Int(IntAt(s, {"metadata", "generation"}, 1)));
    st.Set("replicas", Node::Int(current));
    if (ready) st.Set("readyReplicas", Node::Int(ready));
    if (current) st.Set("currentReplicas", Node::Int(updated == current ? current : current - updated));
    if (updated) st.Set("updatedReplicas", Node::Int(updated));
    std::string cur_rev = before.StrAt({"status", "currentRevision"}, rev);
    if (updated == replicas && ready == replicas) cur_rev = rev;
    st.Set("currentRevision", Node::String(cur_rev));
    st.Set("updateRevision", Node::String(rev));
    st.Set("collisionCount", Node::Int(0));
    st.Set("availableReplicas", Node::Int(available));
    s.Set("status", st);
    c.Update(sts_r, before, s);
  }
}

}  // namespace capstan::cluster
