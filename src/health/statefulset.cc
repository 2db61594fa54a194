// Health of apps/v1 StatefulSet (gitops-engine's check).
#include <string>

#include "health/builtin.h"

namespace capstan::health::internal {

HealthStatus StatefulSetHealth(const yaml::Node& obj, const Gvk& gvk) {
  if (gvk.version != "v1") return UnsupportedGvk("StatefulSet", gvk);
  Decoder d;
  d.Metadata(obj);
  const yaml::Node* md = obj.Get("metadata");
  int64_t generation = d.Int(md, "generation", ".metadata.generation");
  const yaml::Node* spec = d.Map(&obj, "spec", ".spec");
  std::optional<int64_t> replicas = d.OptInt(spec, "replicas", ".spec.replicas");
  const yaml::Node* strategy = d.Map(spec, "updateStrategy", ".spec.updateStrategy");
  std::string strategy_type = d.Str(strategy, "type", ".spec.updateStrategy.type");
  const yaml::Node* rolling =
      d.Map(strategy, "rollingUpdate", ".spec.updateStrategy.rollingUpdate");
  std::optional<int64_t> partition =
      d.OptInt(rolling, "partition", ".spec.updateStrategy.rollingUpdate.partition");
  const yaml::Node* st = d.Map(&obj, "status", ".status");
  int64_t observed = d.Int(st, "observedGeneration", ".status.observedGeneration");
  int64_t ready = d.Int(st, "readyReplicas", ".status.readyReplicas");
  int64_t updated = d.Int(st, "updatedReplicas", ".status.updatedReplicas");
  int64_t current = d.Int(st, "currentReplicas", ".status.currentReplicas");
  d.Int(st, "replicas", ".status.replicas");
  std::string update_rev = d.Str(st, "updateRevision", ".status.updateRevision");
  std::string current_rev = d.Str(st, "currentRevision", ".status.currentRevision");
  d.Conditions(st, "conditions", ".status.conditions");
  if (d.failed()) return DecodeFailed("StatefulSet", d);

  if (observed == 0 || generation > observed) {
    return {Code::kProgressing, "Waiting for statefulset spec update to be observed..."};
  }
  if (replicas && ready < *replicas) {
    return {Code::kProgressing, "Waiting for " + Num(*replicas - ready) + " pods to be ready..."};
  }
  if (strategy_type == "RollingUpdate" && rolling != nullptr) {
    if (replicas && partition && updated < *replicas - *partition) {
      return {Code::kProgressing, "Waiting for partitioned roll out to finish: " + Num(updated) +
                                      " out of " + Num(*replicas - *partition) +
                                      " new pods have been updated..."};
    }
    return {Code::kHealthy,
            "partitioned roll out complete: " + Num(updated) + " new pods have been updated..."};
  }
  if (strategy_type == "OnDelete") {
    return {Code::kHealthy, "statefulset has " + Num(ready) + " ready pods"};
  }
  if (update_rev != current_rev) {
    return {Code::kProgressing, "waiting for statefulset rolling update to complete " +
                                    Num(updated) + " pods at revision " + update_rev + "..."};
  }
  return {Code::kHealthy, "statefulset rolling update complete " + Num(current) +
                              " pods at revision " + current_rev + "..."};
}

}  // namespace capstan::health::internal
