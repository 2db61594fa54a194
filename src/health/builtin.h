// gitops-engine's built-in checks, one per group/kind (SPEC.md §2-3).
#ifndef CAPSTAN_HEALTH_BUILTIN_H_
#define CAPSTAN_HEALTH_BUILTIN_H_

#include <string>
#include <string_view>

#include "health/decode.h"
#include "health/health.h"
#include "resource/resource.h"
#include "yaml/node.h"

namespace capstan::health::internal {

using resource::Gvk;

using CheckFn = HealthStatus (*)(const yaml::Node& obj, const Gvk& gvk);

// The check for a group/kind (version is ignored here), or nullptr.
CheckFn FindBuiltin(std::string_view group, std::string_view kind);

// Decimal text of a count, for messages.
inline std::string Num(int64_t v) { return std::to_string(v); }

// "unsupported <what> GVK: <group>/<version>, Kind=<kind>"
HealthStatus UnsupportedGvk(std::string_view what, const Gvk& gvk);
// "failed to convert unstructured <what> to typed: <error>"
HealthStatus DecodeFailed(std::string_view what, const Decoder& d);

HealthStatus DeploymentHealth(const yaml::Node& obj, const Gvk& gvk);
HealthStatus StatefulSetHealth(const yaml::Node& obj, const Gvk& gvk);
HealthStatus DaemonSetHealth(const yaml::Node& obj, const Gvk& gvk);
HealthStatus ReplicaSetHealth(const yaml::Node& obj, const Gvk& gvk);
HealthStatus PodHealth(const yaml::Node& obj, const Gvk& gvk);
HealthStatus JobHealth(const yaml::Node& obj, const Gvk& gvk);
HealthStatus PvcHealth(const yaml::Node& obj, const Gvk& gvk);
HealthStatus ServiceHealth(const yaml::Node& obj, const Gvk& gvk);
HealthStatus IngressHealth(const yaml::Node& obj, const Gvk& gvk);
HealthStatus HpaHealth(const yaml::Node& obj, const Gvk& gvk);
HealthStatus ApiServiceHealth(const yaml::Node& obj, const Gvk& gvk);
HealthStatus WorkflowHealth(const yaml::Node& obj, const Gvk& gvk);

// Argo CD's Lua-defined checks (Options::argocd_builtins), or nullptr.
CheckFn FindArgoCdBuiltin(std::string_view group, std::string_view kind);
HealthStatus RolloutHealth(const yaml::Node& obj, const Gvk& gvk);
HealthStatus CronJobHealth(const yaml::Node& obj, const Gvk& gvk);
HealthStatus ApplicationHealth(const yaml::Node& obj, const Gvk& gvk);

}  // namespace capstan::health::internal

#endif  // CAPSTAN_HEALTH_BUILTIN_H_
