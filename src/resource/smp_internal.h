// The two strategic merge patch implementations behind patch.h.
#ifndef CAPSTAN_RESOURCE_SMP_INTERNAL_H_
#define CAPSTAN_RESOURCE_SMP_INTERNAL_H_

#include <string>
#include <string_view>

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

// Patch metadata of one field, with "retainKeys" split out of the strategy.
struct Meta {
  Schema::TypeRef type = nullptr;  // map type, or element type of a list
  std::string strategy;            // "merge", "replace" or "" (retainKeys stripped)
  bool retain_keys = false;
  std::string merge_key;
};
Meta FieldMeta(const Schema& schema, Schema::TypeRef type, std::string_view field);

// Same JSON value (numbers by value, maps ignoring key order).
bool JsonEq(const yaml::Node& a, const yaml::Node& b);

// Go type of a decoded JSON value, for "types differ -> replace".
int GoType(const yaml::Node& n);

}  // namespace capstan::resource::internal

#endif  // CAPSTAN_RESOURCE_SMP_INTERNAL_H_
