// The API resources the server serves: the built-in table plus resources
// that CustomResourceDefinitions add at run time.
#ifndef CAPSTAN_CLUSTER_RESOURCES_H_
#define CAPSTAN_CLUSTER_RESOURCES_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "resource/schema.h"
#include "yaml/node.h"

namespace capstan::cluster {

struct PrinterColumn {
  std::string name, type, format, description, json_path;
  int priority = 0;
};

struct ResourceInfo {
  std::string group, version, plural, singular, kind, list_kind;
  bool namespaced = true;
  std::vector<std::string> short_names, categories;
  bool has_status = false, has_scale = false;
  bool custom = false;  // served from a CRD
  bool create_only = false;  // a review: POST answers, nothing is stored
  std::vector<PrinterColumn> columns;  // CRD additionalPrinterColumns
  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
  // "deployments.apps" / "pods": how error messages name the resource.
  std::string Qualified() const { return group.empty() ? plural : plural + "." + group; }
  // Storage key prefix: "<group>/<plural>".
  std::string StoreKey() const { return group + "/" + plural; }
};

class Registry {
 public:
  Registry();  // the built-in resources
  std::optional<ResourceInfo> Find(const std::string& group, const std::string& version,
                                   const std::string& plural) const;
  std::optional<ResourceInfo> FindKind(const std::string& group, const std::string& version,
                                       const std::string& kind) const;
  std::vector<ResourceInfo> All() const;
  // (Re)registers the resources a CRD object serves; Remove drops them.
  void AddCrd(const yaml::Node& crd);
  void RemoveCrd(const yaml::Node& crd);
  // Groups in discovery order, each with its versions (preferred first).
  std::vector<std::pair<std::string, std::vector<std::string>>> Groups() const;
  // The schema server-side apply keys lists by: the built-in types plus the
  // openAPIV3Schema of every registered CRD version (a CRD schema that the
  // schema loader rejects leaves that CRD's lists atomic).
  std::shared_ptr<const resource::Schema> ApplySchema() const;

 private:
  void RemoveResources(const yaml::Node& crd);  // mu_ held by the caller

  mutable std::mutex mu_;
  std::vector<ResourceInfo> resources_;
  std::map<std::string, yaml::Node> crd_schemas_;  // CRD name -> OpenAPI document
  mutable std::shared_ptr<const resource::Schema> schema_;
};

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_RESOURCES_H_
