// Dotted field paths of replacements and vars:
//   spec.template.spec.containers.[name=app].image
//   spec.ports.0.port   spec.containers[0].image   metadata.labels.*
#ifndef CAPSTAN_KUSTOMIZE_FIELDPATH_H_
#define CAPSTAN_KUSTOMIZE_FIELDPATH_H_

#include <string>
#include <string_view>
#include <vector>

#include "yaml/node.h"

namespace capstan::kustomize {

// Splits on '.' outside brackets; "a[0]" becomes "a", "0".
std::vector<std::string> SplitDotPath(std::string_view path);
// Every node the path reaches (wildcards and [k=v] may reach several).
std::vector<yaml::Node*> FindPath(yaml::Node& root, const std::vector<std::string>& path);
// Reaches the path creating missing mapping fields and [k=v] elements;
// nullptr when an existing scalar is in the way.
yaml::Node* CreatePath(yaml::Node& root, const std::vector<std::string>& path);

}  // namespace capstan::kustomize

#endif  // CAPSTAN_KUSTOMIZE_FIELDPATH_H_
