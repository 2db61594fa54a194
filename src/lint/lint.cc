// Check registry, object view, annotations and the driver.
#include <algorithm>
#include <sstream>

#include "lint/internal.h"
#include "resource/selector.h"

namespace capstan::lint {

std::string_view SeverityName(Severity s) { return s == Severity::kCritical ? "critical" : "warning"; }

const std::vector<CheckInfo>& AllChecks() {
  static const std::vector<CheckInfo> kChecks = {
      {"container-resources", "Containers set CPU and memory requests and limits", "kube-score", false},
      {"container-ephemeral-storage-request-and-limit", "Containers set an ephemeral-storage limit (and request)", "kube-score", false},
      {"container-image-tag", "Images are pinned to a tag that is not `latest` (or a digest)", "kube-score", false},
      {"container-image-pull-policy", "imagePullPolicy is Always", "kube-score", false},
      {"environment-variable-key-duplication", "No environment variable is set twice in a container", "kube-score", false},
      {"container-security-context-user-group-id", "Containers run as a user and group id >= 10000", "kube-score", false},
      {"container-security-context-privileged", "Containers are not privileged", "kube-score", false},
      {"container-security-context-readonlyrootfilesystem", "Containers have a read-only root filesystem", "kube-score", false},
      {"container-security-context-privilege-escalation", "allowPrivilegeEscalation is false", "capstan", false},
      {"container-security-context-run-as-non-root", "runAsNonRoot is true (pod or container)", "capstan", false},
      {"container-cpu-requests-equal-limits", "CPU request equals the CPU limit", "kube-score", true},
      {"container-memory-requests-equal-limits", "Memory request equals the memory limit", "kube-score", true},
      {"container-seccomp-profile", "A seccomp profile is set", "kube-score", true},
      {"pod-probes", "Pods behind a Service have a readiness probe (and a liveness probe)", "kube-score", false},
      {"pod-probes-identical", "Readiness and liveness probes differ", "kube-score", false},
      {"pod-networkpolicy", "Every pod is selected by an ingress and an egress NetworkPolicy", "kube-score", false},
      {"networkpolicy-targets-pod", "A NetworkPolicy selects at least one pod", "kube-score", false},
      {"deployment-has-poddisruptionbudget", "Deployments with 2+ replicas have a matching PodDisruptionBudget", "kube-score", false},
      {"statefulset-has-poddisruptionbudget", "StatefulSets with 2+ replicas have a matching PodDisruptionBudget", "kube-score", false},
      {"poddisruptionbudget-has-policy", "A PodDisruptionBudget sets minAvailable or maxUnavailable", "kube-score", false},
      {"deployment-strategy", "Deployments with 2+ replicas roll out with RollingUpdate", "kube-score", false},
      {"deployment-replicas", "Deployments run at least 2 replicas (or are scaled by an HPA)", "kube-score", false},
      {"deployment-has-host-podantiaffinity", "Deployments with 2+ replicas spread over hosts (pod anti-affinity)", "kube-score", false},
      {"statefulset-has-host-podantiaffinity", "StatefulSets with 2+ replicas spread over hosts (pod anti-affinity)", "kube-score", false},
      {"statefulset-has-servicename", "StatefulSets name an existing headless Service that targets them", "kube-score", false},
      {"service-targets-pod", "A Service selector matches a pod template", "kube-score", false},
      {"service-type", "Services are not of type NodePort", "kube-score", false},
      {"ingress-targets-service", "Ingress backends name existing Services and ports", "kube-score", false},
      {"horizontalpodautoscaler-has-target", "An HPA's scaleTargetRef exists", "kube-score", false},
      {"horizontalpodautoscaler-replicas", "An HPA keeps at least 2 replicas", "kube-score", false},
      {"cronjob-has-deadline", "CronJobs set startingDeadlineSeconds", "kube-score", false},
      {"cronjob-restartpolicy", "CronJob pods restart Never or OnFailure", "kube-score", false},
      {"label-values", "Label values are valid", "kube-score", false},
      {"stable-version", "Objects use the stable API version", "kube-score", false},
      {"configmap-no-secrets", "ConfigMaps hold no credentials (use a Secret)", "capstan", false},
      {"env-no-literal-secrets", "Secrets are not written as literal env values (use secretKeyRef)", "capstan", false},
      {"env-from-configmap", "Configuration comes from ConfigMaps/Secrets, not literal env values", "capstan", false},
  };
  return kChecks;
}

const CheckInfo* FindCheck(std::string_view id) {
  for (const CheckInfo& c : AllChecks())
    if (c.id == id) return &c;
  return nullptr;
}

std::string Text(const yaml::Node* n) { return (n != nullptr && n->IsScalar()) ? n->value : ""; }

int64_t IntOr(const yaml::Node* n, int64_t fallback) {
  if (n == nullptr || !n->IsScalar()) return fallback;
  if (n->IsInt()) return n->AsInt(fallback);
  if (n->IsFloat()) return static_cast<int64_t>(n->AsFloat());
  return fallback;
}

std::string Objects::Namespace(size_t i) const {
  std::string ns = at(i).StrAt({"metadata", "namespace"});
  return ns.empty() ? "default" : ns;
}

const std::vector<size_t>& Objects::OfKind(std::string_view kind) const {
  static const std::vector<size_t> kNone;
  auto it = by_kind.find(kind);
  return it == by_kind.end() ? kNone : it->second;
}

const std::vector<size_t>& Objects::OfKindIn(std::string_view kind, const std::string& ns) const {
  static const std::vector<size_t> kNone;
  auto it = by_kind_ns.find(std::string(kind) + '\n' + ns);
  return it == by_kind_ns.end() ? kNone : it->second;
}

const PodTemplate* Objects::PodOf(size_t object) const {
  return object < pod_index.size() && pod_index[object] >= 0 ? &pods[static_cast<size_t>(pod_index[object])] : nullptr;
}

bool MapSelectorMatches(const yaml::Node* selector, const yaml::Node* labels) {
  if (selector == nullptr || !selector->IsMap() || selector->fields.empty()) return false;
  for (const yaml::Field& f : selector->fields) {
    const yaml::Node* v = (labels != nullptr && labels->IsMap()) ? labels->Get(f.key.value) : nullptr;
    if (v == nullptr || Text(v) != Text(&f.value)) return false;
  }
  return true;
}

bool IsEmptyLabelSelector(const yaml::Node* selector) {
  if (selector == nullptr || !selector->IsMap()) return true;
  const yaml::Node* ml = selector->Get("matchLabels");
  const yaml::Node* me = selector->Get("matchExpressions");
  return (ml == nullptr || ml->size() == 0) && (me == nullptr || me->size() == 0);
}

bool LabelSelectorMatches(const yaml::Node* selector, const yaml::Node* labels) {
  if (selector == nullptr || !selector->IsMap()) return false;
  resource::KeyValues kv;
  if (labels != nullptr && labels->IsMap())
    for (const yaml::Field& f : labels->fields) kv.emplace_back(f.key.value, Text(&f.value));
  try {
    return resource::Selector::FromLabelSelector(*selector).Matches(kv);
  } catch (const std::exception&) {
    return false;  // an invalid selector selects nothing
  }
}

namespace {

std::set<std::string> AnnotationList(const yaml::Node* annotations, std::string_view key) {
  std::set<std::string> out;
  if (annotations == nullptr || !annotations->IsMap()) return out;
  const yaml::Node* v = annotations->Get(key);
  if (v == nullptr) return out;
  std::stringstream ss(Text(v));
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.insert(item);
  }
  return out;
}

const yaml::Node* PodTemplateAnnotations(const yaml::Node& obj) {
  std::string kind = obj.StrAt({"kind"});
  if (kind == "CronJob") return obj.At({"spec", "jobTemplate", "spec", "template", "metadata", "annotations"});
  return obj.At({"spec", "template", "metadata", "annotations"});
}

void CollectPods(Objects* o) {
  for (size_t i = 0; i < o->all->size(); ++i) {
    const yaml::Node& obj = o->at(i);
    if (!obj.IsMap()) continue;
    std::string kind = o->Kind(i);
    PodTemplate p;
    p.object = i;
    p.ns = o->Namespace(i);
    p.kind = kind;
    p.name = o->Name(i);
    if (kind == "Pod") {
      p.spec = obj.Get("spec");
      p.labels = obj.At({"metadata", "labels"});
      p.spec_path = "spec";
    } else if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" || kind == "ReplicaSet" ||
               kind == "ReplicationController" || kind == "Job") {
      p.spec = obj.At({"spec", "template", "spec"});
      p.labels = obj.At({"spec", "template", "metadata", "labels"});
      p.spec_path = "spec.template.spec";
    } else if (kind == "CronJob") {
      p.spec = obj.At({"spec", "jobTemplate", "spec", "template", "spec"});
      p.labels = obj.At({"spec", "jobTemplate", "spec", "template", "metadata", "labels"});
      p.spec_path = "spec.jobTemplate.spec.template.spec";
    } else {
      continue;
    }
    if (p.spec != nullptr && p.spec->IsMap()) o->pods.push_back(p);
  }
}

}  // namespace

std::vector<Finding> Lint(const std::vector<yaml::Node>& objects, const Options& options) {
  Objects o;
  o.all = &objects;
  for (size_t i = 0; i < objects.size(); ++i) {
    if (!objects[i].IsMap()) continue;
    o.by_kind[objects[i].StrAt({"kind"})].push_back(i);
    o.by_kind_ns[objects[i].StrAt({"kind"}) + '\n' + o.Namespace(i)].push_back(i);
  }
  CollectPods(&o);
  o.pod_index.assign(objects.size(), -1);
  for (size_t k = 0; k < o.pods.size(); ++k) o.pod_index[o.pods[k].object] = static_cast<int>(k);
  std::vector<std::set<std::string>> ignored(objects.size()), enabled(objects.size());
  for (size_t i = 0; i < objects.size(); ++i) {
    if (!objects[i].IsMap()) continue;
    const yaml::Node* ann = objects[i].At({"metadata", "annotations"});
    const yaml::Node* pod_ann = PodTemplateAnnotations(objects[i]);
    for (const yaml::Node* a : {ann, pod_ann}) {
      for (const std::string& id : AnnotationList(a, "kube-score/ignore")) {
        ignored[i].insert(id);
        if (id == "container-resources") ignored[i].insert("container-ephemeral-storage-request-and-limit");
      }
      for (const std::string& id : AnnotationList(a, "kube-score/enable")) enabled[i].insert(id);
    }
  }
  std::vector<Finding> out;
  Emit emit = [&](const std::string& check, Severity severity, size_t object, const std::string& path,
                  const std::string& message) {
    const CheckInfo* info = FindCheck(check);
    if (info == nullptr || options.disable.count(check) || ignored[object].count(check)) return;
    if (info->optional && !options.enable.count(check) && !enabled[object].count(check)) return;
    out.push_back(Finding{check, severity, object, path, message});
  };
  CheckContainers(o, emit);
  CheckPods(o, emit);
  CheckWorkloads(o, emit);
  CheckNetworking(o, emit);
  CheckMeta(o, emit);
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.object, a.check, a.path) < std::tie(b.object, b.check, b.path);
  });
  return out;
}

}  // namespace capstan::lint
