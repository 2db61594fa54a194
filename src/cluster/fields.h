// Server-side apply field ownership: metadata.managedFields (FieldsV1).
//
// A field set is the set of paths an applied configuration (or an update)
// sets; paths use the FieldsV1 element syntax ("f:spec", "k:{\"name\":\"x\"}",
// "v:value", "."). Lists whose items have a merge key (containers by name,
// ports by containerPort/port, conditions by type, ...) are tracked per item;
// other lists are atomic.
#ifndef CAPSTAN_CLUSTER_FIELDS_H_
#define CAPSTAN_CLUSTER_FIELDS_H_

#include <set>
#include <string>
#include <vector>

#include "yaml/node.h"

namespace capstan::cluster {

using FieldPath = std::vector<std::string>;
using FieldSet = std::set<FieldPath>;

// Paths set by `obj` (apiVersion/kind and system metadata excluded; status
// excluded unless `with_status`).
FieldSet FieldsOf(const yaml::Node& obj, bool with_status = false);
yaml::Node ToFieldsV1(const FieldSet& s);
FieldSet FromFieldsV1(const yaml::Node& fields);

// The value a path points at in `obj`, or nullptr.
const yaml::Node* Lookup(const yaml::Node& obj, const FieldPath& path);
// Removes the field/item a path points at (no-op when absent).
void RemovePath(yaml::Node& obj, const FieldPath& path);
// Merges an applied configuration into `live`: maps merge, keyed lists merge
// by key, everything else is replaced.
void MergeApplied(yaml::Node& live, const yaml::Node& config, const std::string& field = "");

struct ApplyConflict {
  std::string manager, api_version, path;  // path like ".spec.replicas"
};

struct ApplyResult {
  yaml::Node object;
  std::vector<ApplyConflict> conflicts;  // non-empty = refused (unless force)
};

// Server-side apply of `config` by `manager` onto `live` (null when absent).
ApplyResult ServerSideApply(const yaml::Node& live, const yaml::Node& config,
                            const std::string& manager, bool force, const std::string& now);
// Records an ordinary (non-apply) write by `manager`: it takes ownership of
// the fields it changed.
void TrackUpdate(const yaml::Node& old, yaml::Node& obj, const std::string& manager,
                 const std::string& subresource, const std::string& now);
// ".spec.template.spec.containers[name=\"x\"].image" for messages.
std::string PathString(const FieldPath& p);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_FIELDS_H_
