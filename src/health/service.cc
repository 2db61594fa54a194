// Health of v1 Service: a LoadBalancer is healthy once it has an ingress.
#include <string>

#include "health/builtin.h"

namespace capstan::health::internal {

HealthStatus ServiceHealth(const yaml::Node& obj, const Gvk& gvk) {
  if (gvk.version != "v1") return UnsupportedGvk("Service", gvk);
  Decoder d;
  d.Metadata(obj);
  const yaml::Node* spec = d.Map(&obj, "spec", ".spec");
  std::string type = d.Str(spec, "type", ".spec.type");
  d.Str(spec, "clusterIP", ".spec.clusterIP");
  for (const yaml::Node* p : d.MapItems(spec, "ports", ".spec.ports")) {
    d.Str(p, "name", ".spec.ports[].name");
    d.Int(p, "port", ".spec.ports[].port");
    d.Int(p, "nodePort", ".spec.ports[].nodePort");
  }
  const yaml::Node* st = d.Map(&obj, "status", ".status");
  const yaml::Node* lb = d.Map(st, "loadBalancer", ".status.loadBalancer");
  std::vector<const yaml::Node*> ingress =
      d.MapItems(lb, "ingress", ".status.loadBalancer.ingress");
  if (d.failed()) return DecodeFailed("Service", d);
  if (type == "LoadBalancer") {
    return {ingress.empty() ? Code::kProgressing : Code::kHealthy, ""};
  }
  return {Code::kHealthy, ""};
}

}  // namespace capstan::health::internal
