// Health of apiregistration.k8s.io APIService (v1, v1beta1): by the Available condition.
#include "health/builtin.h"

namespace capstan::health::internal {

HealthStatus ApiServiceHealth(const yaml::Node& obj, const Gvk& gvk) {
  if (gvk.version != "v1" && gvk.version != "v1beta1") return UnsupportedGvk("APIService", gvk);
  Decoder d;
  d.Metadata(obj);
  const yaml::Node* spec = d.Map(&obj, "spec", ".spec");
  d.Str(spec, "group", ".spec.group");
  d.Str(spec, "version", ".spec.version");
  d.Int(spec, "groupPriorityMinimum", ".spec.groupPriorityMinimum");
  d.Int(spec, "versionPriority", ".spec.versionPriority");
  d.Bool(spec, "insecureSkipTLSVerify", ".spec.insecureSkipTLSVerify");
  const yaml::Node* st = d.Map(&obj, "status", ".status");
  std::vector<Condition> conds = d.Conditions(st, "conditions", ".status.conditions");
  if (d.failed()) return DecodeFailed("APIService", d);
  for (const Condition& c : conds) {
    if (c.type != "Available") continue;
    return {c.status == "True" ? Code::kHealthy : Code::kProgressing, c.reason + ": " + c.message};
  }
  return {Code::kProgressing, "Waiting to be processed"};
}

}  // namespace capstan::health::internal
