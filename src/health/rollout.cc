// Health of argoproj.io Rollout, ported from Argo CD's
// resource_customizations/argoproj.io/Rollout/health.lua.
#include <optional>
#include <string>

#include "health/lua_values.h"

namespace capstan::health::internal {

HealthStatus RolloutHealth(const yaml::Node& obj, const Gvk&) {
  const yaml::Node* status = Field(&obj, "status");
  const yaml::Node* spec = Field(&obj, "spec");
  constexpr std::string_view kNotObserved = "Waiting for rollout spec update to be observed";
  if (status == nullptr || Field(status, "observedGeneration") == nullptr) {
    return {Code::kProgressing, std::string(kNotObserved)};
  }
  if (std::optional<double> observed = ToNumber(Field(status, "observedGeneration"))) {
    std::optional<double> generation = Number(Field(Field(&obj, "metadata"), "generation"));
    if (!generation || *generation != *observed) {
      return {Code::kProgressing, std::string(kNotObserved)};
    }
  }
  const yaml::Node* conds = Field(status, "conditions");
  if (conds == nullptr || (!conds->IsMap() && !conds->IsSeq())) {
    return ScriptError("bad argument #1 to 'for iterator' (table expected, got " +
                       std::string(conds == nullptr ? "nil" : "no table") + ")");
  }
  if (conds->IsSeq()) {
    for (const yaml::Node& c : conds->items) {
      if (!c.IsMap()) continue;
      std::optional<std::string> type = Str(Field(&c, "type"));
      std::optional<std::string> reason = Str(Field(&c, "reason"));
      std::string message = Str(Field(&c, "message")).value_or("");
      if (type == "InvalidSpec") return {Code::kDegraded, message};
      if (type == "Progressing" &&
          (reason == "RolloutAborted" || reason == "ProgressDeadlineExceeded")) {
        return {Code::kDegraded, message};
      }
    }
  }
  if (const yaml::Node* pc = Field(status, "pauseConditions");
      pc != nullptr && pc->IsSeq() && !pc->items.empty()) {
    return {Code::kSuspended, "Rollout is paused"};
  }
  if (spec == nullptr) return ScriptError("attempt to index a nil value (field 'spec')");
  if (Truthy(Field(spec, "paused"))) return {Code::kSuspended, "Rollout is paused"};

  const yaml::Node* pod_hash = Field(status, "currentPodHash");
  if (pod_hash == nullptr) {
    return {Code::kProgressing, "Waiting for rollout to finish: status has not been reconciled."};
  }
  auto number_or = [](const yaml::Node* n, double dflt) -> std::optional<double> {
    if (n == nullptr) return dflt;
    return Number(n);
  };
  std::optional<double> desired = number_or(Field(spec, "replicas"), 1);
  std::optional<double> replicas = number_or(Field(status, "replicas"), 0);
  std::optional<double> updated = number_or(Field(status, "updatedReplicas"), 0);
  std::optional<double> available = number_or(Field(status, "availableReplicas"), 0);
  if (!desired || !replicas || !updated || !available) {
    return ScriptError("attempt to compare number with non-number replica counts");
  }
  if (*updated < *desired) {
    return {Code::kProgressing, "Waiting for roll out to finish: More replicas need to be updated"};
  }
  if (*available < *updated) {
    return {Code::kProgressing,
            "Waiting for roll out to finish: updated replicas are still becoming available"};
  }

  // status.stableRS, or the pre-v0.8 status.canary.stableRS, or "".
  const yaml::Node* stable = Field(status, "stableRS");
  if (stable == nullptr) stable = Field(Field(status, "canary"), "stableRS");
  yaml::Node empty = yaml::Node::String("");
  if (stable == nullptr) stable = &empty;

  const yaml::Node* strategy = Field(spec, "strategy");
  if (strategy == nullptr) return ScriptError("attempt to index a nil value (field 'strategy')");
  if (Field(strategy, "blueGreen") != nullptr) {
    const yaml::Node* bg = Field(status, "blueGreen");
    if (bg == nullptr || !Equal(Field(bg, "activeSelector"), pod_hash)) {
      return {Code::kProgressing, "active service cutover pending"};
    }
    if (!Equal(stable, &empty) && !Equal(stable, pod_hash)) {
      return {Code::kProgressing, "waiting for analysis to complete"};
    }
  } else if (Field(strategy, "canary") != nullptr) {
    if (*replicas > *updated) {
      return {Code::kProgressing,
              "Waiting for roll out to finish: old replicas are pending termination"};
    }
    if (Equal(stable, &empty) || !Equal(stable, pod_hash)) {
      return {Code::kProgressing, "Waiting for rollout to finish steps"};
    }
  }
  return {Code::kHealthy, ""};
}

}  // namespace capstan::health::internal
