// Deployment controller: ReplicaSets per pod template (pod-template-hash),
// rolling updates bounded by maxSurge/maxUnavailable, Recreate, and the
// status/conditions kube-controller-manager reports (Available,
// Progressing with NewReplicaSetCreated / ReplicaSetUpdated /
// NewReplicaSetAvailable / ProgressDeadlineExceeded).
#include <algorithm>
#include <cmath>

#include "cluster/controllers/ctx.h"
#include "resource/defaults.h"

namespace capstan::cluster {

using yaml::Node;

namespace {

// Resolves an int-or-percent against `total`; percentages round up for
// surge and down for unavailable, as intstr.GetScaledValueFromIntOrPercent.
int64_t Scaled(const Node* v, int64_t total, bool round_up, int64_t fallback_percent) {
  if (!v) return round_up ? (total * fallback_percent + 99) / 100 : total * fallback_percent / 100;
  if (v->IsInt()) return v->AsInt();
  std::string s = v->Str();
  if (!s.empty() && s.back() == '%') {
    double p = std::atof(s.c_str());
    double x = p * total / 100.0;
    return static_cast<int64_t>(round_up ? std::ceil(x) : std::floor(x));
  }
  return std::atoll(s.c_str());
}

int64_t Revision(const Node& rs) {
  return std::atoll(rs.StrAt({"metadata", "annotations", "deployment.kubernetes.io/revision"}, "0").c_str());
}

Node StripHash(Node tmpl) {
  if (Node* l = tmpl.At({"metadata", "labels"}) ? tmpl.GetOrCreateMap("metadata").Get("labels") : nullptr)
    l->Remove("pod-template-hash");
  return tmpl;
}

}  // namespace

void RunDeployments(Ctx& c) {
  ResourceInfo dep_r = c.Res("apps", "deployments");
  ResourceInfo rs_r = c.Res("apps", "replicasets");
  for (const Node& before : c.List(dep_r)) {
    if (!before.StrAt({"metadata", "deletionTimestamp"}).empty()) continue;
    Node d = before;
    std::string ns = d.StrAt({"metadata", "namespace"});
    std::string uid = d.StrAt({"metadata", "uid"});
    std::string dname = d.StrAt({"metadata", "name"});
    const Node* tmpl_p = d.At({"spec", "template"});
    if (!tmpl_p) continue;
    Node tmpl = *tmpl_p;
    // Stored objects were defaulted on write; reading the limits from a
    // defaulted copy keeps the defaults (replicas 1, revisionHistoryLimit 10,
    // progressDeadlineSeconds 600) in one place, resource/defaults.cc.
    Node defaulted = d;
    resource::ApplyDefaults(defaulted, resource::Gvk{dep_r.group, dep_r.version, dep_r.kind});
    int64_t replicas = IntAt(defaulted, {"spec", "replicas"});
    bool paused = d.StrAt({"spec", "paused"}) == "true";
    std::string hash = TemplateHash(tmpl, IntAt(d, {"status", "collisionCount"}));

    std::vector<Node> all;
    for (auto& rs : c.List(rs_r, ns))
      if (IsControlledBy(rs, uid)) all.push_back(std::move(rs));
    std::sort(all.begin(), all.end(), [](const Node& a, const Node& b) {
      return a.StrAt({"metadata", "creationTimestamp"}) < b.StrAt({"metadata", "creationTimestamp"});
    });
    Node* new_rs = nullptr;
    for (auto& rs : all)
      if (rs.At({"spec", "template"}) && StripHash(*rs.At({"spec", "template"})) == StripHash(tmpl))
        new_rs = &rs;
    std::vector<Node*> old;
    int64_t max_rev = 0;
    for (auto& rs : all) {
      max_rev = std::max(max_rev, Revision(rs));
      if (&rs != new_rs) old.push_back(&rs);
    }
    Node& st = d.GetOrCreateMap("status");
    std::string strategy = d.StrAt({"spec", "strategy", "type"}, "RollingUpdate");
    int64_t max_surge = 0, max_unavail = 0;
    if (strategy == "RollingUpdate") {
      max_surge = Scaled(d.At({"spec", "strategy", "rollingUpdate", "maxSurge"}), replicas, true, 25);
      max_unavail = Scaled(d.At({"spec", "strategy", "rollingUpdate", "maxUnavailable"}), replicas, false, 25);
      if (max_surge == 0 && max_unavail == 0) max_unavail = 1;
      if (max_unavail > replicas) max_unavail = replicas;
    }
    bool created = false;
    auto spec_of = [](const Node& rs) { return IntAt(rs, {"spec", "replicas"}, 0); };
    auto set_replicas = [&](Node& rs, int64_t n) {
      Node b = rs;
      rs.GetOrCreateMap("spec").Set("replicas", Node::Int(n));
      Node& ann = rs.GetOrCreateMap("metadata").GetOrCreateMap("annotations");
      ann.Set("deployment.kubernetes.io/desired-replicas", Node::String(std::to_string(replicas)));
      ann.Set("deployment.kubernetes.io/max-replicas", Node::String(std::to_string(replicas + max_surge)));
      c.Update(rs_r, b, rs);
    };
    if (!paused) {
      if (!new_rs) {
        int64_t total = 0;
        for (auto* o : old) total += spec_of(*o);
        int64_t initial = replicas;
        if (strategy == "Recreate") {
          initial = total > 0 ? 0 : replicas;
        } else if (!old.empty()) {
          initial = std::max<int64_t>(0, std::min(replicas, replicas + max_surge - total));
        }
        Node rs = Node::Map();
        Node& md = rs.GetOrCreateMap("metadata");
        md.Set("name", Node::String(dname + "-" + hash));
        md.Set("namespace", Node::String(ns));
        Node labels = tmpl.At({"metadata", "labels"}) ? *tmpl.At({"metadata", "labels"}) : Node::Map();
        labels.Set("pod-template-hash", Node::String(hash));
        md.Set("labels", labels);
        Node& ann = md.GetOrCreateMap("annotations");
        ann.Set("deployment.kubernetes.io/desired-replicas", Node::String(std::to_string(replicas)));
        ann.Set("deployment.kubernetes.io/max-replicas", Node::String(std::to_string(replicas + max_surge)));
        ann.Set("deployment.kubernetes.io/revision", Node::String(std::to_string(max_rev + 1)));
        Node refs = Node::Seq();
        refs.items.push_back(OwnerRef(d));
        md.Set("ownerReferences", refs);
        Node& spec = rs.GetOrCreateMap("spec");
        spec.Set("replicas", Node::Int(initial));
        if (const Node* mrs = d.At({"spec", "minReadySeconds"})) spec.Set("minReadySeconds", *mrs);
        Node sel = d.At({"spec", "selector"}) ? *d.At({"spec", "selector"}) : Node::Map();
        sel.GetOrCreateMap("matchLabels").Set("pod-template-hash", Node::String(hash));
        spec.Set("selector", sel);
        Node t = tmpl;
        t.GetOrCreateMap("metadata").GetOrCreateMap("labels").Set("pod-template-hash", Node::String(hash));
        spec.Set("template", t);
        if (c.Create(rs_r, rs)) {
          created = true;
          c.progress_at[uid] = c.Now();
          SetCondition(st, Condition("Progressing", "True", "NewReplicaSetCreated",
                                     "Created new replica set \"" + dname + "-" + hash + "\"", true));
        }
        // Re-read for status computation next pass.
      } else {
        // A rollback re-adopts an old ReplicaSet: it becomes the newest revision.
        if (Revision(*new_rs) < max_rev) {
          Node b = *new_rs;
          new_rs->GetOrCreateMap("metadata").GetOrCreateMap("annotations")
              .Set("deployment.kubernetes.io/revision", Node::String(std::to_string(max_rev + 1)));
          c.Update(rs_r, b, *new_rs);
          continue;
        }
        int64_t total = 0, available_all = 0;
        for (auto& rs : all) {
          total += spec_of(rs);
          available_all += IntAt(rs, {"status", "availableReplicas"});
        }
        if (strategy == "Recreate") {
          int64_t old_running = 0;
          for (auto* o : old) {
            if (spec_of(*o) > 0) set_replicas(*o, 0);
            old_running += IntAt(*o, {"status", "replicas"});
          }
          if (old_running == 0 && spec_of(*new_rs) != replicas) set_replicas(*new_rs, replicas);
        } else {
          int64_t cur_new = spec_of(*new_rs);
          if (cur_new > replicas) {
            set_replicas(*new_rs, replicas);
          } else if (cur_new < replicas) {
            int64_t max_total = replicas + max_surge;
            if (total < max_total) {
              int64_t up = std::min(max_total - total, replicas - cur_new);
              set_replicas(*new_rs, cur_new + up);
              total += up;
            }
          }
          // Scale down old ReplicaSets within maxUnavailable.
          int64_t min_available = replicas - max_unavail;
          int64_t new_unavail = spec_of(*new_rs) - IntAt(*new_rs, {"status", "availableReplicas"});
          int64_t max_scaled_down = total - min_available - new_unavail;
          if (max_scaled_down > 0) {
            // First old replicas that are not available anyway.
            for (auto* o : old) {
              if (max_scaled_down <= 0) break;
              int64_t s = spec_of(*o);
              int64_t unhealthy = s - IntAt(*o, {"status", "availableReplicas"});
              if (s == 0 || unhealthy <= 0) continue;
              int64_t down = std::min(max_scaled_down, unhealthy);
              set_replicas(*o, s - down);
              max_scaled_down -= down;
              total -= down;
            }
          }
          int64_t available_now = available_all;
          if (available_now > min_available) {
            int64_t budget = available_now - min_available;
            for (auto* o : old) {
              if (budget <= 0) break;
              int64_t s = spec_of(*o);
              if (s == 0) continue;
              int64_t down = std::min(s, budget);
              set_replicas(*o, s - down);
              budget -= down;
            }
          }
        }
      }
      // Old ReplicaSets beyond revisionHistoryLimit with no replicas go away.
      int64_t limit = IntAt(defaulted, {"spec", "revisionHistoryLimit"});
      std::vector<Node*> idle;
      for (auto* o : old)
        if (spec_of(*o) == 0 && IntAt(*o, {"status", "replicas"}) == 0) idle.push_back(o);
      for (int64_t i = 0; i + limit < static_cast<int64_t>(idle.size()); ++i) c.Delete(rs_r, *idle[i]);
    }

    // Status from the ReplicaSets as they are now.
    if (created) {
      // The new ReplicaSet exists from now on; report on the next pass.
      st.Set("observedGeneration", Node::Int(IntAt(d, {"metadata", "generation"}, 1)));
      d.GetOrCreateMap("metadata").GetOrCreateMap("annotations")
          .Set("deployment.kubernetes.io/revision", Node::String(std::to_string(max_rev + 1)));
      c.Update(dep_r, before, d);
      continue;
    }
    if (!new_rs) continue;
    int64_t spec_total = 0, actual = 0, ready = 0, available = 0;
    for (auto& rs : all) {
      spec_total += spec_of(rs);
      actual += IntAt(rs, {"status", "replicas"});
      ready += IntAt(rs, {"status", "readyReplicas"});
      available += IntAt(rs, {"status", "availableReplicas"});
    }
    int64_t updated = IntAt(*new_rs, {"status", "replicas"});
    Node ns_st = Node::Map();
    ns_st.Set("observedGeneration", Node::Int(IntAt(d, {"metadata", "generation"}, 1)));
    if (actual) ns_st.Set("replicas", Node::Int(actual));
    if (updated) ns_st.Set("updatedReplicas", Node::Int(updated));
    if (ready) ns_st.Set("readyReplicas", Node::Int(ready));
    if (available) ns_st.Set("availableReplicas", Node::Int(available));
    int64_t unavailable = std::max<int64_t>(0, spec_total - available);
    if (unavailable) ns_st.Set("unavailableReplicas", Node::Int(unavailable));
    if (const Node* cc = st.Get("collisionCount")) ns_st.Set("collisionCount", *cc);
    if (const Node* conds = st.Get("conditions")) ns_st.Set("conditions", *conds);
    // Available.
    if (available >= replicas - max_unavail)
      SetCondition(ns_st, Condition("Available", "True", "MinimumReplicasAvailable",
                                    "Deployment has minimum availability.", true));
    else
      SetCondition(ns_st, Condition("Available", "False", "MinimumReplicasUnavailable",
                                    "Deployment does not have minimum availability.", true));
    // Progressing.
    std::string rs_name = new_rs->StrAt({"metadata", "name"});
    bool complete = updated == replicas && actual == replicas && available == replicas &&
                    IntAt(ns_st, {"observedGeneration"}) >= IntAt(d, {"metadata", "generation"}, 1);
    auto old_int = [&](const char* f) { return IntAt(st, {f}); };
    bool progressed = updated > old_int("updatedReplicas") || ready > old_int("readyReplicas") ||
                      available > old_int("availableReplicas") ||
                      (actual - updated) < (old_int("replicas") - old_int("updatedReplicas"));
    const Node* prog = FindCondition(ns_st, "Progressing");
    int64_t deadline = IntAt(defaulted, {"spec", "progressDeadlineSeconds"});
    if (!c.progress_at.count(uid)) c.progress_at[uid] = c.Now();
    if (paused) {
      SetCondition(ns_st, Condition("Progressing", "Unknown", "DeploymentPaused",
                                    "Deployment is paused", true));
    } else if (complete) {
      SetCondition(ns_st, Condition("Progressing", "True", "NewReplicaSetAvailable",
                                    "ReplicaSet \"" + rs_name + "\" has successfully progressed.", true));
    } else if (progressed || !prog || (prog->StrAt({"reason"}) == "NewReplicaSetAvailable")) {
      c.progress_at[uid] = c.Now();
      Node cond = Condition("Progressing", "True", "ReplicaSetUpdated",
                            "ReplicaSet \"" + rs_name + "\" is progressing.", true);
      if (prog && prog->StrAt({"status"}) == "True")
        if (const Node* t = prog->Get("lastTransitionTime")) cond.Set("lastTransitionTime", *t);
      // Progress refreshes lastUpdateTime even when the reason is the same.
      Node& cs = ns_st.GetOrCreateMap("conditions");
      bool replaced = false;
      for (auto& x : cs.items)
        if (x.StrAt({"type"}) == "Progressing") {
          if (x.StrAt({"reason"}) != "ReplicaSetUpdated" || progressed || x.StrAt({"message"}) != cond.StrAt({"message"}))
            x = cond;
          replaced = true;
        }
      if (!replaced) cs.items.push_back(cond);
    } else if (prog && prog->StrAt({"reason"}) != "ProgressDeadlineExceeded" &&
               c.Now() - c.progress_at[uid] > static_cast<double>(deadline)) {
      SetCondition(ns_st, Condition("Progressing", "False", "ProgressDeadlineExceeded",
                                    "ReplicaSet \"" + rs_name + "\" has timed out progressing.", true));
    }
    // Conditions in the order kube-controller-manager keeps them: Available first.
    if (Node* cs = ns_st.Get("conditions"); cs && cs->IsSeq())
      std::stable_sort(cs->items.begin(), cs->items.end(), [](const Node& a, const Node& b) {
        return a.StrAt({"type"}) == "Available" && b.StrAt({"type"}) != "Available";
      });
    d.Set("status", ns_st);
    d.GetOrCreateMap("metadata").GetOrCreateMap("annotations")
        .Set("deployment.kubernetes.io/revision", Node::String(std::to_string(Revision(*new_rs))));
    c.Update(dep_r, before, d);
  }
}

}  // namespace capstan::cluster
