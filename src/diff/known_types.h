// What the diff knows about Kubernetes built-in types: which kinds are
// "known" (in client-go's type registry, so compared by strategic merge),
// how their lists merge, and what the typed re-encoding and the API
// defaulting functions do to them.
//
// This is a hand-kept subset of the Go types: the fields that decide a diff
// in practice (pod templates, workloads, services, webhooks, RBAC). Fields it
// does not describe are compared as plain data: lists atomically, scalars
// as written.
#ifndef CAPSTAN_DIFF_KNOWN_TYPES_H_
#define CAPSTAN_DIFF_KNOWN_TYPES_H_

#include <string>
#include <string_view>
#include <vector>

#include "resource/resource.h"
#include "yaml/node.h"

namespace capstan::diff {

using resource::Gvk;

// Kinds of client-go's scheme (any served or deprecated version).
bool IsKnownKind(const Gvk& gvk);

// Patch metadata of a list field. `path` holds the mapping keys from the
// object root to the list (list indices left out), e.g.
// {"spec","template","spec","containers"}.
struct ListMeta {
  bool merge = false;      // patchStrategy merge; otherwise atomic
  std::string merge_key;   // empty for a merged list of scalars
};
ListMeta ListMetaFor(const Gvk& gvk, const std::vector<std::string_view>& path);

// The typed decode + encode of remarshal (SPEC 2.1.2): canonical quantities,
// empty optional lists/maps and zero-valued optional scalars dropped, null
// creationTimestamp removed from embedded metadata. Returns false, leaving
// `obj` untouched, when the object would not decode strictly into its type
// (an unknown top-level/metadata field, a wrong scalar type, a bad quantity).
bool TypedRemarshal(yaml::Node& obj, const Gvk& gvk);

// True when a lenient (non-strict) decode into the Go type succeeds: no
// wrongly typed value among the fields this table knows.
bool DecodesLeniently(const yaml::Node& obj, const Gvk& gvk);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_KNOWN_TYPES_H_
