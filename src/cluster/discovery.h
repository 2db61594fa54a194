// Discovery documents: /api, /apis, /apis/<g>, /apis/<g>/<v>, /api/v1, in
// both the legacy form and the aggregated apidiscovery.k8s.io/v2 form.
#ifndef CAPSTAN_CLUSTER_DISCOVERY_H_
#define CAPSTAN_CLUSTER_DISCOVERY_H_

#include <optional>
#include <string>

#include "cluster/resources.h"
#include "yaml/node.h"

namespace capstan::cluster {

yaml::Node ApiVersions(const std::string& server_address);
yaml::Node ApiGroupList(const Registry& reg);
std::optional<yaml::Node> ApiGroup(const Registry& reg, const std::string& group);
std::optional<yaml::Node> ApiResourceList(const Registry& reg, const std::string& group,
                                          const std::string& version);
// legacy=true: the core group (/api); false: every named group (/apis).
yaml::Node AggregatedDiscovery(const Registry& reg, bool legacy);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_DISCOVERY_H_
