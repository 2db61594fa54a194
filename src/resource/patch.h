// The three patch algorithms Kubernetes and Kustomize use.
//
// All functions are pure: they return a new document and throw PatchError
// (one line naming the path and the reason) when the patch cannot apply.
#ifndef CAPSTAN_RESOURCE_PATCH_H_
#define CAPSTAN_RESOURCE_PATCH_H_

#include <stdexcept>
#include <string>
#include <string_view>

#include "resource/resource.h"
#include "resource/schema.h"
#include "yaml/node.h"

namespace capstan::resource {

class PatchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// RFC 7386 JSON merge patch: null deletes, mappings merge, the rest replaces.
yaml::Node ApplyMergePatch(const yaml::Node& target, const yaml::Node& patch);

// RFC 6902 JSON patch (add, remove, replace, move, copy, test). `patch` is a
// sequence of operation mappings.
yaml::Node ApplyJsonPatch(const yaml::Node& target, const yaml::Node& patch);

// Strategic merge patch as kubectl/kustomize apply it: lists with a merge
// key merge by key, `$patch: delete|replace|merge`, `$retainKeys`,
// `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`; patch
// metadata comes from `schema` (built-in kinds compiled in, plus custom
// OpenAPI documents). Kinds without schema merge like JSON merge patch.
yaml::Node ApplyStrategicMergePatch(const yaml::Node& target, const yaml::Node& patch,
                                    const Schema& schema = Schema::BuiltIn());

// Computes the strategic merge patch that turns `original` into `modified`
// (kubectl's two-way diff), for the client and the cluster.
yaml::Node CreateTwoWayMergePatch(const yaml::Node& original, const yaml::Node& modified,
                                  const Schema& schema = Schema::BuiltIn());

}  // namespace capstan::resource

#endif  // CAPSTAN_RESOURCE_PATCH_H_
