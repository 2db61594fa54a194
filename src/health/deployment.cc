// Health of apps/v1 Deployment (gitops-engine's check).
#include <string>

#include "health/builtin.h"

namespace capstan::health::internal {

HealthStatus DeploymentHealth(const yaml::Node& obj, const Gvk& gvk) {
  if (gvk.version != "v1") return UnsupportedGvk("Deployment", gvk);
  Decoder d;
  d.Metadata(obj);
  const yaml::Node* md = obj.Get("metadata");
  std::string name = d.Str(md, "name", ".metadata.name");
  int64_t generation = d.Int(md, "generation", ".metadata.generation");
  const yaml::Node* spec = d.Map(&obj, "spec", ".spec");
  bool paused = d.Bool(spec, "paused", ".spec.paused");
  std::optional<int64_t> replicas = d.OptInt(spec, "replicas", ".spec.replicas");
  const yaml::Node* st = d.Map(&obj, "status", ".status");
  int64_t observed = d.Int(st, "observedGeneration", ".status.observedGeneration");
  int64_t st_replicas = d.Int(st, "replicas", ".status.replicas");
  int64_t updated = d.Int(st, "updatedReplicas", ".status.updatedReplicas");
  int64_t available = d.Int(st, "availableReplicas", ".status.availableReplicas");
  d.Int(st, "readyReplicas", ".status.readyReplicas");
  d.Int(st, "unavailableReplicas", ".status.unavailableReplicas");
  std::vector<Condition> conds = d.Conditions(st, "conditions", ".status.conditions");
  if (d.failed()) return DecodeFailed("Deployment", d);

  if (paused) return {Code::kSuspended, "Deployment is paused"};
  if (generation > observed) {
    return {Code::kProgressing,
            "Waiting for rollout to finish: observed deployment generation less than desired "
            "generation"};
  }
  for (const Condition& c : conds) {
    if (c.type != "Progressing") continue;
    // Only the first Progressing condition counts; its status is not looked at.
    if (c.reason == "ProgressDeadlineExceeded") {
      return {Code::kDegraded, "Deployment " + GoQuote(name) + " exceeded its progress deadline"};
    }
    break;
  }
  if (replicas && updated < *replicas) {
    return {Code::kProgressing, "Waiting for rollout to finish: " + Num(updated) + " out of " +
                                    Num(*replicas) + " new replicas have been updated..."};
  }
  if (st_replicas > updated) {
    return {Code::kProgressing, "Waiting for rollout to finish: " + Num(st_replicas - updated) +
                                    " old replicas are pending termination..."};
  }
  if (available < updated) {
    return {Code::kProgressing, "Waiting for rollout to finish: " + Num(available) + " of " +
                                    Num(updated) + " updated replicas are available..."};
  }
  return {Code::kHealthy, ""};
}

}  // namespace capstan::health::internal
