// Health of apps/v1 ReplicaSet (gitops-engine's check).
#include <string>

#include "health/builtin.h"

namespace capstan::health::internal {

HealthStatus ReplicaSetHealth(const yaml::Node& obj, const Gvk& gvk) {
  if (gvk.version != "v1") return UnsupportedGvk("ReplicaSet", gvk);
  Decoder d;
  d.Metadata(obj);
  const yaml::Node* md = obj.Get("metadata");
  int64_t generation = d.Int(md, "generation", ".metadata.generation");
  const yaml::Node* spec = d.Map(&obj, "spec", ".spec");
  std::optional<int64_t> replicas = d.OptInt(spec, "replicas", ".spec.replicas");
  const yaml::Node* st = d.Map(&obj, "status", ".status");
  int64_t observed = d.Int(st, "observedGeneration", ".status.observedGeneration");
  int64_t available = d.Int(st, "availableReplicas", ".status.availableReplicas");
  d.Int(st, "replicas", ".status.replicas");
  d.Int(st, "readyReplicas", ".status.readyReplicas");
  std::vector<Condition> conds = d.Conditions(st, "conditions", ".status.conditions");
  if (d.failed()) return DecodeFailed("ReplicaSet", d);

  if (generation > observed) {
    return {Code::kProgressing,
            "Waiting for rollout to finish: observed replica set generation less than desired "
            "generation"};
  }
  for (const Condition& c : conds) {
    if (c.type != "ReplicaFailure") continue;
    if (c.status == "True") return {Code::kDegraded, c.message};
    break;  // only the first ReplicaFailure condition is looked at
  }
  if (replicas && available < *replicas) {
    return {Code::kProgressing, "Waiting for rollout to finish: " + Num(available) + " out of " +
                                    Num(*replicas) + " new replicas are available..."};
  }
  return {Code::kHealthy, ""};
}

}  // namespace capstan::health::internal
