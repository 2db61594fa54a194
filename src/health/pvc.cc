// Health of v1 PersistentVolumeClaim: by status.phase.
#include <string>

#include "health/builtin.h"

namespace capstan::health::internal {

HealthStatus PvcHealth(const yaml::Node& obj, const Gvk& gvk) {
  if (gvk.version != "v1") return UnsupportedGvk("PersistentVolumeClaim", gvk);
  Decoder d;
  d.Metadata(obj);
  const yaml::Node* spec = d.Map(&obj, "spec", ".spec");
  d.Str(spec, "volumeName", ".spec.volumeName");
  d.Str(spec, "storageClassName", ".spec.storageClassName");
  const yaml::Node* st = d.Map(&obj, "status", ".status");
  std::string phase = d.Str(st, "phase", ".status.phase");
  if (d.failed()) return DecodeFailed("PersistentVolumeClaim", d);
  if (phase == "Bound") return {Code::kHealthy, ""};
  if (phase == "Pending") return {Code::kProgressing, ""};
  if (phase == "Lost") return {Code::kDegraded, ""};
  return {Code::kUnknown, ""};
}

}  // namespace capstan::health::internal
