#include "health/builtin.h"

namespace capstan::health::internal {

Gvk ParseGvk(const yaml::Node& obj) {
  Gvk g;
  if (const yaml::Node* av = obj.Get("apiVersion"); av != nullptr && av->IsScalar()) {
    std::string_view s = av->value;
    size_t slash = s.find('/');
    if (slash == std::string_view::npos) {
      g.version = s;
    } else {
      g.group = s.substr(0, slash);
      g.version = s.substr(slash + 1);
    }
  }
  if (const yaml::Node* k = obj.Get("kind"); k != nullptr && k->IsScalar()) g.kind = k->value;
  return g;
}

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

HealthStatus UnsupportedGvk(std::string_view what, const Gvk& gvk) {
  return {Code::kUnknown, "unsupported " + std::string(what) + " GVK: " + std::string(gvk.group) +
                              "/" + std::string(gvk.version) + ", Kind=" + std::string(gvk.kind)};
}

HealthStatus DecodeFailed(std::string_view what, const Decoder& d) {
  return {Code::kUnknown,
          "failed to convert unstructured " + std::string(what) + " to typed: " + d.error()};
}

}  // namespace capstan::health::internal
