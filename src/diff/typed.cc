// The typed decode/encode round trip of gitops-engine's remarshal, for the
// built-in kinds: what encoding/json with the k8s.io/api struct tags does to
// an object, limited to the fields listed here.
#include <set>
#include <string_view>

#include "diff/known_types.h"
#include "diff/quantity.h"
#include "diff/value.h"

namespace capstan::diff {

using yaml::Node;

namespace {

using Keys = std::set<std::string_view>;

// ObjectMeta's JSON fields: anything else makes the strict decode fail.
const Keys kObjectMetaKeys = {
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
    "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
    "annotations", "ownerReferences", "finalizers", "managedFields"};

// Top-level fields per kind, beyond apiVersion/kind/metadata. Kinds not
// listed here get the usual spec/status pair.
const Keys* TopLevelKeys(const Gvk& gvk) {
  static const Keys kSpecStatus = {"spec", "status"};
  static const Keys kConfigMap = {"data", "binaryData", "immutable"};
  static const Keys kSecret = {"data", "stringData", "type", "immutable"};
  static const Keys kServiceAccount = {"secrets", "imagePullSecrets", "automountServiceAccountToken"};
  static const Keys kEndpoints = {"subsets"};
  static const Keys kRole = {"rules", "aggregationRule"};
  static const Keys kBinding = {"subjects", "roleRef"};
  static const Keys kWebhooks = {"webhooks"};
  static const Keys kStorageClass = {"provisioner", "parameters", "reclaimPolicy", "mountOptions",
                                     "allowVolumeExpansion", "volumeBindingMode", "allowedTopologies"};
  static const Keys kPriorityClass = {"value", "globalDefault", "description", "preemptionPolicy"};
  static const Keys kEvent = {};
  static const Keys kControllerRevision = {"data", "revision"};
  static const Keys kEndpointSlice = {"addressType", "endpoints", "ports"};
  static const Keys kRuntimeClass = {"handler", "overhead", "scheduling"};
  static const Keys kPodTemplate = {"template"};
  if (gvk.group.empty()) {
    if (gvk.kind == "ConfigMap") return &kConfigMap;
    if (gvk.kind == "Secret") return &kSecret;
    if (gvk.kind == "ServiceAccount") return &kServiceAccount;
    if (gvk.kind == "Endpoints") return &kEndpoints;
    if (gvk.kind == "PodTemplate") return &kPodTemplate;
    if (gvk.kind == "Event" || gvk.kind == "Binding" || gvk.kind == "ComponentStatus") return nullptr;
  }
  if (gvk.group == "rbac.authorization.k8s.io")
    return (gvk.kind == "Role" || gvk.kind == "ClusterRole") ? &kRole : &kBinding;
  if (gvk.group == "admissionregistration.k8s.io" &&
      (gvk.kind == "MutatingWebhookConfiguration" || gvk.kind == "ValidatingWebhookConfiguration"))
    return &kWebhooks;
  if (gvk.kind == "StorageClass") return &kStorageClass;
  if (gvk.kind == "PriorityClass") return &kPriorityClass;
  if (gvk.kind == "ControllerRevision") return &kControllerRevision;
  if (gvk.kind == "EndpointSlice") return &kEndpointSlice;
  if (gvk.kind == "RuntimeClass") return &kRuntimeClass;
  if (gvk.kind == "Event" || gvk.kind == "CSIStorageCapacity" || gvk.kind == "Lease" ||
      gvk.kind == "VolumeAttributesClass")
    return nullptr;  // free-form enough: not checked
  (void)kEvent;
  return &kSpecStatus;
}

// Go map fields: their entries are data, never dropped or canonicalized as
// struct fields.
const Keys kMapFields = {"labels", "annotations", "nodeSelector", "data", "binaryData",
                         "stringData", "matchLabels", "parameters", "volumeAttributes",
                         "limits", "requests", "hard", "used", "capacity", "allocatable",
                         "overhead", "max", "min", "default", "defaultRequest",
                         "maxLimitRequestRatio"};
// Go map fields whose values are resource quantities (LimitRange items
// included).
const Keys kQuantityMaps = {"limits", "requests", "hard", "used", "capacity", "allocatable",
                            "overhead", "max", "min", "default", "defaultRequest",
                            "maxLimitRequestRatio"};
const Keys kQuantityScalars = {"sizeLimit", "divisor"};
// List fields without omitempty: an empty list stays.
const Keys kKeepEmptyList = {"rules", "containers", "verbs", "nodeSelectorTerms", "paths",
                             "admissionReviewVersions", "sources"};
// Null fields without omitempty: the null stays.
const Keys kKeepNull = {"rules", "containers", "verbs", "nodeSelectorTerms", "paths",
                        "admissionReviewVersions", "sources", "roleRef"};
// Optional (omitempty) non-pointer scalars: their zero value is not encoded.
const Keys kOmitEmptyString = {"value", "subPath", "subPathExpr", "workingDir", "hostIP",
                               "nodeName", "serviceAccountName", "serviceAccount", "hostname",
                               "subdomain", "priorityClassName", "imagePullPolicy", "protocol",
                               "clusterIP", "externalName", "loadBalancerIP", "generateName"};
const Keys kOmitFalse = {"readOnly", "stdin", "stdinOnce", "tty", "hostNetwork", "hostPID",
                         "hostIPC", "paused"};
const Keys kOmitZero = {"hostPort", "minReadySeconds", "nodePort", "initialDelaySeconds",
                        "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"};

bool IsZeroScalar(std::string_view key, const Node& v) {
  JType t = TypeOf(v);
  if (t == JType::kString) return v.value.empty() && kOmitEmptyString.count(key);
  if (t == JType::kBool) return !v.AsBool() && kOmitFalse.count(key);
  if (t == JType::kNumber) return v.AsFloat() == 0 && kOmitZero.count(key);
  return false;
}

// Returns false on a value the typed decode would reject.
bool CanonicalizeQuantity(Node& v) {
  JType t = TypeOf(v);
  if (t == JType::kNull) return true;
  if (t != JType::kString && t != JType::kNumber) return false;
  auto q = CanonicalQuantity(v.value);
  if (!q) return false;
  v = Node::String(*q);
  return true;
}

// Walks a struct-typed mapping. `depth` 0 is the object root.
bool WalkStruct(Node& map, int depth, std::string_view self_key);

bool WalkValue(Node& v, std::string_view key, int depth) {
  if (kQuantityScalars.count(key)) return CanonicalizeQuantity(v);
  if (v.IsMap()) {
    if (kQuantityMaps.count(key)) {
      for (auto& f : v.fields)
        if (!CanonicalizeQuantity(f.value)) return false;
      return true;
    }
    if (kMapFields.count(key)) return true;
    return WalkStruct(v, depth + 1, key);
  }
  if (v.IsSeq()) {
    for (auto& item : v.items)
      if (item.IsMap() && !WalkStruct(item, depth + 1, key)) return false;
  }
  return true;
}

bool WalkStruct(Node& map, int depth, std::string_view self_key) {
  std::vector<yaml::Field> kept;
  kept.reserve(map.fields.size());
  for (auto& f : map.fields) {
    std::string_view key = f.key.value;
    JType t = TypeOf(f.value);
    if (t == JType::kNull && !kKeepNull.count(key)) continue;
    if (t == JType::kArray && f.value.items.empty() && !kKeepEmptyList.count(key)) continue;
    if (t == JType::kObject && f.value.fields.empty() && kMapFields.count(key)) continue;
    if (IsZeroScalar(key, f.value)) continue;
    // creationTimestamp of embedded metadata (pod templates, claim templates).
    if (depth > 0 && self_key == "metadata" && key == "creationTimestamp" && t == JType::kNull)
      continue;
    if (!WalkValue(f.value, key, depth)) return false;
    kept.push_back(std::move(f));
  }
  map.fields = std::move(kept);
  return true;
}

bool IsNumberOrNull(const Node* n) {
  return !n || TypeOf(*n) == JType::kNumber || TypeOf(*n) == JType::kNull;
}

bool StringMap(const Node* n) {
  if (!n || TypeOf(*n) == JType::kNull) return true;
  if (!n->IsMap()) return false;
  for (const auto& f : n->fields) {
    JType t = TypeOf(f.value);
    if (t != JType::kString && t != JType::kNull) return false;
  }
  return true;
}

bool ContainersDecode(const Node* list) {
  if (!list || TypeOf(*list) == JType::kNull) return true;
  if (!list->IsSeq()) return false;
  for (const auto& c : list->items) {
    if (!c.IsMap()) return false;
    const Node* ports = c.Get("ports");
    if (ports && ports->IsSeq()) {
      for (const auto& p : ports->items) {
        if (!p.IsMap()) return false;
        if (!IsNumberOrNull(p.Get("containerPort")) || !IsNumberOrNull(p.Get("hostPort")))
          return false;
      }
    } else if (ports && TypeOf(*ports) != JType::kNull) {
      return false;
    }
  }
  return true;
}

bool PodSpecDecodes(const Node* spec) {
  if (!spec || TypeOf(*spec) == JType::kNull) return true;
  if (!spec->IsMap()) return false;
  return ContainersDecode(spec->Get("containers")) && ContainersDecode(spec->Get("initContainers")) &&
         IsNumberOrNull(spec->Get("terminationGracePeriodSeconds")) &&
         IsNumberOrNull(spec->Get("activeDeadlineSeconds")) && StringMap(spec->Get("nodeSelector"));
}

bool MetadataDecodes(const Node* meta) {
  if (!meta || TypeOf(*meta) == JType::kNull) return true;
  if (!meta->IsMap()) return false;
  return StringMap(meta->Get("labels")) && StringMap(meta->Get("annotations"));
}

}  // namespace

bool DecodesLeniently(const Node& obj, const Gvk& gvk) {
  if (!obj.IsMap()) return false;
  if (!MetadataDecodes(obj.Get("metadata"))) return false;
  const Node* spec = obj.Get("spec");
  if (spec && !spec->IsMap() && TypeOf(*spec) != JType::kNull) {
    // Kinds whose spec is a struct.
    const Keys* top = TopLevelKeys(gvk);
    if (top && top->count("spec")) return false;
  }
  if (spec && spec->IsMap()) {
    for (auto k : {"replicas", "revisionHistoryLimit", "progressDeadlineSeconds",
                   "minReadySeconds", "parallelism", "completions", "backoffLimit",
                   "successfulJobsHistoryLimit", "failedJobsHistoryLimit"})
      if (!IsNumberOrNull(spec->Get(k))) return false;
    const Node* tmpl = spec->Get("template");
    if (tmpl && tmpl->IsMap()) {
      if (!MetadataDecodes(tmpl->Get("metadata")) || !PodSpecDecodes(tmpl->Get("spec"))) return false;
    } else if (tmpl && TypeOf(*tmpl) != JType::kNull) {
      return false;
    }
    if (gvk.group.empty() && gvk.kind == "Pod" && !PodSpecDecodes(spec)) return false;
  }
  if (gvk.group.empty() && (gvk.kind == "ConfigMap") && !StringMap(obj.Get("data"))) return false;
  return true;
}

bool TypedRemarshal(Node& obj, const Gvk& gvk) {
  if (!obj.IsMap()) return false;
  if (const Keys* top = TopLevelKeys(gvk)) {
    for (const auto& f : obj.fields) {
      std::string_view k = f.key.value;
      if (k == "apiVersion" || k == "kind" || k == "metadata") continue;
      if (!top->count(k)) return false;
    }
  }
  if (const Node* meta = obj.Get("metadata"); meta && meta->IsMap()) {
    for (const auto& f : meta->fields)
      if (!kObjectMetaKeys.count(f.key.value)) return false;
  }
  if (!DecodesLeniently(obj, gvk)) return false;
  Node copy = obj;
  if (!WalkStruct(copy, 0, "")) return false;
  obj = std::move(copy);
  return true;
}

}  // namespace capstan::diff
