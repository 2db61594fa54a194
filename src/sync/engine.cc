#include "sync/engine.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace capstan::sync {
namespace {

bool IsPrune(const Task& t) { return t.action == Action::kPrune || t.action == Action::kPruneSkipped; }

bool HasPolicy(const Task& t, std::string_view p) {
  return std::find(t.hook_delete_policies.begin(), t.hook_delete_policies.end(), p) !=
         t.hook_delete_policies.end();
}

// Hooks written with generateName get a fresh, deterministic-per-time name.
void NameHook(Task& t, base::Clock& clock) {
  if (!t.id.name.empty()) return;
  std::string prefix = t.desired.StrAt({"metadata", "generateName"});
  static const char* alphabet = "bcdfghjklmnpqrstvwxz2456789";
  uint64_t x = static_cast<uint64_t>(clock.NowMs()) * 2654435761u + t.id.gvk.kind.size();
  std::string suffix;
  for (int i = 0; i < 5; ++i) {
    suffix.push_back(alphabet[x % 27]);
    x /= 27;
  }
  t.id.name = prefix + suffix;
  t.desired.GetOrCreateMap("metadata").Set("name", yaml::Node::String(t.id.name));
  t.desired.GetOrCreateMap("metadata").Remove("generateName");
}

ApplyOptions ApplyOptsFor(const Task& t, bool dry_run) {
  ApplyOptions a;
  a.dry_run = dry_run;
  a.server_side = t.options.server_side;
  a.replace = t.options.replace;
  a.validate = t.options.validate;
  return a;
}

class Run {
 public:
  Run(const Plan& plan, const SyncOptions& opts, Target& target, base::Clock& clock,
      const HealthFn& health, const EngineOptions& engine)
      : tasks_(plan.tasks), opts_(opts), target_(target), clock_(clock), health_(health),
        engine_(engine) {}

  SyncResult Go() {
    result_.started_ms = clock_.NowMs();
    for (auto& t : tasks_)
      if (t.hook) NameHook(t, clock_);
    if (!DryRun()) return Finish("Failed", failure_);
    if (opts_.dry_run) {
      for (const auto& t : tasks_) {
        if (t.phase == Phase::kSyncFail) continue;
        Record(t, IsPrune(t) ? (t.action == Action::kPrune ? "Pruned" : "PruneSkipped") : "Synced",
               Describe(t, true), t.hook ? "Succeeded" : "");
      }
      return Finish("Succeeded", "successfully synced (dry run)");
    }
    if (!engine_.create_namespace.empty() && !CreateNamespace())
      return Finish("Failed", failure_);

    // Consecutive tasks with the same (phase, wave) form one step.
    std::vector<std::pair<size_t, size_t>> steps;
    for (size_t i = 0; i < tasks_.size();) {
      size_t j = i;
      while (j < tasks_.size() && tasks_[j].phase == tasks_[i].phase && tasks_[j].wave == tasks_[i].wave) ++j;
      if (tasks_[i].phase != Phase::kSyncFail) steps.push_back({i, j});
      i = j;
    }
    bool failed = false;
    for (size_t s = 0; s < steps.size() && !failed; ++s) {
      if (s > 0) clock_.SleepMs(engine_.wave_delay_ms);
      if (Terminated()) return Terminate();
      auto [begin, end] = steps[s];
      std::vector<size_t> await;
      for (size_t i = begin; i < end; ++i) {
        if (!Execute(tasks_[i])) failed = true;
        else if (tasks_[i].action == Action::kApply || tasks_[i].action == Action::kHook) await.push_back(i);
      }
      if (failed) break;
      bool has_hooks = std::any_of(await.begin(), await.end(), [&](size_t i) { return tasks_[i].hook; });
      bool more = s + 1 < steps.size();
      if ((more || has_hooks) && !Await(await, /*resources_too=*/more)) failed = true;
    }
    if (terminated_) return Terminate();
    if (failed) {
      RunSyncFailHooks();
      return Finish("Failed", failure_);
    }
    size_t skipped = std::count_if(result_.resources.begin(), result_.resources.end(),
                                   [](const ResourceResult& r) { return r.status == "PruneSkipped"; });
    return Finish("Succeeded", skipped ? "successfully synced (" + std::to_string(skipped) +
                                             " resources require pruning)"
                                       : "successfully synced (all tasks run)");
  }

 private:
  // Every apply and hook in dry-run mode; NotFound for a namespace or kind
  // this very sync creates is expected and ignored.
  bool DryRun() {
    std::set<std::string> planned_namespaces, planned_kinds;
    if (!engine_.create_namespace.empty()) planned_namespaces.insert(engine_.create_namespace);
    for (const auto& t : tasks_) {
      if (t.id.gvk.kind == "Namespace" && t.id.gvk.group.empty()) planned_namespaces.insert(t.id.name);
      if (t.id.gvk.kind == "CustomResourceDefinition")
        planned_kinds.insert(t.desired.StrAt({"spec", "group"}) + "/" +
                             t.desired.StrAt({"spec", "names", "kind"}));
    }
    bool ok = true;
    for (const auto& t : tasks_) {
      if (IsPrune(t) || t.phase == Phase::kSyncFail) continue;
      try {
        target_.Apply(t.desired, ApplyOptsFor(t, true));
      } catch (const TargetError& e) {
        // A 404 is either the namespace (`namespaces "x" not found`) or the
        // kind (no CRD yet); only the one this sync creates is expected.
        std::string what = e.what();
        bool ns_missing = what.find("namespaces \"" + t.id.ns + "\" not found") != std::string::npos;
        if (e.code() == 404 &&
            (t.options.skip_dry_run || (ns_missing && planned_namespaces.count(t.id.ns)) ||
             (!ns_missing && planned_kinds.count(t.id.gvk.group + "/" + t.id.gvk.kind))))
          continue;
        Record(t, "SyncFailed", e.what(), t.hook ? "Failed" : "");
        failure_ = "one or more objects failed to apply (dry run), reason: " + std::string(e.what());
        ok = false;
      }
    }
    return ok;
  }

  bool CreateNamespace() {
    resource::ResId id{{"", "v1", "Namespace"}, "", engine_.create_namespace};
    try {
      if (target_.Get(id)) return true;
      yaml::Node ns = yaml::Node::Map();
      ns.Set("apiVersion", yaml::Node::String("v1"));
      ns.Set("kind", yaml::Node::String("Namespace"));
      ns.GetOrCreateMap("metadata").Set("name", yaml::Node::String(engine_.create_namespace));
      target_.Apply(ns, {});
      return true;
    } catch (const TargetError& e) {
      failure_ = "failed to create namespace " + engine_.create_namespace + ": " + e.what();
      return false;
    }
  }

  std::string Describe(const Task& t, bool dry) {
    std::string verb;
    switch (t.action) {
      case Action::kPrune: verb = "pruned"; break;
      case Action::kPruneSkipped: return "ignored (requires pruning)";
      case Action::kHook: verb = "created"; break;
      case Action::kApply: verb = t.live ? "configured" : "created"; break;
    }
    return KubectlName(t.id) + " " + verb + (dry ? " (dry run)" : "");
  }

  bool Execute(Task& t) {
    try {
      switch (t.action) {
        case Action::kPruneSkipped:
          Record(t, "PruneSkipped", Describe(t, false), "");
          return true;
        case Action::kPrune: {
          DeleteOptions d;
          d.propagation = opts_.prune_propagation;
          target_.Delete(t.id, d);
          Record(t, "Pruned", Describe(t, false), "");
          return true;
        }
        case Action::kHook:
          if (HasPolicy(t, "BeforeHookCreation") && target_.Get(t.id)) {
            // Background: the old hook goes at once, its pods after it.
            DeleteOptions d;
            d.propagation = "background";
            target_.Delete(t.id, d);
            WaitGone(t.id);
          }
          target_.Apply(t.desired, ApplyOptsFor(t, false));
          Record(t, "Synced", Describe(t, false), "Running");
          return true;
        case Action::kApply:
          target_.Apply(t.desired, ApplyOptsFor(t, false));
          Record(t, "Synced", Describe(t, false), "");
          return true;
      }
    } catch (const TargetError& e) {
      Record(t, "SyncFailed", e.what(), t.hook ? "Failed" : "");
      failure_ = "one or more objects failed to apply, reason: " + std::string(e.what());
    }
    return false;
  }

  void WaitGone(const resource::ResId& id) {
    int64_t deadline = clock_.NowMs() + engine_.health_timeout_ms;
    while (target_.Get(id) && clock_.NowMs() < deadline && !Terminated()) clock_.SleepMs(engine_.poll_interval_ms);
  }

  // Waits until every hook in `idx` completed and, when `resources_too`,
  // every other resource is healthy. Hook outcomes apply delete policies.
  bool Await(const std::vector<size_t>& idx, bool resources_too) {
    int64_t deadline = clock_.NowMs() + engine_.health_timeout_ms;
    std::set<size_t> pending(idx.begin(), idx.end());
    if (!resources_too)
      for (size_t i : idx)
        if (!tasks_[i].hook) pending.erase(i);
    std::string last_wait, last_reported;
    while (true) {
      for (auto it = pending.begin(); it != pending.end();) {
        Task& t = tasks_[*it];
        std::optional<yaml::Node> live = target_.Get(t.id);
        Health h = live ? health_(*live) : Health{"Missing", "resource is missing"};
        if (t.hook) {
          if (h.status == "Healthy" || h.status.empty()) {
            SetHookPhase(t, "Succeeded", h.message);
            if (HasPolicy(t, "HookSucceeded")) target_.Delete(t.id, {"background", false});
            it = pending.erase(it);
            continue;
          }
          if (h.status == "Degraded") {
            SetHookPhase(t, "Failed", h.message);
            if (HasPolicy(t, "HookFailed")) target_.Delete(t.id, {"background", false});
            failure_ = std::string(PhaseName(t.phase)) + " hook " + KubectlName(t.id) + " failed" +
                       (h.message.empty() ? "" : ": " + h.message);
            return false;
          }
        } else if (h.status == "Healthy" || h.status.empty() || h.status == "Suspended") {
          it = pending.erase(it);
          continue;
        }
        last_wait = "waiting for healthy state of " + KubectlName(t.id) +
                    (h.message.empty() ? "" : " (" + h.status + ": " + h.message + ")");
        ++it;
      }
      if (pending.empty()) return true;
      if (Terminated()) return false;
      if (last_wait != last_reported) Progress(last_reported = last_wait);
      if (clock_.NowMs() >= deadline) {
        failure_ = "timed out " + last_wait;
        return false;
      }
      clock_.SleepMs(engine_.poll_interval_ms);
    }
  }

  bool Terminated() {
    if (!terminated_ && engine_.terminated && engine_.terminated()) terminated_ = true;
    return terminated_;
  }

  // Argo CD's syncContext.Terminate: every hook this run created that is
  // still running is deleted; the others keep their outcome.
  SyncResult Terminate() {
    Progress("terminating");
    bool clean = true;
    for (const Task& t : tasks_) {
      if (!t.hook) continue;
      bool running = std::any_of(result_.resources.begin(), result_.resources.end(), [&](const ResourceResult& r) {
        return r.id == t.id && r.hook_type == PhaseName(t.phase) && r.hook_phase == "Running";
      });
      if (!running) continue;
      try {
        std::optional<yaml::Node> live = target_.Get(t.id);
        if (!live) continue;
        Health h = health_(*live);
        if (h.status == "Progressing" || h.status == "Suspended") {
          target_.Delete(t.id, {});
          SetHookPhase(t, "Succeeded", "Deleted");
        } else {
          SetHookPhase(t, h.status == "Degraded" || h.status == "Unknown" ? "Failed" : "Succeeded", h.message);
        }
      } catch (const TargetError& e) {
        SetHookPhase(t, "Failed", std::string("Failed to delete: ") + e.what());
        clean = false;
      }
    }
    result_.terminated = true;
    return clean ? Finish("Failed", "Operation terminated") : Finish("Error", "Operation termination had errors");
  }

  void RunSyncFailHooks() {
    std::vector<size_t> hooks;
    for (size_t i = 0; i < tasks_.size(); ++i) {
      if (tasks_[i].phase != Phase::kSyncFail) continue;
      std::string saved = failure_;
      if (Execute(tasks_[i])) hooks.push_back(i);
      failure_ = saved;
    }
    if (!hooks.empty()) {
      std::string saved = failure_;
      Await(hooks, false);
      failure_ = saved;
    }
  }

  void Record(const Task& t, std::string status, std::string message, std::string hook_phase) {
    ResourceResult r;
    r.id = t.id;
    r.status = std::move(status);
    r.message = std::move(message);
    r.hook_phase = std::move(hook_phase);
    r.sync_phase = std::string(PhaseName(t.phase));
    if (t.hook) r.hook_type = r.sync_phase;
    Progress(r.message);
    result_.resources.push_back(std::move(r));
  }

  void Progress(const std::string& line) {
    if (engine_.progress && !line.empty()) engine_.progress(line);
  }

  void SetHookPhase(const Task& t, const std::string& phase, const std::string& message) {
    Progress(std::string(PhaseName(t.phase)) + " hook " + KubectlName(t.id) + " " + phase +
             (message.empty() ? "" : ": " + message));
    for (auto& r : result_.resources) {
      if (r.id == t.id && r.hook_type == PhaseName(t.phase)) {
        r.hook_phase = phase;
        if (!message.empty()) r.message = message;
      }
    }
  }

  SyncResult Finish(std::string phase, std::string message) {
    result_.phase = std::move(phase);
    result_.message = std::move(message);
    result_.finished_ms = clock_.NowMs();
    return std::move(result_);
  }

  std::vector<Task> tasks_;
  const SyncOptions& opts_;
  Target& target_;
  base::Clock& clock_;
  const HealthFn& health_;
  const EngineOptions& engine_;
  SyncResult result_;
  std::string failure_;
  bool terminated_ = false;
};

}  // namespace

std::string KubectlName(const resource::ResId& id) {
  std::string kind = id.gvk.kind;
  for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!id.gvk.group.empty()) kind += "." + id.gvk.group;
  return kind + "/" + id.name;
}

SyncResult RunPlan(const Plan& plan, const SyncOptions& options, Target& target, base::Clock& clock,
                   const HealthFn& health, const EngineOptions& engine) {
  return Run(plan, options, target, clock, health, engine).Go();
}

SyncResult RunWithRetry(const std::function<SyncResult()>& attempt, const RetryPolicy& policy,
                        base::Clock& clock) {
  int64_t started = clock.NowMs();
  SyncResult r = attempt();
  int64_t retries = 0;
  while (r.phase != "Succeeded" && !r.terminated && (policy.limit < 0 || retries < policy.limit)) {
    clock.SleepMs(BackoffMs(policy, retries));
    ++retries;
    r = attempt();
  }
  r.retry_count = retries;
  r.started_ms = started;
  if (r.phase != "Succeeded" && !r.terminated && retries > 0)
    r.message += " (retried " + std::to_string(retries) + " times)";
  return r;
}

}  // namespace capstan::sync
