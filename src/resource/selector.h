// Label and field selectors as the API server parses them
// (k8s.io/apimachinery/pkg/labels and pkg/fields), written once: the local
// cluster's list/watch, its controllers, and kustomize's target selectors
// (labelSelector, annotationSelector) use it.
#ifndef CAPSTAN_RESOURCE_SELECTOR_H_
#define CAPSTAN_RESOURCE_SELECTOR_H_

#include <string>
#include <utility>
#include <vector>

#include "yaml/node.h"

namespace capstan::resource {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct Requirement {
  enum Op { kEq, kNotEq, kIn, kNotIn, kExists, kNotExists } op = kEq;
  std::string key;
  std::vector<std::string> values;
};

class Selector {
 public:
  // Label selector syntax ("a=b,c in (x,y),!d"). Throws std::invalid_argument
  // with the API server's message on bad syntax.
  static Selector ParseLabels(const std::string& text);
  // Field selector syntax ("metadata.name=x,status.phase!=Running").
  static Selector ParseFields(const std::string& text);
  // A matchLabels/matchExpressions LabelSelector object.
  static Selector FromLabelSelector(const yaml::Node& sel);

  bool Matches(const KeyValues& kv) const;
  bool Empty() const { return reqs_.empty(); }
  const std::vector<Requirement>& requirements() const { return reqs_; }

 private:
  std::vector<Requirement> reqs_;
  bool absent_is_empty_ = false;  // field selectors: a missing field reads as ""
};

}  // namespace capstan::resource

#endif  // CAPSTAN_RESOURCE_SELECTOR_H_
