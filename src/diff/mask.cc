// Display masking of Secret values (gitops-engine HideSecretData): every
// value becomes a run of '+', one length per distinct value of a key across
// desired, live and last-applied (8, 12, 16, ...), so a reader still sees
// which values are equal without seeing any of them.
#include "diff/mask.h"

#include <map>
#include <set>
#include <string>

#include "diff/diff.h"
#include "diff/known_types.h"
#include "diff/normalize.h"
#include "diff/value.h"
#include "yaml/yaml.h"

namespace capstan::diff {

using yaml::Node;

namespace {

constexpr std::string_view kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

bool IsSecret(const Node* obj) {
  if (!obj || !obj->IsMap()) return false;
  Gvk gvk = Gvk::Of(*obj);
  return gvk.group.empty() && gvk.kind == "Secret";
}

std::string ValueText(const Node& v) {
  if (TypeOf(v) == JType::kNull) return "";
  if (v.IsMap() || v.IsSeq()) return SortedJson(v);
  return v.value;
}

// Masks the values of mapping `field` ("data" or "stringData") of each object.
void MaskField(std::string_view field, const std::vector<Node*>& objs) {
  std::set<std::string> keys;
  for (Node* o : objs) {
    if (!o) continue;
    Node* data = o->Get(field);
    if (!data) continue;
    if (!data->IsMap()) {
      // Not a mapping at all: hide it whole.
      if (TypeOf(*data) != JType::kNull) *data = Node::String("++++++++");
      continue;
    }
    for (const auto& f : data->fields) keys.insert(f.key.value);
  }
  for (const auto& key : keys) {
    std::string next = "++++++++";
    std::map<std::string, std::string> replacement;
    for (Node* o : objs) {
      if (!o) continue;
      Node* data = o->Get(field);
      if (!data || !data->IsMap()) continue;
      Node* v = data->Get(key);
      if (!v) continue;
      std::string text = ValueText(*v);
      auto it = replacement.find(text);
      if (it == replacement.end()) {
        it = replacement.emplace(text, next).first;
        next += "++++";
      }
      *v = Node::String(it->second);
    }
  }
}

Node* Annotations(Node* obj) {
  if (!obj) return nullptr;
  Node* meta = obj->Get("metadata");
  if (!meta || !meta->IsMap()) return nullptr;
  Node* ann = meta->Get("annotations");
  return ann && ann->IsMap() ? ann : nullptr;
}

}  // namespace

void MaskSecrets(Node* desired, Node* live, Node* orig) {
  if (!IsSecret(desired) && !IsSecret(live)) return;
  std::vector<Node*> objs = {IsSecret(desired) ? desired : nullptr, IsSecret(live) ? live : nullptr,
                             orig && orig->IsMap() ? orig : nullptr};
  MaskField("data", objs);
  MaskField("stringData", objs);
  // The last-applied annotation carries the values too: replace it by the
  // masked last-applied object, or hide it whole.
  std::string masked_orig = objs[2] ? yaml::EmitJson(*objs[2]) : "++++++++";
  for (Node* o : {objs[0], objs[1]}) {
    if (Node* ann = Annotations(o)) {
      if (Node* la = ann->Get(kLastApplied)) *la = Node::String(masked_orig);
    }
  }
}

void HideSecretData(Node* desired, Node* live) {
  Node orig;
  bool have_orig = false;
  if (live && IsSecret(live)) {
    if (Node* ann = Annotations(live)) {
      if (const Node* la = ann->Get(kLastApplied); la && la->IsString()) {
        try {
          orig = yaml::ParseJson(la->value, "last-applied-configuration");
          have_orig = orig.IsMap();
        } catch (const std::exception&) {
        }
      }
    }
  }
  if (desired && IsSecret(desired)) NormalizeSecret(*desired);
  if (live && IsSecret(live)) NormalizeSecret(*live);
  if (have_orig) NormalizeSecret(orig);
  MaskSecrets(desired, live, have_orig ? &orig : nullptr);
}

}  // namespace capstan::diff
