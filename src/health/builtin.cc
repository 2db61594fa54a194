#include "health/builtin.h"

namespace capstan::health::internal {

CheckFn FindBuiltin(std::string_view group, std::string_view kind) {
  if (group == "apps") {
    if (kind == "Deployment") return DeploymentHealth;
    if (kind == "StatefulSet") return StatefulSetHealth;
    if (kind == "DaemonSet") return DaemonSetHealth;
    if (kind == "ReplicaSet") return ReplicaSetHealth;
  } else if (group.empty()) {
    if (kind == "Pod") return PodHealth;
    if (kind == "Service") return ServiceHealth;
    if (kind == "PersistentVolumeClaim") return PvcHealth;
  } else if (group == "batch") {
    if (kind == "Job") return JobHealth;
  } else if (group == "autoscaling") {
    if (kind == "HorizontalPodAutoscaler") return HpaHealth;
  } else if (group == "extensions" || group == "networking.k8s.io") {
    if (kind == "Ingress") return IngressHealth;
  } else if (group == "apiregistration.k8s.io") {
    if (kind == "APIService") return ApiServiceHealth;
  } else if (group == "argoproj.io") {
    if (kind == "Workflow") return WorkflowHealth;
  }
  return nullptr;
}

// Argo CD's own checks (its Lua scripts, ported): rollout.cc, cronjob.cc,
// application.cc.
CheckFn FindArgoCdBuiltin(std::string_view group, std::string_view kind) {
  if (group == "argoproj.io" && kind == "Rollout") return RolloutHealth;
  if (group == "argoproj.io" && kind == "Application") return ApplicationHealth;
  if (group == "batch" && kind == "CronJob") return CronJobHealth;
  return nullptr;
}

HealthStatus UnsupportedGvk(std::string_view what, const Gvk& gvk) {
  return {Code::kUnknown, "unsupported " + std::string(what) + " GVK: " + std::string(gvk.group) +
                              "/" + std::string(gvk.version) + ", Kind=" + std::string(gvk.kind)};
}

HealthStatus DecodeFailed(std::string_view what, const Decoder& d) {
  return {Code::kUnknown,
          "failed to convert unstructured " + std::string(what) + " to typed: " + d.error()};
}

}  // namespace capstan::health::internal
