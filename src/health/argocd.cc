// Health checks Argo CD defines in Lua instead of gitops-engine, re-implemented
// natively from the behaviour of its scripts (resource_customizations/
// argoproj.io/Rollout/health.lua, batch/CronJob/health.lua) and of the
// argoproj.io/Application snippet in Argo CD's health documentation.
//
// The scripts see the object as Lua tables: a missing field is nil, JSON
// false stays false, and indexing or comparing the wrong type is a script
// error, which Argo CD reports as Unknown with the error text. The helpers
// below keep those semantics.
#include <optional>
#include <string>

#include "health/builtin.h"

namespace capstan::health::internal {

namespace {

// Lua's view of a field: nil for absent or null.
const yaml::Node* Field(const yaml::Node* parent, std::string_view key) {
  if (parent == nullptr || !parent->IsMap()) return nullptr;
  const yaml::Node* v = parent->Get(key);
  return (v == nullptr || v->IsNull()) ? nullptr : v;
}

std::optional<double> Number(const yaml::Node* n) {
  if (n == nullptr || !n->IsNumber()) return std::nullopt;
  return n->IsInt() ? static_cast<double>(n->AsInt()) : n->AsFloat();
}

// Lua's tonumber on a string or number.
std::optional<double> ToNumber(const yaml::Node* n) {
  if (n == nullptr) return std::nullopt;
  if (n->IsNumber()) return Number(n);
  if (!n->IsScalar() || n->IsBool()) return std::nullopt;
  const std::string& s = n->value;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (s.empty() || end == s.c_str()) return std::nullopt;
  while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r') ++end;
  if (*end != '\0') return std::nullopt;
  return d;
}

bool Truthy(const yaml::Node* n) { return n != nullptr && !(n->IsBool() && !n->AsBool()); }

HealthStatus ScriptError(std::string_view what) {
  return {Code::kUnknown, std::string(what)};
}

// Lua's string of a field, or nullopt when absent or not a string.
std::optional<std::string> Str(const yaml::Node* n) {
  if (n == nullptr || !n->IsScalar() || n->IsBool() || n->IsNumber()) return std::nullopt;
  return n->value;
}

bool Equal(const yaml::Node* a, const yaml::Node* b) {
  if (a == nullptr || b == nullptr) return a == b;
  if (a->IsNumber() && b->IsNumber()) return *Number(a) == *Number(b);
  if (a->IsBool() != b->IsBool() || a->IsNumber() != b->IsNumber()) return false;
  if (!a->IsScalar() || !b->IsScalar()) return a == b;  // tables compare by identity
  return a->value == b->value;
}

}  // namespace

CheckFn FindArgoCdBuiltin(std::string_view group, std::string_view kind) {
  if (group == "argoproj.io" && kind == "Rollout") return RolloutHealth;
  if (group == "argoproj.io" && kind == "Application") return ApplicationHealth;
  if (group == "batch" && kind == "CronJob") return CronJobHealth;
  return nullptr;
}

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

HealthStatus CronJobHealth(const yaml::Node& obj, const Gvk&) {
  const yaml::Node* spec = Field(&obj, "spec");
  if (spec == nullptr) return ScriptError("attempt to index a nil value (field 'spec')");
  if (const yaml::Node* s = Field(spec, "suspend"); s != nullptr && s->IsBool() && s->AsBool()) {
    return {Code::kSuspended, "CronJob is Suspended"};
  }
  const yaml::Node* status = Field(&obj, "status");
  if (status == nullptr) return {Code::kProgressing, "Waiting for CronJob"};
  if (const yaml::Node* active = Field(status, "active");
      active != nullptr && active->IsSeq() && !active->items.empty()) {
    return {Code::kProgressing,
            "Waiting for " + std::to_string(active->items.size()) + " Jobs to complete"};
  }
  std::string message;
  if (const yaml::Node* scheduled = Field(status, "lastScheduleTime")) {
    const yaml::Node* succeeded = Field(status, "lastSuccessfulTime");
    // RFC 3339 UTC timestamps compare correctly as text.
    if (succeeded == nullptr || succeeded->value < scheduled->value) {
      return {Code::kDegraded, "CronJob has not completed its last execution successfully"};
    }
    message = "CronJob has completed its last execution successfully";
  }
  return {Code::kHealthy, message};
}

HealthStatus ApplicationHealth(const yaml::Node& obj, const Gvk&) {
  const yaml::Node* health = Field(Field(&obj, "status"), "health");
  if (health == nullptr) return {Code::kProgressing, ""};
  std::optional<std::string> status = Str(Field(health, "status"));
  std::optional<Code> code = status ? ParseCode(*status) : std::nullopt;
  if (!code) return {Code::kUnknown, "Lua returned an invalid health status"};
  return {*code, Str(Field(health, "message")).value_or("")};
}

}  // namespace capstan::health::internal
