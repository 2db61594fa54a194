#include "sync/plan.h"

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace capstan::sync {
namespace {

constexpr std::array<std::string_view, 35> kKindOrder = {
    "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap",
    "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition",
    "ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role",
    "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
    "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler",
    "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService"};

const char kWaveAnnotation[] = "argocd.argoproj.io/sync-wave";
const char kHookAnnotation[] = "argocd.argoproj.io/hook";
const char kHookDeletePolicy[] = "argocd.argoproj.io/hook-delete-policy";
const char kSyncOptionsAnnotation[] = "argocd.argoproj.io/sync-options";

std::string Annotation(const yaml::Node& obj, std::string_view key) {
  const yaml::Node* ann = obj.At({"metadata", "annotations"});
  if (!ann || !ann->IsMap()) return "";
  const yaml::Node* v = ann->Get(key);
  return v && v->IsScalar() ? v->value : "";
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, ',')) {
    auto b = item.find_first_not_of(" \t");
    auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

bool HasOption(const yaml::Node& obj, std::string_view option) {
  for (const auto& o : SplitList(Annotation(obj, kSyncOptionsAnnotation)))
    if (o == option) return true;
  return false;
}

TaskOptions OptionsFor(const yaml::Node& obj, const SyncOptions& sync) {
  TaskOptions t;
  t.server_side = sync.server_side_apply;
  t.replace = sync.replace;
  t.validate = sync.validate;
  t.prune_last = sync.prune_last;
  if (HasOption(obj, "ServerSideApply=true")) t.server_side = true;
  if (HasOption(obj, "ServerSideApply=false")) t.server_side = false;
  if (HasOption(obj, "Replace=true")) t.replace = true;
  if (HasOption(obj, "Validate=false")) t.validate = false;
  if (HasOption(obj, "PruneLast=true")) t.prune_last = true;
  if (HasOption(obj, "SkipDryRunOnMissingResource=true")) t.skip_dry_run = true;
  if (HasOption(obj, "Prune=false")) t.prune_disabled = true;
  return t;
}

Phase PhaseOf(const std::string& hook_type) {
  if (hook_type == "PreSync") return Phase::kPreSync;
  if (hook_type == "PostSync") return Phase::kPostSync;
  if (hook_type == "SyncFail") return Phase::kSyncFail;
  return Phase::kSync;
}

bool TaskLess(const Task& a, const Task& b) {
  if (a.phase != b.phase) return static_cast<int>(a.phase) < static_cast<int>(b.phase);
  if (a.wave != b.wave) return a.wave < b.wave;
  bool a_prune = a.action == Action::kPrune || a.action == Action::kPruneSkipped;
  bool b_prune = b.action == Action::kPrune || b.action == Action::kPruneSkipped;
  if (a_prune != b_prune) return b_prune;  // applies before prunes in one wave
  if (a.kind_rank != b.kind_rank)
    return a_prune ? a.kind_rank > b.kind_rank : a.kind_rank < b.kind_rank;
  if (a.id.gvk.kind != b.id.gvk.kind) return a.id.gvk.kind < b.id.gvk.kind;
  if (a.id.ns != b.id.ns) return a.id.ns < b.id.ns;
  return a.id.name < b.id.name;
}

// Moves each Namespace before the first task in it, and each CRD before the
// first of its custom resources, adopting that task's phase and wave.
void OrderDependencies(std::vector<Task>& tasks) {
  for (size_t i = 0; i < tasks.size(); ++i) {
    const Task& dep = tasks[i];
    if (dep.action != Action::kApply) continue;
    std::function<bool(const Task&)> uses;
    if (dep.id.gvk.kind == "Namespace" && dep.id.gvk.group.empty()) {
      std::string ns = dep.id.name;
      uses = [ns](const Task& t) { return t.id.ns == ns; };
    } else if (dep.id.gvk.kind == "CustomResourceDefinition") {
      std::string group = dep.desired.StrAt({"spec", "group"});
      std::string kind = dep.desired.StrAt({"spec", "names", "kind"});
      uses = [group, kind](const Task& t) { return t.id.gvk.group == group && t.id.gvk.kind == kind; };
    } else {
      continue;
    }
    for (size_t j = 0; j < i; ++j) {
      if (!uses(tasks[j]) || tasks[j].action == Action::kPrune ||
          tasks[j].action == Action::kPruneSkipped)
        continue;
      Task moved = tasks[i];
      moved.phase = tasks[j].phase;
      moved.wave = tasks[j].wave;
      tasks.erase(tasks.begin() + static_cast<long>(i));
      tasks.insert(tasks.begin() + static_cast<long>(j), std::move(moved));
      break;
    }
  }
}

}  // namespace

std::string_view PhaseName(Phase p) {
  switch (p) {
    case Phase::kPreSync: return "PreSync";
    case Phase::kSync: return "Sync";
    case Phase::kPostSync: return "PostSync";
    case Phase::kSyncFail: return "SyncFail";
  }
  return "Sync";
}

int KindRank(std::string_view kind) {
  for (size_t i = 0; i < kKindOrder.size(); ++i)
    if (kKindOrder[i] == kind) return static_cast<int>(i);
  return static_cast<int>(kKindOrder.size());
}

int WaveOf(const yaml::Node& obj) {
  std::string w = Annotation(obj, kWaveAnnotation);
  if (w.empty()) return 0;
  try {
    size_t used = 0;
    int v = std::stoi(w, &used);
    return used == w.size() ? v : 0;
  } catch (...) {
    return 0;
  }
}

std::vector<std::string> HookTypesOf(const yaml::Node& obj) {
  std::vector<std::string> out = SplitList(Annotation(obj, kHookAnnotation));
  if (!out.empty()) return out;
  // Helm hooks, as Argo CD maps them.
  for (const auto& h : SplitList(Annotation(obj, "helm.sh/hook"))) {
    if (h == "pre-install" || h == "pre-upgrade") out.push_back("PreSync");
    else if (h == "post-install" || h == "post-upgrade") out.push_back("PostSync");
  }
  return out;
}

std::string GroupKindKey(const resource::ResId& id) {
  return id.gvk.group + "/" + id.gvk.kind + "/" + id.ns + "/" + id.name;
}

std::optional<std::string> SyncOptions::Parse(const std::vector<std::string>& entries) {
  for (const auto& e : entries) {
    auto eq = e.find('=');
    if (eq == std::string::npos) return "sync option \"" + e + "\" is not Key=value";
    std::string key = e.substr(0, eq), value = e.substr(eq + 1);
    bool on = value == "true";
    bool is_bool = value == "true" || value == "false";
    if (key == "CreateNamespace" && is_bool) create_namespace = on;
    else if (key == "PruneLast" && is_bool) prune_last = on;
    else if (key == "ApplyOutOfSyncOnly" && is_bool) apply_out_of_sync_only = on;
    else if (key == "ServerSideApply" && is_bool) server_side_apply = on;
    else if (key == "Replace" && is_bool) replace = on;
    else if (key == "Validate" && is_bool) validate = on;
    else if (key == "PrunePropagationPolicy" &&
             (value == "foreground" || value == "background" || value == "orphan"))
      prune_propagation = value;
    else if ((key == "FailOnSharedResource" || key == "RespectIgnoreDifferences" ||
              key == "SkipDryRunOnMissingResource" || key == "Prune" || key == "Delete") && is_bool)
      ;  // accepted; handled per resource or not applicable
    else
      return "sync option \"" + e + "\" is not supported";
  }
  return std::nullopt;
}

Plan BuildPlan(const PlanInput& in) {
  const SyncOptions& opts = in.options;
  std::set<std::string> only(in.only.begin(), in.only.end());
  std::set<std::string> out_of_sync(in.out_of_sync.begin(), in.out_of_sync.end());
  std::map<std::string, const yaml::Node*> live_by_key;
  for (const auto& obj : in.live) live_by_key[GroupKindKey(resource::ResId::Of(obj))] = &obj;

  std::vector<Task> applies, prunes;
  std::set<std::string> desired_keys;
  for (const auto& obj : in.desired) {
    resource::ResId id = resource::ResId::Of(obj);
    std::string key = GroupKindKey(id);
    std::vector<std::string> hooks = HookTypesOf(obj);
    if (std::find(hooks.begin(), hooks.end(), "Skip") != hooks.end()) {
      desired_keys.insert(key);
      continue;
    }
    if (!hooks.empty()) {
      if (!only.empty()) continue;  // hooks do not run during a selective sync
      desired_keys.insert(key);
      std::vector<std::string> policies = SplitList(Annotation(obj, kHookDeletePolicy));
      if (policies.empty()) policies.push_back("BeforeHookCreation");
      for (const auto& type : hooks) {
        Task t;
        t.phase = PhaseOf(type);
        t.wave = WaveOf(obj);
        t.action = Action::kHook;
        t.id = id;
        t.desired = obj;
        t.hook = true;
        t.hook_delete_policies = policies;
        t.options = OptionsFor(obj, opts);
        t.kind_rank = KindRank(id.gvk.kind);
        applies.push_back(std::move(t));
      }
      continue;
    }
    desired_keys.insert(key);
    auto live = live_by_key.find(key);
    if (!only.empty() && !only.count(GroupKindKey(id))) continue;
    if (opts.apply_out_of_sync_only && live != live_by_key.end() && !out_of_sync.count(id.String()))
      continue;
    Task t;
    t.wave = WaveOf(obj);
    t.id = id;
    t.desired = obj;
    if (live != live_by_key.end()) t.live = *live->second;
    t.options = OptionsFor(obj, opts);
    t.kind_rank = KindRank(id.gvk.kind);
    applies.push_back(std::move(t));
  }

  for (const auto& obj : in.live) {
    resource::ResId id = resource::ResId::Of(obj);
    if (desired_keys.count(GroupKindKey(id))) continue;
    if (!HookTypesOf(obj).empty()) continue;  // hooks are never pruned
    const yaml::Node* owners = obj.At({"metadata", "ownerReferences"});
    if (owners && owners->size() > 0) continue;  // owned objects follow their owner
    if (!only.empty() && !only.count(GroupKindKey(id))) continue;
    Task t;
    t.wave = WaveOf(obj);
    t.id = id;
    t.live = obj;
    t.options = OptionsFor(obj, opts);
    t.kind_rank = KindRank(id.gvk.kind);
    t.action = (opts.prune && !t.options.prune_disabled) ? Action::kPrune : Action::kPruneSkipped;
    prunes.push_back(std::move(t));
  }

  // Prune waves are mirrored (the highest wave pruned first), and PruneLast
  // prunes go to one wave after the last Sync-phase wave (gitops-engine).
  std::set<int> prune_waves;
  for (const auto& t : prunes) prune_waves.insert(t.wave);
  std::vector<int> waves(prune_waves.begin(), prune_waves.end());
  std::map<int, int> mirror;
  for (size_t i = 0; i < waves.size(); ++i) mirror[waves[i]] = waves[waves.size() - 1 - i];
  int last_sync_wave = 0;
  for (const auto& t : applies)
    if (t.phase == Phase::kSync) last_sync_wave = std::max(last_sync_wave, t.wave);
  for (const auto& t : prunes) last_sync_wave = std::max(last_sync_wave, t.wave);
  for (auto& t : prunes) {
    t.wave = mirror[t.wave];
    if (t.options.prune_last) t.wave = last_sync_wave + 1;
  }

  Plan plan;
  plan.tasks = std::move(applies);
  for (auto& t : prunes) plan.tasks.push_back(std::move(t));
  std::stable_sort(plan.tasks.begin(), plan.tasks.end(), TaskLess);
  OrderDependencies(plan.tasks);
  return plan;
}

}  // namespace capstan::sync
