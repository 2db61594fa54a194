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

// kustomize decides scope by apiVersion+kind in the OpenAPI data it embeds
// (Kubernetes 1.21.2): an apiVersion/kind pair not in that data is
// namespaced, so FlowSchema in flowcontrol.apiserver.k8s.io/v1 (newer than
// 1.21) gets a namespace and so does a custom kind named Namespace. The
// table is what `kubectl kustomize` (v5.5) leaves without a namespace.
// An id with no version (a partial reference) falls back to the kind.
bool IsClusterScoped(const ResId& id) {
  struct Entry {
    std::string_view group, versions, kinds;
  };
  static const Entry kTable[] = {
      {"", "v1", "ComponentStatus Namespace Node PersistentVolume"},
      {"admissionregistration.k8s.io", "v1 v1beta1", "MutatingWebhookConfiguration ValidatingWebhookConfiguration"},
      {"apiextensions.k8s.io", "v1 v1beta1", "CustomResourceDefinition"},
      {"apiregistration.k8s.io", "v1 v1beta1", "APIService"},
      {"certificates.k8s.io", "v1 v1beta1", "CertificateSigningRequest"},
      {"flowcontrol.apiserver.k8s.io", "v1beta1", "FlowSchema PriorityLevelConfiguration"},
      {"networking.k8s.io", "v1 v1beta1", "IngressClass"},
      {"node.k8s.io", "v1 v1beta1", "RuntimeClass"},
      {"policy", "v1beta1", "PodSecurityPolicy"},
      {"rbac.authorization.k8s.io", "v1 v1beta1", "ClusterRole ClusterRoleBinding"},
      {"scheduling.k8s.io", "v1 v1beta1", "PriorityClass"},
      {"storage.k8s.io", "v1 v1beta1", "CSIDriver CSINode StorageClass VolumeAttachment"},
  };
  auto has_word = [](std::string_view list, std::string_view w) {
    while (!list.empty()) {
      size_t sp = list.find(' ');
      if (list.substr(0, sp) == w) return true;
      if (sp == std::string_view::npos) break;
      list.remove_prefix(sp + 1);
    }
    return false;
  };
  const auto& g = id.gvk;
  for (const Entry& e : kTable) {
    if (!has_word(e.kinds, g.kind)) continue;
    if (g.version.empty()) return true;
    if (e.group == g.group && has_word(e.versions, g.version)) return true;
  }
  return false;
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
