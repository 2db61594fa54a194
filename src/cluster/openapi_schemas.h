// OpenAPI schemas of the built-in kinds, made from the compiled-in protobuf
// schema (proto_schema.h) and its comments: what `kubectl explain` reads
// from /openapi/v3 (components.schemas, "#/components/schemas/" refs) and
// /openapi/v2 (definitions). Names are kube-apiserver's
// ("io.k8s.api.apps.v1.Deployment").
#ifndef CAPSTAN_CLUSTER_OPENAPI_SCHEMAS_H_
#define CAPSTAN_CLUSTER_OPENAPI_SCHEMAS_H_

#include <string>
#include <utility>
#include <vector>

#include "yaml/node.h"

namespace capstan::cluster {

struct OpenApiKind {
  std::string group, version, kind;
};

// Schemas of `kinds` and every type they reach, keyed by name; refs point
// under `ref_prefix` ("#/components/schemas/" or "#/definitions/").
// Kinds without a protobuf message (custom resources) are skipped.
yaml::Node OpenApiSchemas(const std::vector<OpenApiKind>& kinds, const std::string& ref_prefix);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_OPENAPI_SCHEMAS_H_
