// Server-side apply and field ownership (metadata.managedFields, FieldsV1),
// as kube-apiserver's structured-merge-diff does it.
//
// A field set is the set of paths an applied configuration (or an update)
// sets; paths use the FieldsV1 element syntax ("f:spec", "k:{\"name\":\"x\"}",
// "."). Which lists are tracked and merged per item comes from the schema
// (src/resource/schema.h), the same one the diff and strategic merge use: a
// list with `x-kubernetes-list-type: map` is keyed by its
// `x-kubernetes-list-map-keys` (containers by name, ports by
// containerPort+protocol, ...); every other list, and every list of a kind
// the schema does not know (a CRD without a registered schema), is atomic.
// Lists of type `set` are atomic too (structured-merge-diff tracks them per
// value: not done yet).
#ifndef CAPSTAN_CLUSTER_SERVER_SIDE_APPLY_H_
#define CAPSTAN_CLUSTER_SERVER_SIDE_APPLY_H_

#include <set>
#include <string>
#include <vector>

#include "resource/schema.h"
#include "yaml/node.h"

namespace capstan::cluster {

using FieldPath = std::vector<std::string>;
using FieldSet = std::set<FieldPath>;

// Paths set by `obj` (apiVersion/kind and system metadata excluded; status
// excluded unless `with_status`); its type from its apiVersion and kind.
FieldSet FieldsOf(const yaml::Node& obj, bool with_status = false,
                  const resource::Schema& schema = resource::Schema::BuiltIn());
yaml::Node ToFieldsV1(const FieldSet& s);
FieldSet FromFieldsV1(const yaml::Node& fields);

// The value a path points at in `obj`, or nullptr.
const yaml::Node* Lookup(const yaml::Node& obj, const FieldPath& path);
// Removes the field/item a path points at (no-op when absent).
void RemovePath(yaml::Node& obj, const FieldPath& path);
// Merges an applied configuration into `live`: maps merge, lists of type map
// merge by their keys, everything else is replaced.
void MergeApplied(yaml::Node& live, const yaml::Node& config,
                  const resource::Schema& schema = resource::Schema::BuiltIn());

struct ApplyConflict {
  std::string manager, api_version, path;  // path like ".spec.replicas"
};

struct ApplyResult {
  yaml::Node object;
  std::vector<ApplyConflict> conflicts;  // non-empty = refused (unless force)
};

// Server-side apply of `config` by `manager` onto `live` (null when absent).
ApplyResult ServerSideApply(const yaml::Node& live, const yaml::Node& config,
                            const std::string& manager, bool force, const std::string& now,
                            const resource::Schema& schema = resource::Schema::BuiltIn());
// Records an ordinary (non-apply) write by `manager`: it takes ownership of
// the fields it changed.
void TrackUpdate(const yaml::Node& old, yaml::Node& obj, const std::string& manager,
                 const std::string& subresource, const std::string& now,
                 const resource::Schema& schema = resource::Schema::BuiltIn());
// ".spec.template.spec.containers[name=\"x\"].image" for messages.
std::string PathString(const FieldPath& p);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_SERVER_SIDE_APPLY_H_
