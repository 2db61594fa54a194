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

// Schema type of a kind for the apimachinery flavour: like Schema::TypeFor,
// but retired versions kubectl still knows (apps/v1beta2 Deployment, ...)
// map to the current one.
Schema::TypeRef TypeForOldVersions(const Schema& schema, const Gvk& gvk);

}  // namespace capstan::resource::internal

#endif  // CAPSTAN_RESOURCE_SMP_INTERNAL_H_
