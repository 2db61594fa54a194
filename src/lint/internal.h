// Internal: the objects view the checks share, and the check functions.
#ifndef CAPSTAN_LINT_INTERNAL_H_
#define CAPSTAN_LINT_INTERNAL_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "lint/lint.h"
#include "yaml/node.h"

namespace capstan::lint {

// A pod template (or a Pod) inside an object.
struct PodTemplate {
  size_t object = 0;
  std::string ns;
  std::string kind, name;
  const yaml::Node* spec = nullptr;     // pod spec
  const yaml::Node* labels = nullptr;   // pod labels (may be null)
  std::string spec_path;                // "spec.template.spec"
};

struct Objects {
  const std::vector<yaml::Node>* all = nullptr;
  std::vector<PodTemplate> pods;
  std::string Namespace(size_t i) const;
  const yaml::Node& at(size_t i) const { return (*all)[i]; }
  std::string Kind(size_t i) const { return at(i).StrAt({"kind"}); }
  std::string Name(size_t i) const { return at(i).StrAt({"metadata", "name"}); }
  std::string ApiVersion(size_t i) const { return at(i).StrAt({"apiVersion"}); }
  // Indices of objects of this kind (any group), from an index built once.
  const std::vector<size_t>& OfKind(std::string_view kind) const;
  // ... of this kind in this namespace.
  const std::vector<size_t>& OfKindIn(std::string_view kind, const std::string& ns) const;
  // The pod template of an object, or nullptr.
  const PodTemplate* PodOf(size_t object) const;
  std::map<std::string, std::vector<size_t>, std::less<>> by_kind, by_kind_ns;
  std::vector<int> pod_index;  // object -> index into pods, -1 when none
};

// Reports one finding: (check, severity, object, path, message).
using Emit = std::function<void(const std::string& check, Severity severity, size_t object,
                                const std::string& path, const std::string& message)>;

// Label selector matching.
bool MapSelectorMatches(const yaml::Node* selector, const yaml::Node* labels);   // {k: v}
bool LabelSelectorMatches(const yaml::Node* selector, const yaml::Node* labels); // matchLabels/matchExpressions; null = nothing
bool IsEmptyLabelSelector(const yaml::Node* selector);
// A scalar as text (numbers too), "" when absent.
std::string Text(const yaml::Node* n);
int64_t IntOr(const yaml::Node* n, int64_t fallback);

void CheckContainers(const Objects& objects, const Emit& emit);   // container-*, environment-*, env migration
void CheckPods(const Objects& objects, const Emit& emit);         // pod-probes*, pod-networkpolicy
void CheckWorkloads(const Objects& objects, const Emit& emit);    // deployment-*, statefulset-*, PDB, cronjob
void CheckNetworking(const Objects& objects, const Emit& emit);   // service-*, ingress-*, networkpolicy-*, hpa
void CheckMeta(const Objects& objects, const Emit& emit);         // label-values, stable-version, configmap secrets

}  // namespace capstan::lint

#endif  // CAPSTAN_LINT_INTERNAL_H_
