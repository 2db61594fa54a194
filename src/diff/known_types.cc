#include "diff/known_types.h"

#include <set>
#include <utility>

#include "diff/value.h"
#include "resource/schema.h"

namespace capstan::diff {

using yaml::Node;

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

namespace {
// The compiled-in schema is Kubernetes 1.32's; client-go's scheme also
// decodes older versions (apps/v1beta1, extensions/v1beta1) whose patch
// metadata is that of the version the kind lives in today.
Gvk SchemaGvk(const Gvk& gvk) {
  const resource::Schema& schema = resource::Schema::BuiltIn();
  if (schema.TypeFor(gvk) != nullptr) return gvk;
  Gvk g = gvk;
  if (g.group == "extensions") g.group = (g.kind == "Ingress" || g.kind == "NetworkPolicy") ? "networking.k8s.io" : "apps";
  for (const auto& known : Registry()) {
    if (known.group != g.group) continue;
    for (auto v : known.versions) {
      g.version = std::string(v);
      if (schema.TypeFor(g) != nullptr) return g;
    }
  }
  return gvk;
}
}  // namespace

ListMeta ListMetaFor(const Gvk& gvk, const std::vector<std::string_view>& path) {
  const resource::ListMeta* m = resource::Schema::BuiltIn().ListMetaAt(SchemaGvk(gvk), path);
  if (m == nullptr) return {};
  return ListMeta{m->strategy.find("merge") != std::string::npos, m->merge_key};
}

}  // namespace capstan::diff
