#include "diff/normalize.h"

#include <algorithm>
#include <string>
#include <vector>

#include "base/base64.h"
#include "diff/known_types.h"
#include "diff/value.h"

namespace capstan::diff {

using yaml::Node;

void Remarshal(Node& obj) {
  Canonicalize(obj);
  Gvk gvk = Gvk::Of(obj);
  if (IsKnownKind(gvk)) TypedRemarshal(obj, gvk);
}

void NormalizeSecret(Node& obj) {
  if (!obj.IsMap()) return;
  Gvk gvk = Gvk::Of(obj);
  if (!gvk.group.empty() || gvk.kind != "Secret") return;
  const Node* sd = obj.Get("stringData");
  if (sd && sd->IsMap()) {
    Node copy = *sd;  // obj.Set below may move the field
    const Node* string_data = &copy;
    Node* data = obj.Get("data");
    if (!data || !data->IsMap()) data = &obj.Set("data", Node::Map());
    for (const auto& f : string_data->fields) {
      if (f.value.IsString())
        data->Set(f.key.value, Node::String(base::Base64Encode(f.value.value)));
      else
        data->Set(f.key.value, f.value);
    }
    obj.Remove("stringData");
  }
  // Typed decode of the result: every data value must be base64 text or null.
  Node* data = obj.Get("data");
  if (!data || !data->IsMap()) return;
  std::string decoded;
  for (const auto& f : data->fields) {
    JType t = TypeOf(f.value);
    if (t == JType::kNull) continue;
    if (t != JType::kString || !base::Base64Decode(f.value.value, &decoded)) return;
  }
  for (auto& f : data->fields)
    if (TypeOf(f.value) == JType::kNull) f.value = Node::String("");
}

namespace {

void NormalizeRole(Node& obj, bool ignore_aggregated_roles) {
  if (ignore_aggregated_roles) {
    const Node* aggr = obj.Get("aggregationRule");
    if (aggr && aggr->IsMap()) obj.Set("rules", Node::Null());
  }
  Node* rules = obj.Get("rules");
  if (rules && rules->IsSeq() && rules->items.empty()) *rules = Node::Null();
}

bool EndpointsDecode(const Node& obj) {
  const Node* subsets = obj.Get("subsets");
  if (!subsets || TypeOf(*subsets) == JType::kNull) return true;
  if (!subsets->IsSeq()) return false;
  for (const auto& s : subsets->items) {
    if (!s.IsMap()) return false;
    for (auto key : {"addresses", "notReadyAddresses", "ports"}) {
      const Node* list = s.Get(key);
      if (!list || TypeOf(*list) == JType::kNull) continue;
      if (!list->IsSeq()) return false;
      for (const auto& item : list->items)
        if (!item.IsMap()) return false;
    }
    if (const Node* ports = s.Get("ports"); ports && ports->IsSeq()) {
      for (const auto& p : ports->items) {
        const Node* port = p.Get("port");
        if (port && TypeOf(*port) != JType::kNumber) return false;
        const Node* proto = p.Get("protocol");
        if (proto && TypeOf(*proto) != JType::kString && TypeOf(*proto) != JType::kNull) return false;
      }
    }
  }
  return true;
}

void SortBy(Node* list, bool by_ip) {
  if (!list || !list->IsSeq()) return;
  std::vector<std::pair<std::string, Node>> keyed;
  keyed.reserve(list->items.size());
  for (auto& item : list->items) {
    std::string key = by_ip ? item.StrAt({"ip"}) + "\n" + SortedJson(item) : SortedJson(item);
    keyed.emplace_back(std::move(key), std::move(item));
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](auto& a, auto& b) { return a.first < b.first; });
  list->items.clear();
  for (auto& k : keyed) list->items.push_back(std::move(k.second));
}

void NormalizeEndpoints(Node& obj) {
  if (!EndpointsDecode(obj)) return;
  Node* subsets = obj.Get("subsets");
  if (!subsets || !subsets->IsSeq()) return;
  for (auto& s : subsets->items) {
    if (Node* ports = s.Get("ports"); ports && ports->IsSeq()) {
      for (auto& p : ports->items) {
        const Node* proto = p.Get("protocol");
        if (!proto || TypeOf(*proto) == JType::kNull || proto->value.empty())
          p.Set("protocol", Node::String("TCP"));
      }
    }
    SortBy(s.Get("addresses"), true);
    SortBy(s.Get("notReadyAddresses"), true);
    SortBy(s.Get("ports"), false);
  }
  SortBy(subsets, false);
}

}  // namespace

void NormalizeKnown(Node& obj, bool ignore_aggregated_roles) {
  if (!obj.IsMap()) return;
  if (Node* meta = obj.Get("metadata"); meta && meta->IsMap()) meta->Remove("creationTimestamp");
  Gvk gvk = Gvk::Of(obj);
  if (gvk.group.empty() && gvk.kind == "Secret") {
    NormalizeSecret(obj);
  } else if (gvk.group == "rbac.authorization.k8s.io" &&
             (gvk.kind == "ClusterRole" || gvk.kind == "Role")) {
    NormalizeRole(obj, ignore_aggregated_roles);
  } else if (gvk.group.empty() && gvk.kind == "Endpoints") {
    NormalizeEndpoints(obj);
  }
}

}  // namespace capstan::diff
