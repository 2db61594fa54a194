// Type-checks a built-in kind's JSON against its compiled-in schema
// (proto_schema.h) the way kube-apiserver's decoder does, answering 400
// "Deployment in version "v1" cannot be handled as a Deployment: json:
// cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas
// of type int32". Unknown fields are left alone (field validation is the
// client's choice); custom resources and kinds without a message pass.
#ifndef CAPSTAN_CLUSTER_SCHEMA_CHECK_H_
#define CAPSTAN_CLUSTER_SCHEMA_CHECK_H_

#include "cluster/resources.h"
#include "yaml/node.h"

namespace capstan::cluster {

// Throws ApiError (400) at the first value that does not fit its type.
void CheckBuiltInTypes(const ResourceInfo& r, const yaml::Node& obj);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_SCHEMA_CHECK_H_
