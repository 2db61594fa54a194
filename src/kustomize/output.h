// The shape kustomize prints objects in: it serializes each object to JSON
// and back to YAML with go-yaml v2, which sorts mapping keys (in go-yaml's
// "natural" order: digit runs compare as numbers) and turns non-JSON
// scalars into their JSON meaning.
#ifndef CAPSTAN_KUSTOMIZE_OUTPUT_H_
#define CAPSTAN_KUSTOMIZE_OUTPUT_H_

#include <string_view>

#include "yaml/node.h"

namespace capstan::kustomize {

yaml::Node KustomizeOutputForm(yaml::Node obj);
// go-yaml v2's key order.
bool GoYamlKeyLess(std::string_view a, std::string_view b);

}  // namespace capstan::kustomize

#endif  // CAPSTAN_KUSTOMIZE_OUTPUT_H_
