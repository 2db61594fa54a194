// Resource ids, namespace equality and small node helpers.
#include <set>

#include "kustomize/internal.h"
#include "yaml/yaml.h"

namespace capstan::kustomize {

void Fail(const std::string& message) { throw Error(message); }

ResId Resource::CurId() const {
  ResId id;
  id.gvk = Gvk::Of(obj);
  id.name = Name();
  id.ns = Namespace();
  return id;
}

std::vector<ResId> Resource::AllIds() const {
  std::vector<ResId> out{CurId()};
  out.insert(out.end(), prev_ids.begin(), prev_ids.end());
  return out;
}

void Resource::SetName(const std::string& n) { obj.GetOrCreateMap("metadata").Set("name", Str(n)); }

void Resource::SetNamespace(const std::string& ns) {
  Node& md = obj.GetOrCreateMap("metadata");
  if (ns.empty()) {
    md.Remove("namespace");
  } else {
    md.Set("namespace", Str(ns));
  }
}

bool NsEquals(const std::string& a, const std::string& b) {
  auto eff = [](const std::string& s) -> const std::string& {
    static const std::string kDefault = "default";
    return s.empty() ? kDefault : s;
  };
  return eff(a) == eff(b);
}

// Kinds kustomize treats as cluster-scoped (its built-in OpenAPI data);
// every other kind, custom ones included, is namespaced.
bool IsClusterScoped(const ResId& id) {
  // Kubernetes 1.21 (the OpenAPI data kustomize v5.5 embeds): newer
  // cluster-scoped kinds such as ValidatingAdmissionPolicy count as namespaced.
  static const std::set<std::string, std::less<>> kinds = {
      "APIService", "CSIDriver", "CSINode", "CertificateSigningRequest", "ClusterRole",
      "ClusterRoleBinding", "ComponentStatus", "CustomResourceDefinition", "FlowSchema",
      "IngressClass", "MutatingWebhookConfiguration", "Namespace", "Node", "PersistentVolume",
      "PodSecurityPolicy", "PriorityClass", "PriorityLevelConfiguration", "RuntimeClass",
      "SelfSubjectAccessReview", "SelfSubjectRulesReview", "StorageClass", "SubjectAccessReview",
      "TokenReview", "ValidatingWebhookConfiguration", "VolumeAttachment"};
  return kinds.count(id.gvk.kind) > 0;
}

bool IdEquals(const ResId& a, const ResId& b) {
  if (!(a.gvk == b.gvk) || a.name != b.name) return false;
  if (IsClusterScoped(a)) return true;
  return NsEquals(a.ns, b.ns);
}

bool GvkSelects(const Gvk& want, const Gvk& have) {
  return (want.group.empty() || want.group == have.group) &&
         (want.version.empty() || want.version == have.version) &&
         (want.kind.empty() || want.kind == have.kind);
}

std::string IdKey(const ResId& id) {
  std::string ns = IsClusterScoped(id) ? "" : id.ns.empty() ? "default" : id.ns;
  return id.gvk.group + "|" + id.gvk.version + "|" + id.gvk.kind + "|" + ns + "|" + id.name;
}

std::string IdString(const ResId& id) {
  std::string s = id.gvk.kind.empty() ? "<no kind>" : id.gvk.kind;
  if (!id.ns.empty()) s += "/" + id.ns;
  s += "/" + id.name;
  return s;
}

Node Str(std::string_view s) { return Node::String(s); }

static std::string Ref(const std::string& indent, const std::string& api, const std::string& kind,
                       const std::string& name, const std::string& ns) {
  std::string s = indent + "apiVersion: " + api + "\n" + indent + "kind: " + kind + "\n";
  if (!name.empty()) s += indent + "name: " + name + "\n";
  if (!ns.empty()) s += indent + "namespace: " + ns + "\n";
  return s;
}

std::string ConfiguredOrigin(const std::string& configured_in, const std::string& api,
                             const std::string& kind, const std::string& name, const std::string& ns) {
  return "configuredIn: " + configured_in + "\nconfiguredBy:\n" + Ref("  ", api, kind, name, ns);
}

void RecordTransformation(ResList& res, const std::string& configured_in, const std::string& api,
                          const std::string& kind, const std::string& name, const std::string& ns) {
  std::string entry = "- configuredIn: " + configured_in + "\n  configuredBy:\n" + Ref("    ", api, kind, name, ns);
  for (auto& r : res) r.transformations += entry;
}

std::string ScalarText(const Node& n) { return n.IsScalar() ? n.value : std::string(); }

}  // namespace capstan::kustomize
