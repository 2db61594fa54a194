// v1 Service, Ingress, v1 PersistentVolumeClaim, APIService, Argo Workflow
// (SPEC.md §3.7-3.9, 3.11, 3.12).
#include "health/builtin.h"

namespace capstan::health::internal {

namespace {

// status.loadBalancer.ingress is a non-empty list; entries are not inspected.
bool HasIngress(const yaml::Node& obj) {
  const yaml::Node* ing = obj.At({"status", "loadBalancer", "ingress"});
  return ing != nullptr && ing->IsSeq() && !ing->items.empty();
}

}  // namespace

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

HealthStatus IngressHealth(const yaml::Node& obj, const Gvk& gvk) {
  // Any version, no decoding: a missing or non-list value counts as empty.
  return {HasIngress(obj) ? Code::kHealthy : Code::kProgressing, ""};
}

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
