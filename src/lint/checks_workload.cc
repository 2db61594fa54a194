// Workload checks: replicas, PodDisruptionBudgets, anti-affinity,
// StatefulSet serviceName, CronJob deadline and restart policy.
#include "lint/internal.h"

namespace capstan::lint {
namespace {

const PodTemplate* PodOf(const Objects& objects, size_t object) { return objects.PodOf(object); }

// The HPA that scales this object, or npos.
size_t ScaledBy(const Objects& objects, size_t object) {
  for (size_t h : objects.OfKindIn("HorizontalPodAutoscaler", objects.Namespace(object))) {
    const yaml::Node& hpa = objects.at(h);
    if (hpa.StrAt({"spec", "scaleTargetRef", "kind"}) == objects.Kind(object) &&
        hpa.StrAt({"spec", "scaleTargetRef", "name"}) == objects.Name(object))
      return h;
  }
  return std::string::npos;
}

int64_t Replicas(const Objects& objects, size_t object) {
  size_t hpa = ScaledBy(objects, object);
  if (hpa != std::string::npos) return IntOr(objects.at(hpa).At({"spec", "minReplicas"}), 1);
  return IntOr(objects.at(object).At({"spec", "replicas"}), 1);
}

bool HasPdb(const Objects& objects, const PodTemplate& p) {
  for (size_t d : objects.OfKindIn("PodDisruptionBudget", p.ns)) {
    const yaml::Node* sel = objects.at(d).At({"spec", "selector"});
    if (!IsEmptyLabelSelector(sel) && LabelSelectorMatches(sel, p.labels)) return true;
  }
  return false;
}

bool HasHostAntiAffinity(const PodTemplate& p) {
  const yaml::Node* anti = p.spec->At({"affinity", "podAntiAffinity"});
  if (anti == nullptr) return false;
  auto matches = [&](const yaml::Node* term) {
    return term != nullptr && term->StrAt({"topologyKey"}) == "kubernetes.io/hostname" &&
           LabelSelectorMatches(term->Get("labelSelector"), p.labels);
  };
  if (const yaml::Node* req = anti->Get("requiredDuringSchedulingIgnoredDuringExecution"); req && req->IsSeq())
    for (const yaml::Node& t : req->items)
      if (matches(&t)) return true;
  if (const yaml::Node* pref = anti->Get("preferredDuringSchedulingIgnoredDuringExecution"); pref && pref->IsSeq())
    for (const yaml::Node& t : pref->items)
      if (matches(t.Get("podAffinityTerm"))) return true;
  return false;
}

}  // namespace

void CheckWorkloads(const Objects& objects, const Emit& emit) {
  for (const char* kind : {"Deployment", "StatefulSet"}) {
    std::string prefix = std::string(kind) == "Deployment" ? "deployment" : "statefulset";
    for (size_t i : objects.OfKind(kind)) {
      const PodTemplate* p = PodOf(objects, i);
      if (p == nullptr) continue;
      int64_t replicas = Replicas(objects, i);
      bool scaled = ScaledBy(objects, i) != std::string::npos;
      if (prefix == "deployment" && replicas < 2 && !scaled)
        emit("deployment-replicas", Severity::kWarning, i, "spec.replicas",
             "runs " + std::to_string(replicas) + " replica(s): one node or pod failure takes it down");
      std::string strategy = objects.at(i).StrAt({"spec", "strategy", "type"});
      if (prefix == "deployment" && replicas >= 2 && !strategy.empty() && strategy != "RollingUpdate")
        emit("deployment-strategy", Severity::kWarning, i, "spec.strategy.type",
             "strategy " + strategy + " stops every replica before starting new ones; use RollingUpdate");
      if (replicas >= 2 && !HasPdb(objects, *p))
        emit(prefix + "-has-poddisruptionbudget", Severity::kCritical, i, "",
             "no PodDisruptionBudget selects its pods: a node drain may evict every replica at once");
      if (replicas >= 2 && !HasHostAntiAffinity(*p))
        emit(prefix + "-has-host-podantiaffinity", Severity::kWarning, i, p->spec_path + ".affinity",
             "no pod anti-affinity on kubernetes.io/hostname: replicas may share one node");
    }
  }
  for (size_t i : objects.OfKind("StatefulSet")) {
    std::string svc = objects.at(i).StrAt({"spec", "serviceName"});
    const PodTemplate* p = PodOf(objects, i);
    if (svc.empty()) {
      emit("statefulset-has-servicename", Severity::kCritical, i, "spec.serviceName", "serviceName is not set");
      continue;
    }
    bool ok = false;
    for (size_t s : objects.OfKindIn("Service", objects.Namespace(i))) {
      const yaml::Node& service = objects.at(s);
      if (objects.Name(s) != svc) continue;
      ok = service.StrAt({"spec", "clusterIP"}) == "None" && p != nullptr &&
           MapSelectorMatches(service.At({"spec", "selector"}), p->labels);
    }
    if (!ok)
      emit("statefulset-has-servicename", Severity::kCritical, i, "spec.serviceName",
           "serviceName " + svc + " does not name a headless Service (clusterIP: None) that selects its pods");
  }
  for (size_t i : objects.OfKind("PodDisruptionBudget")) {
    const yaml::Node* spec = objects.at(i).Get("spec");
    if (spec == nullptr || (!spec->Has("minAvailable") && !spec->Has("maxUnavailable")))
      emit("poddisruptionbudget-has-policy", Severity::kCritical, i, "spec",
           "neither minAvailable nor maxUnavailable is set");
  }
  for (size_t i : objects.OfKind("CronJob")) {
    const yaml::Node& cj = objects.at(i);
    if (cj.At({"spec", "startingDeadlineSeconds"}) == nullptr)
      emit("cronjob-has-deadline", Severity::kCritical, i, "spec.startingDeadlineSeconds",
           "startingDeadlineSeconds is not set: missed runs may start at any later time");
    std::string rp = cj.StrAt({"spec", "jobTemplate", "spec", "template", "spec", "restartPolicy"});
    if (rp != "Never" && rp != "OnFailure")
      emit("cronjob-restartpolicy", Severity::kCritical, i, "spec.jobTemplate.spec.template.spec.restartPolicy",
           "restartPolicy must be Never or OnFailure (is " + (rp.empty() ? std::string("unset") : rp) + ")");
  }
}

}  // namespace capstan::lint
