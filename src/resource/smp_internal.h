// The two strategic merge patch implementations behind patch.h.
#ifndef CAPSTAN_RESOURCE_SMP_INTERNAL_H_
#define CAPSTAN_RESOURCE_SMP_INTERNAL_H_

#include "resource/schema.h"
#include "yaml/node.h"

namespace capstan::resource::internal {

// kyaml merge2 semantics (kustomize build). Returns a null node when the
// patch deletes the whole object.
yaml::Node KustomizeStrategicMerge(const yaml::Node& target, const yaml::Node& patch, const Schema& schema);

// k8s.io/apimachinery strategicpatch semantics (API server, kubectl patch).
yaml::Node ApiMachineryStrategicMerge(const yaml::Node& target, const yaml::Node& patch, const Schema& schema);

}  // namespace capstan::resource::internal

#endif  // CAPSTAN_RESOURCE_SMP_INTERNAL_H_
