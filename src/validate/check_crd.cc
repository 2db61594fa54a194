// A subset of the API server's hand-written CustomResourceDefinition
// validation (apiextensions validation.go), for CRD manifests themselves:
// schema `type`s must be known. Paths name the internal form, as
// kube-apiserver and kubectl-validate print them: a schema shared by every
// version is hoisted to spec.validation.openAPIV3Schema.
#include <string>

#include "validate/check.h"
#include "validate/value.h"

namespace capstan::validate {
namespace {

constexpr int kMaxDepth = 128;

void WalkSchema(const yaml::Node& s, const std::string& path, std::vector<Finding>* out, int depth) {
  if (!s.IsMap() || depth > kMaxDepth) return;
  if (const yaml::Node* t = s.Get("type"); t != nullptr && t->IsScalar() && !t->value.empty()) {
    static constexpr std::string_view kTypes[] = {"array", "boolean", "integer", "number", "object", "string"};
    bool known = false;
    for (std::string_view k : kTypes) known |= t->value == k;
    if (!known)
      out->push_back({path + ".type", "FieldValueNotSupported",
                      "Unsupported value: " + GoValue(*t, false) +
                          ": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\""});
  }
  if (const yaml::Node* props = s.Get("properties"); props != nullptr && props->IsMap())
    for (const yaml::Field& f : props->fields)
      WalkSchema(f.value, path + ".properties[" + f.key.value + "]", out, depth + 1);
  for (const char* k : {"items", "additionalProperties", "not"})
    if (const yaml::Node* sub = s.Get(k)) WalkSchema(*sub, path + "." + k, out, depth + 1);
  for (const char* k : {"allOf", "anyOf", "oneOf"}) {
    const yaml::Node* list = s.Get(k);
    if (list == nullptr || !list->IsSeq()) continue;
    for (size_t i = 0; i < list->items.size(); ++i)
      WalkSchema(list->items[i], path + "." + k + "[" + std::to_string(i) + "]", out, depth + 1);
  }
}

}  // namespace

void CheckCrdManifest(const yaml::Node& crd, std::vector<Finding>* out) {
  const yaml::Node* versions = crd.At({"spec", "versions"});
  if (versions == nullptr || !versions->IsSeq()) return;
  const yaml::Node* first = nullptr;
  bool same = true;
  for (const yaml::Node& v : versions->items) {
    const yaml::Node* s = v.At({"schema", "openAPIV3Schema"});
    if (first == nullptr) first = s;
    else if (s == nullptr || first == nullptr || !(*s == *first)) same = false;
  }
  if (first != nullptr && same) {
    WalkSchema(*first, "spec.validation.openAPIV3Schema", out, 0);
    return;
  }
  for (size_t i = 0; i < versions->items.size(); ++i)
    if (const yaml::Node* s = versions->items[i].At({"schema", "openAPIV3Schema"}))
      WalkSchema(*s, "spec.versions[" + std::to_string(i) + "].schema.openAPIV3Schema", out, 0);
}

}  // namespace capstan::validate
