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
// The flavour `kustomize build` applies (evanphx/json-patch v5): a null
// parent counts as an empty object, and `replace` of a key missing from an
// existing object sets it. Other paths that do not exist are errors as in
// the strict form.
yaml::Node ApplyJsonPatchKustomize(const yaml::Node& target, const yaml::Node& patch);

// Strategic merge patch comes in two flavours that really differ:
//
// kKustomize — what `kustomize build` does for patchesStrategicMerge and
//   `patches:` (kyaml merge2). Lists with patch strategy merge: the patch's
//   elements first in patch order, then the target's other elements in
//   target order (kubectl kustomize: env [B,A] + patch [C,A] = [C,A,B]).
//   Elements match on x-kubernetes-list-map-keys when the schema has them
//   (container ports: containerPort+protocol). `$patch: delete|replace|merge`
//   on maps and list elements; `$setElementOrder`, `$retainKeys` and
//   `$deleteFromPrimitiveList` are NOT interpreted (kustomize copies them to
//   the output like plain fields). Kinds without schema: lists replaced.
//   A top-level `$patch: delete` returns a null node (object removed).
//
// kApiServer — k8s.io/apimachinery strategicpatch, as the API server applies
//   PATCH (application/strategic-merge-patch+json) and kubectl patch/apply
//   compute: merged lists keep the live order with patch items interleaved
//   (env [B,A] + patch [C,A] = [C,B,A]); honours `$setElementOrder/<field>`,
//   `$retainKeys`, `$deleteFromPrimitiveList/<field>`, `$patch` directives;
//   matches on the single patch merge key; null deletes; nulls inside newly
//   added values are dropped.
enum class SmpFlavor { kKustomize, kApiServer };

struct SmpOptions {
  SmpFlavor flavor = SmpFlavor::kKustomize;
};

// Patch metadata comes from `schema` (built-in kinds compiled in, plus custom
// OpenAPI documents).
//
// Without options: kKustomize, except that a patch carrying
// `$setElementOrder/`, `$retainKeys` or `$deleteFromPrimitiveList/` keys
// (only kubectl-computed patches have them; kustomize would copy them into
// the object verbatim) is applied as kApiServer. Pass options to choose.
yaml::Node ApplyStrategicMergePatch(const yaml::Node& target, const yaml::Node& patch,
                                    const Schema& schema = Schema::BuiltIn());
yaml::Node ApplyStrategicMergePatch(const yaml::Node& target, const yaml::Node& patch,
                                    const Schema& schema, const SmpOptions& options);

// Computes the strategic merge patch that turns `original` into `modified`
// (apimachinery CreateTwoWayMergePatch, for the client and the cluster):
// removed fields become null, merge-key lists get `$patch: delete` entries
// and a `$setElementOrder/<field>` list, primitive merge lists get
// `$deleteFromPrimitiveList/<field>`, retainKeys fields get `$retainKeys`.
// Applying the result with SmpFlavor::kApiServer to `original` gives
// `modified`. Without schema (custom kinds) this is a JSON merge patch diff.
// An empty mapping means "no change".
yaml::Node CreateTwoWayMergePatch(const yaml::Node& original, const yaml::Node& modified,
                                  const Schema& schema = Schema::BuiltIn());

}  // namespace capstan::resource

#endif  // CAPSTAN_RESOURCE_PATCH_H_
