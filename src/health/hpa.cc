// autoscaling HorizontalPodAutoscaler v1, v2beta1, v2beta2, v2 (SPEC.md §3.10).
#include <strings.h>

#include <exception>

#include "health/builtin.h"
#include "yaml/yaml.h"

namespace capstan::health::internal {

namespace {

constexpr std::string_view kConditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions";

// Go's encoding/json matches object keys to struct fields case-insensitively,
// preferring an exact match.
const yaml::Node* GetFold(const yaml::Node& m, std::string_view key) {
  if (const yaml::Node* exact = m.Get(key)) return exact;
  for (const yaml::Field& f : m.fields) {
    if (f.key.value.size() == key.size() &&
        strncasecmp(f.key.value.data(), key.data(), key.size()) == 0) {
      return &f.value;
    }
  }
  return nullptr;
}

// Decodes the v1 conditions annotation; false with `error` set when it is not
// a JSON array of condition objects.
bool ParseAnnotationConditions(const std::string& text, std::vector<Condition>* out,
                               std::string* error) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    *error = "unexpected end of JSON input";
    return false;
  }
  yaml::Node doc;
  try {
    doc = yaml::ParseJson(text, kConditionsAnnotation);
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
  if (doc.IsNull()) return true;
  if (!doc.IsSeq()) {
    *error = "json: cannot unmarshal non-array into []HorizontalPodAutoscalerCondition";
    return false;
  }
  for (const yaml::Node& item : doc.items) {
    if (item.IsNull()) {
      out->push_back({});
      continue;
    }
    if (!item.IsMap()) {
      *error = "json: cannot unmarshal non-object into HorizontalPodAutoscalerCondition";
      return false;
    }
    Condition c;
    for (auto [key, dst] : {std::pair{"type", &c.type}, std::pair{"status", &c.status},
                            std::pair{"reason", &c.reason}, std::pair{"message", &c.message}}) {
      const yaml::Node* v = GetFold(item, key);
      if (v == nullptr || v->IsNull()) continue;
      if (!v->IsString()) {
        *error = std::string("json: cannot unmarshal non-string into condition field ") + key;
        return false;
      }
      *dst = v->value;
    }
    out->push_back(std::move(c));
  }
  return true;
}

}  // namespace

HealthStatus HpaHealth(const yaml::Node& obj, const Gvk& gvk) {
  bool v1 = gvk.version == "v1";
  if (!v1 && gvk.version != "v2beta1" && gvk.version != "v2beta2" && gvk.version != "v2") {
    return UnsupportedGvk("HPA", gvk);
  }
  Decoder d;
  d.Metadata(obj);
  const yaml::Node* spec = d.Map(&obj, "spec", ".spec");
  d.OptInt(spec, "minReplicas", ".spec.minReplicas");
  d.Int(spec, "maxReplicas", ".spec.maxReplicas");
  const yaml::Node* st = d.Map(&obj, "status", ".status");
  d.Int(st, "currentReplicas", ".status.currentReplicas");
  d.Int(st, "desiredReplicas", ".status.desiredReplicas");
  std::vector<Condition> conds;
  if (v1) {
    d.OptInt(spec, "targetCPUUtilizationPercentage", ".spec.targetCPUUtilizationPercentage");
  } else {
    conds = d.Conditions(st, "conditions", ".status.conditions");
  }
  if (d.failed()) return DecodeFailed("HPA", d);

  if (v1) {
    const yaml::Node* ann = obj.At({"metadata", "annotations"});
    const yaml::Node* text = ann != nullptr ? ann->Get(kConditionsAnnotation) : nullptr;
    if (text == nullptr) return {Code::kProgressing, "Waiting to Autoscale"};
    std::string error;
    if (!ParseAnnotationConditions(text->value, &conds, &error)) {
      return {Code::kUnknown, "failed to convert conditions annotation to typed: " + error};
    }
  }

  for (const Condition& c : conds) {
    bool degraded = (c.type == "AbleToScale" &&
                     (c.reason == "FailedGetScale" || c.reason == "FailedUpdateScale")) ||
                    (c.type == "ScalingActive" &&
                     (c.reason == "FailedGetResourceMetric" || c.reason == "InvalidSelector"));
    if (degraded) return {Code::kDegraded, c.message};
    if ((c.type == "AbleToScale" || c.type == "ScalingLimited") && c.status == "True") {
      return {Code::kHealthy, c.message};
    }
  }
  return {Code::kProgressing, "Waiting to Autoscale"};
}

}  // namespace capstan::health::internal
