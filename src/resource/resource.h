// Kubernetes objects as capstan sees them: a YAML node with an identity.
#ifndef CAPSTAN_RESOURCE_RESOURCE_H_
#define CAPSTAN_RESOURCE_RESOURCE_H_

#include <string>
#include <string_view>
#include <vector>

#include "yaml/node.h"

namespace capstan::resource {

// Group/version/kind. Core group is "". The one place capstan splits an
// apiVersion: kustomize, diff, health, kube and cluster all use this.
struct Gvk {
  std::string group, version, kind;
  // "apps/v1" -> {apps, v1}; "v1" -> {"", v1}.
  static Gvk FromApiVersion(std::string_view api_version, std::string_view kind);
  // From an object's apiVersion and kind (missing or non-scalar: empty).
  static Gvk Of(const yaml::Node& obj);
  std::string ApiVersion() const;  // "v1" or "apps/v1"
  bool operator==(const Gvk&) const = default;
};

// Identity of one object: GVK plus namespace and name.
struct ResId {
  Gvk gvk;
  std::string ns, name;
  static ResId Of(const yaml::Node& obj);
  // "apps/v1/Deployment/ns/name" style, for messages and maps.
  std::string String() const;
  bool operator==(const ResId&) const = default;
};

// True for kinds that live outside namespaces (Namespace, ClusterRole, CRD,
// PersistentVolume, ...) among the built-in kinds.
bool IsClusterScoped(const Gvk& gvk);

// REST path of a group version: "/api/v1" (core group) or "/apis/apps/v1".
std::string ApiPath(std::string_view group, std::string_view version);
// REST path of a resource collection, or of one object when `name` is set:
// ApiPath + "/namespaces/<ns>" (when `ns` is set) + "/<plural>" + "/<name>"
// + "/<subresource>". `ns` and `name` are used as given (callers escape).
std::string ResourcePath(std::string_view group, std::string_view version, std::string_view plural,
                         std::string_view ns = "", std::string_view name = "",
                         std::string_view subresource = "");

}  // namespace capstan::resource

#endif  // CAPSTAN_RESOURCE_RESOURCE_H_
