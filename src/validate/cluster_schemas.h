// Schemas of a live cluster (`capstan validate --from-cluster`).
#ifndef CAPSTAN_VALIDATE_CLUSTER_SCHEMAS_H_
#define CAPSTAN_VALIDATE_CLUSTER_SCHEMAS_H_

#include <memory>

#include "validate/validate.h"

namespace capstan::kube {
class Client;
}

namespace capstan::validate {

// GET /openapi/v3/<api/v1|apis/g/v> per group-version, when first needed.
std::unique_ptr<Schemas> SchemasFromCluster(std::shared_ptr<kube::Client> client);

}  // namespace capstan::validate

#endif  // CAPSTAN_VALIDATE_CLUSTER_SCHEMAS_H_
