// Internal: the checks on one decoded object.
#ifndef CAPSTAN_VALIDATE_CHECK_H_
#define CAPSTAN_VALIDATE_CHECK_H_

#include <vector>

#include "validate/schema_set.h"
#include "validate/validate.h"
#include "yaml/node.h"

namespace capstan::validate {

struct SchemaFindings {
  std::vector<Finding> unknown;  // decode errors (FieldUnknown): reported alone
  std::vector<Finding> other;
  size_t cel_rules = 0;          // x-kubernetes-validations met on the way (not evaluated)
};

// Walks `object` along `root`: types, required, enum, bounds, patterns,
// formats, list-type set/map, unknown fields. A null for a declared,
// non-nullable property counts as absent.
void CheckSchema(const yaml::Node& object, const Schema* root, bool yaml11, SchemaFindings* out);
// ObjectMeta name/generateName/namespace/label/annotation rules.
void CheckMetadata(const yaml::Node& object, const Schema* root, bool yaml11, std::vector<Finding>* out);
// The API server's own checks on a CustomResourceDefinition manifest
// (schema types), beyond its OpenAPI schema.
void CheckCrdManifest(const yaml::Node& crd, std::vector<Finding>* out);
// Mapping keys written twice (path of the later key).
void CheckDuplicateKeys(const yaml::Node& object, bool yaml11, std::vector<Finding>* out);

}  // namespace capstan::validate

#endif  // CAPSTAN_VALIDATE_CHECK_H_
