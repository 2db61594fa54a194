#include "cluster/resources.h"

#include <algorithm>

namespace capstan::cluster {
namespace {

ResourceInfo R(const char* group, const char* version, const char* plural, const char* kind,
               bool namespaced, std::vector<std::string> shorts = {},
               std::vector<std::string> cats = {}, bool status = false, bool scale = false) {
  ResourceInfo r;
  r.group = group;
  r.version = version;
  r.plural = plural;
  r.kind = kind;
  r.list_kind = std::string(kind) + "List";
  std::string singular = kind;
  std::transform(singular.begin(), singular.end(), singular.begin(), ::tolower);
  r.singular = singular;
  r.namespaced = namespaced;
  r.short_names = std::move(shorts);
  r.categories = std::move(cats);
  r.has_status = status;
  r.has_scale = scale;
  return r;
}

ResourceInfo Review(const char* group, const char* plural, const char* kind) {
  ResourceInfo r = R(group, "v1", plural, kind, false);
  r.create_only = true;
  return r;
}

std::vector<ResourceInfo> BuiltIns() {
  const bool ns = true, cl = false;
  return {
      R("", "v1", "configmaps", "ConfigMap", ns, {"cm"}),
      R("", "v1", "endpoints", "Endpoints", ns, {"ep"}),
      R("", "v1", "events", "Event", ns, {"ev"}),
      R("", "v1", "limitranges", "LimitRange", ns, {"limits"}),
      R("", "v1", "namespaces", "Namespace", cl, {"ns"}, {}, true),
      R("", "v1", "nodes", "Node", cl, {"no"}, {}, true),
      R("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", ns, {"pvc"}, {}, true),
      R("", "v1", "persistentvolumes", "PersistentVolume", cl, {"pv"}, {}, true),
      R("", "v1", "pods", "Pod", ns, {"po"}, {"all"}, true),
      R("", "v1", "resourcequotas", "ResourceQuota", ns, {"quota"}, {}, true),
      R("", "v1", "secrets", "Secret", ns),
      R("", "v1", "serviceaccounts", "ServiceAccount", ns, {"sa"}),
      R("", "v1", "services", "Service", ns, {"svc"}, {"all"}, true),
      R("apps", "v1", "controllerrevisions", "ControllerRevision", ns),
      R("apps", "v1", "daemonsets", "DaemonSet", ns, {"ds"}, {"all"}, true),
      R("apps", "v1", "deployments", "Deployment", ns, {"deploy"}, {"all"}, true, true),
      R("apps", "v1", "replicasets", "ReplicaSet", ns, {"rs"}, {"all"}, true, true),
      R("apps", "v1", "statefulsets", "StatefulSet", ns, {"sts"}, {"all"}, true, true),
      R("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", ns, {"hpa"},
        {"all"}, true),
      // `kubectl autoscale` writes autoscaling/v1; both versions share storage.
      R("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", ns, {"hpa"},
        {"all"}, true),
      Review("authorization.k8s.io", "selfsubjectaccessreviews", "SelfSubjectAccessReview"),
      Review("authorization.k8s.io", "selfsubjectrulesreviews", "SelfSubjectRulesReview"),
      R("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", ns),
      R("batch", "v1", "cronjobs", "CronJob", ns, {"cj"}, {"all"}, true),
      R("batch", "v1", "jobs", "Job", ns, {}, {"all"}, true),
      R("coordination.k8s.io", "v1", "leases", "Lease", ns),
      R("networking.k8s.io", "v1", "ingressclasses", "IngressClass", cl),
      R("networking.k8s.io", "v1", "ingresses", "Ingress", ns, {"ing"}, {}, true),
      R("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", ns, {"netpol"}),
      R("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", ns, {"pdb"}, {}, true),
      R("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", cl),
      R("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", cl),
      R("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", ns),
      R("rbac.authorization.k8s.io", "v1", "roles", "Role", ns),
      R("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", cl, {"pc"}),
      R("storage.k8s.io", "v1", "storageclasses", "StorageClass", cl, {"sc"}),
      R("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", cl,
        {"crd", "crds"}, {"api-extensions"}, true),
  };
}

std::vector<std::string> StrList(const yaml::Node* n) {
  std::vector<std::string> out;
  if (n && n->IsSeq())
    for (const auto& i : n->items) out.push_back(i.Str());
  return out;
}

}  // namespace

Registry::Registry() : resources_(BuiltIns()) {}

std::optional<ResourceInfo> Registry::Find(const std::string& group, const std::string& version,
                                           const std::string& plural) const {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& r : resources_)
    if (r.group == group && r.version == version && r.plural == plural) return r;
  return std::nullopt;
}

std::optional<ResourceInfo> Registry::FindKind(const std::string& group,
                                               const std::string& version,
                                               const std::string& kind) const {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& r : resources_)
    if (r.group == group && r.version == version && r.kind == kind) return r;
  return std::nullopt;
}

std::vector<ResourceInfo> Registry::All() const {
  std::lock_guard<std::mutex> l(mu_);
  return resources_;
}

namespace {

// An OpenAPI v3 document of a CRD's version schemas, each tagged with its
// group/version/kind; null when no version has a schema.
yaml::Node CrdOpenApi(const yaml::Node& crd) {
  std::string group = crd.StrAt({"spec", "group"}), kind = crd.StrAt({"spec", "names", "kind"});
  const yaml::Node* versions = crd.At({"spec", "versions"});
  if (group.empty() || kind.empty() || !versions || !versions->IsSeq()) return yaml::Node::Null();
  yaml::Node schemas = yaml::Node::Map();
  for (const auto& v : versions->items) {
    const yaml::Node* s = v.At({"schema", "openAPIV3Schema"});
    std::string version = v.StrAt({"name"});
    if (!s || !s->IsMap() || version.empty()) continue;
    yaml::Node def = *s;
    yaml::Node gvk = yaml::Node::Map();
    gvk.Set("group", yaml::Node::String(group));
    gvk.Set("version", yaml::Node::String(version));
    gvk.Set("kind", yaml::Node::String(kind));
    yaml::Node gvks = yaml::Node::Seq();
    gvks.items.push_back(gvk);
    def.Set("x-kubernetes-group-version-kind", gvks);
    schemas.Set("crd:" + group + "/" + version + "/" + kind, def);
  }
  if (schemas.fields.empty()) return yaml::Node::Null();
  yaml::Node doc = yaml::Node::Map();
  doc.GetOrCreateMap("components").Set("schemas", schemas);
  return doc;
}

void AddIfValid(resource::Schema& schema, const yaml::Node& doc) {
  try {
    schema.AddOpenApi(doc);
  } catch (const std::exception&) {
    // Left out: that CRD's lists stay atomic.
  }
}

}  // namespace

std::shared_ptr<const resource::Schema> Registry::ApplySchema() const {
  std::lock_guard<std::mutex> l(mu_);
  if (!schema_) schema_ = std::make_shared<const resource::Schema>(resource::Schema::BuiltIn());
  return schema_;
}

void Registry::AddCrd(const yaml::Node& crd) {
  yaml::Node doc = CrdOpenApi(crd);
  {
    std::lock_guard<std::mutex> l(mu_);
    RemoveResources(crd);
    if (!doc.IsNull()) {
      auto next = std::make_shared<resource::Schema>(schema_ ? *schema_ : resource::Schema::BuiltIn());
      AddIfValid(*next, doc);
      crd_schemas_[crd.StrAt({"metadata", "name"})] = doc;
      schema_ = std::move(next);
    }
  }
  const yaml::Node* spec = crd.Get("spec");
  if (!spec) return;
  std::string group = spec->StrAt({"group"});
  const yaml::Node* names = spec->Get("names");
  const yaml::Node* versions = spec->Get("versions");
  if (group.empty() || !names || !versions || !versions->IsSeq()) return;
  std::vector<ResourceInfo> add;
  for (const auto& v : versions->items) {
    const yaml::Node* served = v.Get("served");
    if (served && !served->AsBool(true) && served->Str() == "false") continue;
    ResourceInfo r;
    r.group = group;
    r.version = v.StrAt({"name"});
    r.plural = names->StrAt({"plural"});
    r.kind = names->StrAt({"kind"});
    r.singular = names->StrAt({"singular"});
    if (r.singular.empty()) {
      r.singular = r.kind;
      std::transform(r.singular.begin(), r.singular.end(), r.singular.begin(), ::tolower);
    }
    r.list_kind = names->StrAt({"listKind"}, r.kind + "List");
    r.namespaced = spec->StrAt({"scope"}, "Namespaced") != "Cluster";
    r.short_names = StrList(names->Get("shortNames"));
    r.categories = StrList(names->Get("categories"));
    r.has_status = v.At({"subresources", "status"}) != nullptr;
    r.has_scale = v.At({"subresources", "scale"}) != nullptr;
    r.custom = true;
    if (const yaml::Node* cols = v.Get("additionalPrinterColumns"); cols && cols->IsSeq()) {
      for (const auto& c : cols->items) {
        PrinterColumn pc;
        pc.name = c.StrAt({"name"});
        pc.type = c.StrAt({"type"}, "string");
        pc.format = c.StrAt({"format"});
        pc.description = c.StrAt({"description"});
        pc.json_path = c.StrAt({"jsonPath"});
        if (const yaml::Node* p = c.Get("priority")) pc.priority = static_cast<int>(p->AsInt());
        r.columns.push_back(pc);
      }
    }
    if (r.version.empty() || r.plural.empty() || r.kind.empty()) continue;
    // The storage version is the preferred one in discovery: keep it first.
    const yaml::Node* storage = v.Get("storage");
    if (storage && storage->Str() == "true")
      add.insert(add.begin(), r);
    else
      add.push_back(r);
  }
  std::lock_guard<std::mutex> l(mu_);
  for (auto& r : add) resources_.push_back(r);
}

void Registry::RemoveCrd(const yaml::Node& crd) {
  std::lock_guard<std::mutex> l(mu_);
  RemoveResources(crd);
  if (crd_schemas_.erase(crd.StrAt({"metadata", "name"}))) {
    auto next = std::make_shared<resource::Schema>(resource::Schema::BuiltIn());
    for (const auto& [name, doc] : crd_schemas_) AddIfValid(*next, doc);
    schema_ = std::move(next);
  }
}

void Registry::RemoveResources(const yaml::Node& crd) {
  std::string group = crd.StrAt({"spec", "group"});
  std::string plural = crd.StrAt({"spec", "names", "plural"});
  resources_.erase(std::remove_if(resources_.begin(), resources_.end(),
                                  [&](const ResourceInfo& r) {
                                    return r.custom && r.group == group && r.plural == plural;
                                  }),
                   resources_.end());
}

std::vector<std::pair<std::string, std::vector<std::string>>> Registry::Groups() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& r : resources_) {
    if (r.group.empty()) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](auto& p) { return p.first == r.group; });
    if (it == out.end()) {
      out.push_back({r.group, {r.version}});
    } else if (std::find(it->second.begin(), it->second.end(), r.version) == it->second.end()) {
      it->second.push_back(r.version);
    }
  }
  return out;
}

}  // namespace capstan::cluster
