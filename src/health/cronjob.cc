// Health of batch CronJob, ported from Argo CD's
// resource_customizations/batch/CronJob/health.lua.
#include <optional>
#include <string>

#include "health/lua_values.h"

namespace capstan::health::internal {

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

}  // namespace capstan::health::internal
