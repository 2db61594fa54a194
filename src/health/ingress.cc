// Health of Ingress (extensions, networking.k8s.io; any version).
#include "health/builtin.h"

namespace capstan::health::internal {

namespace {

// status.loadBalancer.ingress is a non-empty list; entries are not inspected.
bool HasIngress(const yaml::Node& obj) {
  const yaml::Node* ing = obj.At({"status", "loadBalancer", "ingress"});
  return ing != nullptr && ing->IsSeq() && !ing->items.empty();
}

}  // namespace

HealthStatus IngressHealth(const yaml::Node& obj, const Gvk& gvk) {
  // Any version, no decoding: a missing or non-list value counts as empty.
  return {HasIngress(obj) ? Code::kHealthy : Code::kProgressing, ""};
}

}  // namespace capstan::health::internal
