// Output order. kustomize's "legacy" order: kinds in a fixed order (Namespace
// first, webhooks last, the rest between), then by group/version/kind,
// namespace and name. sortOptions may give other first/last kind lists.
#include <algorithm>
#include <map>

#include "kustomize/internal.h"

namespace capstan::kustomize {

namespace {

const std::vector<std::string> kOrderFirst = {
    "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
    "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap",
    "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume",
    "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget"};
const std::vector<std::string> kOrderLast = {"MutatingWebhookConfiguration",
                                             "ValidatingWebhookConfiguration"};

std::string GvkString(const Gvk& g) {
  return (g.group.empty() ? "~G" : g.group) + "_" + (g.version.empty() ? "~V" : g.version) + "_" +
         (g.kind.empty() ? "~K" : g.kind);
}

std::vector<std::string> Strings(const Node* n) {
  std::vector<std::string> out;
  if (n && n->IsSeq())
    for (const auto& i : n->items) out.push_back(i.value);
  return out;
}

}  // namespace

void SortLegacy(ResList& res, const Node* legacy_options) {
  std::vector<std::string> first = kOrderFirst, last = kOrderLast;
  if (legacy_options && legacy_options->IsMap()) {
    first = Strings(legacy_options->Get("orderFirst"));
    last = Strings(legacy_options->Get("orderLast"));
  }
  std::map<std::string, int> order;
  for (size_t i = 0; i < first.size(); ++i) order[first[i]] = -static_cast<int>(first.size()) + static_cast<int>(i);
  for (size_t i = 0; i < last.size(); ++i) order[last[i]] = 1 + static_cast<int>(i);
  struct Key {
    int rank;
    std::string gvk, rest;
  };
  std::vector<std::pair<Key, size_t>> keys;
  for (size_t i = 0; i < res.size(); ++i) {
    ResId id = res[i].CurId();
    auto it = order.find(id.gvk.kind);
    Key k{it == order.end() ? 0 : it->second, GvkString(id.gvk),
          (id.ns.empty() ? "~X" : id.ns) + "|" + (id.name.empty() ? "~N" : id.name)};
    keys.push_back({std::move(k), i});
  }
  std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    if (a.first.gvk != b.first.gvk) {
      if (a.first.rank != b.first.rank) return a.first.rank < b.first.rank;
      return a.first.gvk < b.first.gvk;
    }
    return a.first.rest < b.first.rest;
  });
  ResList out;
  out.reserve(res.size());
  for (auto& [k, i] : keys) out.push_back(std::move(res[i]));
  res = std::move(out);
}

}  // namespace capstan::kustomize
