// Patch metadata of Kubernetes types: which lists merge by which key.
//
// The built-in table is compiled into the binary (generated once from the
// Kubernetes 1.32 OpenAPI documents by tools/gen_patch_meta.py), so
// rendering never needs the OpenAPI folder. Custom OpenAPI documents
// (kustomize's `openapi:` field, CRD schemas) extend it at run time.
#ifndef CAPSTAN_RESOURCE_SCHEMA_H_
#define CAPSTAN_RESOURCE_SCHEMA_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "resource/resource.h"
#include "yaml/node.h"

namespace capstan::resource {

// Patch metadata for one field that holds a list (or a map).
struct ListMeta {
  std::string strategy;                 // "merge", "replace", "retainKeys", "merge,retainKeys" or ""
  std::string merge_key;                // x-kubernetes-patch-merge-key
  std::vector<std::string> map_keys;    // x-kubernetes-list-map-keys
  std::string list_type;                // atomic | set | map | ""
};

// The list extensions of one OpenAPI schema (a field's schema):
// x-kubernetes-list-type and x-kubernetes-list-map-keys. The one parser of
// them, shared by the patch metadata here and validate's schemas.
struct ListExtensions {
  bool has_list_type = false;         // x-kubernetes-list-type present and a string
  std::string list_type;              // atomic | set | map | (anything else as written)
  bool has_map_keys = false;          // x-kubernetes-list-map-keys present and a list
  std::vector<std::string> map_keys;
  std::string error;                  // the first malformed one, e.g. "x-kubernetes-list-type is not a string"
};
ListExtensions ReadListExtensions(const yaml::Node& schema);

// A type in the schema: its fields and, for each, the type it holds.
class Schema {
 public:
  // Kubernetes 1.32 built-in types.
  static const Schema& BuiltIn();

  // An opaque handle to a type (object schema) in this schema.
  using TypeRef = const void*;

  // Type of the top-level object of this kind, or nullptr when unknown.
  TypeRef TypeFor(const Gvk& gvk) const;
  // Type of field `name` within `type` (for a list field: the element type).
  TypeRef FieldType(TypeRef type, std::string_view name) const;
  // Patch metadata of field `name` within `type`, nullptr when none.
  const ListMeta* FieldListMeta(TypeRef type, std::string_view name) const;

  // The metadata of the list at `path` in an object of kind `gvk`: the
  // mapping keys from the object root to the list, list indices left out
  // (e.g. {"spec","template","spec","containers"}). nullptr when the kind,
  // the path or the field's metadata is unknown (then: atomic / replace).
  // Strategic merge (kustomize, diff) reads strategy and merge_key;
  // server-side apply (cluster) reads list_type and map_keys
  // (x-kubernetes-list-type / x-kubernetes-list-map-keys).
  const ListMeta* ListMetaAt(const Gvk& gvk, const std::vector<std::string_view>& path) const;
  const ListMeta* ListMetaAt(const Gvk& gvk, const std::vector<std::string>& path) const;

  // Adds (or overrides, by definition name) types from an OpenAPI v2
  // ("definitions") or v3 ("components.schemas") document; kinds come from
  // x-kubernetes-group-version-kind. Throws std::runtime_error (one line
  // naming the definition) on bad input and then leaves the schema as it was.
  //
  // Note for kustomize's `openapi: {path: ...}`: kustomize REPLACES its
  // built-in schema with the custom document, so built-in kinds lose their
  // merge keys (kubectl kustomize: a Deployment patch adding a container then
  // replaces the containers list). To match, start from an empty Schema():
  //   Schema s; s.AddOpenApi(doc);
  void AddOpenApi(const yaml::Node& document);

  // An empty schema (no kinds): every list merges as replace.
  Schema();
  ~Schema();
  Schema(const Schema&);
  Schema& operator=(const Schema&);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace capstan::resource

#endif  // CAPSTAN_RESOURCE_SCHEMA_H_
