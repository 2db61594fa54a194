// The typed decode/encode round trip of gitops-engine's remarshal, for the
// built-in kinds: what encoding/json with the k8s.io/api struct tags does to
// an object, limited to the fields listed here.
#include <cstdint>
#include <set>
#include <string_view>
#include <unordered_map>

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

// What the Go types say about a field name, as bit flags (one hash lookup
// per field).
enum : uint16_t {
  kMapField = 1,         // a Go map: entries are data, never struct fields
  kQuantityMap = 2,      // Go map of resource quantities
  kQuantityScalar = 4,   // a resource quantity
  kKeepEmptyList = 8,    // list without omitempty: [] stays
  kKeepNull = 16,        // field without omitempty: null stays
  kOmitEmptyString = 32, // optional non-pointer string: "" is not encoded
  kOmitFalse = 64,       // optional non-pointer bool: false is not encoded
  kOmitZero = 128,       // optional non-pointer int: 0 is not encoded
};

const std::unordered_map<std::string_view, uint16_t>& FieldFlags() {
  static const auto* kFlags = [] {
    auto* m = new std::unordered_map<std::string_view, uint16_t>;
    auto add = [m](std::initializer_list<std::string_view> keys, uint16_t flag) {
      for (auto k : keys) (*m)[k] |= flag;
    };
    add({"labels", "annotations", "nodeSelector", "data", "binaryData", "stringData", "matchLabels",
         "parameters", "volumeAttributes"},
        kMapField);
    // LimitRange items included.
    add({"limits", "requests", "hard", "used", "capacity", "allocatable", "overhead", "max", "min",
         "default", "defaultRequest", "maxLimitRequestRatio"},
        kMapField | kQuantityMap);
    add({"sizeLimit", "divisor"}, kQuantityScalar);
    add({"rules", "containers", "verbs", "nodeSelectorTerms", "paths", "admissionReviewVersions",
         "sources"},
        kKeepEmptyList | kKeepNull);
    add({"roleRef"}, kKeepNull);
    add({"value", "subPath", "subPathExpr", "workingDir", "hostIP", "nodeName", "serviceAccountName",
         "serviceAccount", "hostname", "subdomain", "priorityClassName", "imagePullPolicy", "protocol",
         "clusterIP", "externalName", "loadBalancerIP", "generateName"},
        kOmitEmptyString);
    add({"readOnly", "stdin", "stdinOnce", "tty", "hostNetwork", "hostPID", "hostIPC", "paused"},
        kOmitFalse);
    add({"hostPort", "minReadySeconds", "nodePort", "initialDelaySeconds", "timeoutSeconds",
         "periodSeconds", "successThreshold", "failureThreshold"},
        kOmitZero);
    return m;
  }();
  return *kFlags;
}

uint16_t Flags(std::string_view key) {
  const auto& m = FieldFlags();
  auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

bool IsZeroScalar(uint16_t flags, const Node& v) {
  if (!(flags & (kOmitEmptyString | kOmitFalse | kOmitZero))) return false;
  JType t = TypeOf(v);
  if (t == JType::kString) return v.value.empty() && (flags & kOmitEmptyString);
  if (t == JType::kBool) return !v.AsBool() && (flags & kOmitFalse);
  if (t == JType::kNumber) return v.AsFloat() == 0 && (flags & kOmitZero);
  return false;
}

bool ValidQuantity(const Node& v) {
  JType t = TypeOf(v);
  if (t == JType::kNull) return true;
  if (t != JType::kString && t != JType::kNumber) return false;
  return CanonicalQuantity(v.value).has_value();
}

void CanonicalizeQuantity(Node& v) {
  if (TypeOf(v) == JType::kNull) return;
  if (auto q = CanonicalQuantity(v.value)) v = Node::String(*q);
}

// Read-only pass: would the typed decode accept every quantity?
bool QuantitiesValid(const Node& v, uint16_t flags) {
  if (flags & kQuantityScalar) return ValidQuantity(v);
  if (v.IsMap()) {
    if (flags & kQuantityMap) {
      for (const auto& f : v.fields)
        if (!ValidQuantity(f.value)) return false;
      return true;
    }
    if (flags & kMapField) return true;
    for (const auto& f : v.fields)
      if (!QuantitiesValid(f.value, Flags(f.key.value))) return false;
    return true;
  }
  if (v.IsSeq()) {
    for (const auto& item : v.items)
      if (item.IsMap() && !QuantitiesValid(item, 0)) return false;
  }
  return true;
}

void WalkStruct(Node& map, int depth, std::string_view self_key);

void WalkValue(Node& v, uint16_t flags, std::string_view key, int depth) {
  if (flags & kQuantityScalar) return CanonicalizeQuantity(v);
  if (v.IsMap()) {
    if (flags & kQuantityMap) {
      for (auto& f : v.fields) CanonicalizeQuantity(f.value);
      return;
    }
    if (flags & kMapField) return;
    return WalkStruct(v, depth + 1, key);
  }
  if (v.IsSeq()) {
    for (auto& item : v.items)
      if (item.IsMap()) WalkStruct(item, depth + 1, key);
  }
}

// Drops what the typed encoding leaves out, canonicalizes quantities.
void WalkStruct(Node& map, int depth, std::string_view self_key) {
  size_t out = 0;
  for (size_t i = 0; i < map.fields.size(); ++i) {
    yaml::Field& f = map.fields[i];
    std::string_view key = f.key.value;
    uint16_t flags = Flags(key);
    JType t = TypeOf(f.value);
    bool drop = (t == JType::kNull && !(flags & kKeepNull)) ||
                (t == JType::kArray && f.value.items.empty() && !(flags & kKeepEmptyList)) ||
                (t == JType::kObject && f.value.fields.empty() && (flags & kMapField)) ||
                IsZeroScalar(flags, f.value) ||
                // creationTimestamp of embedded metadata (pod and claim templates)
                (depth > 0 && self_key == "metadata" && key == "creationTimestamp" && t == JType::kNull);
    if (drop) continue;
    WalkValue(f.value, flags, key, depth);
    if (out != i) map.fields[out] = std::move(f);
    ++out;
  }
  map.fields.resize(out);
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
  if (!QuantitiesValid(obj, 0)) return false;
  WalkStruct(obj, 0, "");
  return true;
}

}  // namespace capstan::diff
