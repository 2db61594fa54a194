// Health of Argo Workflow (argoproj.io): by status.phase.
#include <string>

#include "health/builtin.h"

namespace capstan::health::internal {

HealthStatus WorkflowHealth(const yaml::Node& obj, const Gvk& gvk) {
  // Not decoded: fields of another type read as "" (unstructured.NestedString).
  auto str_at = [&](std::string_view key) -> std::string {
    const yaml::Node* v = obj.At({"status", key});
    return (v != nullptr && v->IsString()) ? v->value : std::string();
  };
  std::string phase = str_at("phase");
  std::string message = str_at("message");
  if (phase.empty() || phase == "Pending" || phase == "Running") {
    return {Code::kProgressing, message};
  }
  if (phase == "Succeeded") return {Code::kHealthy, message};
  if (phase == "Failed" || phase == "Error") return {Code::kDegraded, message};
  return {Code::kUnknown, message};
}

}  // namespace capstan::health::internal
