#include "diff/known_types.h"

#include <set>
#include <utility>

#include "diff/value.h"

namespace capstan::diff {

using yaml::Node;

Gvk GvkOf(const Node& obj) {
  Gvk g;
  std::string api = obj.StrAt({"apiVersion"});
  size_t slash = api.find('/');
  if (slash == std::string::npos) {
    g.version = api;
  } else {
    g.group = api.substr(0, slash);
    g.version = api.substr(slash + 1);
  }
  g.kind = obj.StrAt({"kind"});
  return g;
}

namespace {

struct GroupKinds {
  std::string_view group;
  std::vector<std::string_view> versions;
  std::vector<std::string_view> kinds;
};

// client-go kubernetes/scheme: the groups and kinds it registers. Versions
// are listed per group; a kind is accepted in any listed version of its
// group (close enough: configs use real versions).
const std::vector<GroupKinds>& Registry() {
  static const std::vector<GroupKinds> kRegistry = {
      {"", {"v1"},
       {"Pod", "Service", "Endpoints", "ConfigMap", "Secret", "ServiceAccount", "Namespace", "Node",
        "PersistentVolume", "PersistentVolumeClaim", "ReplicationController", "ResourceQuota",
        "LimitRange", "Event", "PodTemplate", "Binding", "ComponentStatus"}},
      {"apps", {"v1", "v1beta1", "v1beta2"},
       {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision"}},
      {"extensions", {"v1beta1"},
       {"Deployment", "DaemonSet", "ReplicaSet", "Ingress", "NetworkPolicy"}},
      {"batch", {"v1", "v1beta1"}, {"Job", "CronJob"}},
      {"autoscaling", {"v1", "v2", "v2beta1", "v2beta2"}, {"HorizontalPodAutoscaler"}},
      {"rbac.authorization.k8s.io", {"v1", "v1beta1", "v1alpha1"},
       {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}},
      {"networking.k8s.io", {"v1", "v1beta1", "v1alpha1"},
       {"NetworkPolicy", "Ingress", "IngressClass", "IPAddress", "ServiceCIDR"}},
      {"policy", {"v1", "v1beta1"}, {"PodDisruptionBudget", "Eviction"}},
      {"admissionregistration.k8s.io", {"v1", "v1beta1", "v1alpha1"},
       {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
        "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding"}},
      {"storage.k8s.io", {"v1", "v1beta1", "v1alpha1"},
       {"StorageClass", "VolumeAttachment", "CSIDriver", "CSINode", "CSIStorageCapacity",
        "VolumeAttributesClass"}},
      {"scheduling.k8s.io", {"v1", "v1beta1", "v1alpha1"}, {"PriorityClass"}},
      {"coordination.k8s.io", {"v1", "v1beta1"}, {"Lease"}},
      {"discovery.k8s.io", {"v1", "v1beta1"}, {"EndpointSlice"}},
      {"node.k8s.io", {"v1", "v1beta1", "v1alpha1"}, {"RuntimeClass"}},
      {"certificates.k8s.io", {"v1", "v1beta1"}, {"CertificateSigningRequest"}},
      {"events.k8s.io", {"v1", "v1beta1"}, {"Event"}},
      {"flowcontrol.apiserver.k8s.io", {"v1", "v1beta1", "v1beta2", "v1beta3"},
       {"FlowSchema", "PriorityLevelConfiguration"}},
  };
  return kRegistry;
}

bool PathIs(const std::vector<std::string_view>& path,
            std::initializer_list<std::string_view> want) {
  if (path.size() != want.size()) return false;
  size_t i = 0;
  for (auto w : want)
    if (path[i++] != w) return false;
  return true;
}

bool Contains(const std::vector<std::string_view>& path, std::string_view key) {
  for (auto p : path)
    if (p == key) return true;
  return false;
}

}  // namespace

bool IsKnownKind(const Gvk& gvk) {
  for (const auto& g : Registry()) {
    if (g.group != gvk.group) continue;
    bool version_ok = false;
    for (auto v : g.versions) version_ok |= v == gvk.version;
    if (!version_ok) return false;
    for (auto k : g.kinds)
      if (k == gvk.kind) return true;
    return false;
  }
  return false;
}

ListMeta ListMetaFor(const Gvk& gvk, const std::vector<std::string_view>& path) {
  if (path.empty()) return {};
  std::string_view last = path.back();
  std::string_view parent = path.size() >= 2 ? path[path.size() - 2] : std::string_view();
  auto keyed = [](std::string key) { return ListMeta{true, std::move(key)}; };

  // ObjectMeta (top level, and embedded template metadata).
  if (parent == "metadata") {
    if (last == "finalizers") return ListMeta{true, ""};
    if (last == "ownerReferences") return keyed("uid");
    return {};
  }
  // PodSpec.
  if (last == "containers" || last == "initContainers" || last == "ephemeralContainers")
    return keyed("name");
  if (last == "volumes" && parent == "spec") return keyed("name");
  if (last == "imagePullSecrets") return keyed("name");
  if (last == "hostAliases") return keyed("ip");
  if (last == "topologySpreadConstraints") return keyed("topologyKey");
  if (last == "schedulingGates") return keyed("name");
  if (last == "resourceClaims" && parent == "spec") return keyed("name");
  // Container (parent is the container list's key; indices are not in path).
  if (parent == "containers" || parent == "initContainers" || parent == "ephemeralContainers") {
    if (last == "env") return keyed("name");
    if (last == "ports") return keyed("containerPort");
    if (last == "volumeMounts") return keyed("mountPath");
    if (last == "volumeDevices") return keyed("devicePath");
    return {};
  }
  // Kind-specific top-level lists.
  if (gvk.group.empty() && gvk.kind == "Service" && PathIs(path, {"spec", "ports"}))
    return keyed("port");
  if (gvk.group.empty() && gvk.kind == "ServiceAccount" && PathIs(path, {"secrets"}))
    return keyed("name");
  if (gvk.group == "admissionregistration.k8s.io" && PathIs(path, {"webhooks"}))
    return keyed("name");
  if (last == "conditions" && Contains(path, "status")) return keyed("type");
  return {};
}

}  // namespace capstan::diff
