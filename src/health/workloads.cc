// apps/v1 Deployment, StatefulSet, DaemonSet, ReplicaSet (SPEC.md §3.1-3.4).
#include <string>

#include "health/builtin.h"

namespace capstan::health::internal {

namespace {

std::string Num(int64_t v) { return std::to_string(v); }

}  // namespace

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
