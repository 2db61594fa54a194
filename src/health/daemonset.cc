// Health of apps/v1 DaemonSet (gitops-engine's check).
#include <string>

#include "health/builtin.h"

namespace capstan::health::internal {

HealthStatus DaemonSetHealth(const yaml::Node& obj, const Gvk& gvk) {
  if (gvk.version != "v1") return UnsupportedGvk("DaemonSet", gvk);
  Decoder d;
  d.Metadata(obj);
  const yaml::Node* md = obj.Get("metadata");
  std::string name = d.Str(md, "name", ".metadata.name");
  int64_t generation = d.Int(md, "generation", ".metadata.generation");
  const yaml::Node* spec = d.Map(&obj, "spec", ".spec");
  const yaml::Node* strategy = d.Map(spec, "updateStrategy", ".spec.updateStrategy");
  std::string strategy_type = d.Str(strategy, "type", ".spec.updateStrategy.type");
  const yaml::Node* st = d.Map(&obj, "status", ".status");
  int64_t observed = d.Int(st, "observedGeneration", ".status.observedGeneration");
  int64_t updated = d.Int(st, "updatedNumberScheduled", ".status.updatedNumberScheduled");
  int64_t desired = d.Int(st, "desiredNumberScheduled", ".status.desiredNumberScheduled");
  int64_t available = d.Int(st, "numberAvailable", ".status.numberAvailable");
  d.Int(st, "currentNumberScheduled", ".status.currentNumberScheduled");
  d.Int(st, "numberReady", ".status.numberReady");
  d.Int(st, "numberMisscheduled", ".status.numberMisscheduled");
  d.Conditions(st, "conditions", ".status.conditions");
  if (d.failed()) return DecodeFailed("DaemonSet", d);

  if (generation > observed) {
    return {Code::kProgressing,
            "Waiting for rollout to finish: observed daemon set generation less than desired "
            "generation"};
  }
  if (strategy_type == "OnDelete") {
    return {Code::kHealthy, "daemon set " + Num(updated) + " out of " + Num(desired) +
                                " new pods have been updated"};
  }
  if (updated < desired) {
    return {Code::kProgressing, "Waiting for daemon set " + GoQuote(name) +
                                    " rollout to finish: " + Num(updated) + " out of " +
                                    Num(desired) + " new pods have been updated..."};
  }
  if (available < desired) {
    return {Code::kProgressing, "Waiting for daemon set " + GoQuote(name) +
                                    " rollout to finish: " + Num(available) + " of " +
                                    Num(desired) + " updated pods are available..."};
  }
  return {Code::kHealthy, ""};
}

}  // namespace capstan::health::internal
