// --from-cluster: the API server's /openapi/v3 documents, fetched on demand.
#include "kube/client.h"
#include "validate/cluster_schemas.h"

namespace capstan::validate {

std::unique_ptr<Schemas> SchemasFromCluster(std::shared_ptr<kube::Client> client) {
  std::string name = client->config().server + "/openapi/v3";
  Schemas::Fetch fetch = [client](const std::string& gv_path) -> std::optional<std::string> {
    kube::RawResponse r = client->Raw("GET", "/openapi/v3/" + gv_path, "", "", "application/json");
    if (r.status == 404) return std::nullopt;
    if (r.status < 200 || r.status >= 300)
      throw std::runtime_error("GET /openapi/v3/" + gv_path + ": HTTP " + std::to_string(r.status));
    return r.body;
  };
  return Schemas::FromFetch(std::move(fetch), name);
}

}  // namespace capstan::validate
