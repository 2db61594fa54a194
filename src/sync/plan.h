// A sync plan: the ordered tasks one sync operation runs, built from the
// desired objects (already rendered) and the live objects this application
// manages. Ordering follows Argo CD / gitops-engine: phase (PreSync, Sync,
// PostSync, SyncFail), wave (argocd.argoproj.io/sync-wave), kind order,
// name; then a Namespace moves before anything in it and a CRD before its
// custom resources. Prune tasks run in reverse wave order (after every
// apply with PruneLast).
#ifndef CAPSTAN_SYNC_PLAN_H_
#define CAPSTAN_SYNC_PLAN_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resource/resource.h"
#include "yaml/node.h"

namespace capstan::sync {

enum class Phase { kPreSync = -1, kSync = 0, kPostSync = 1, kSyncFail = 2 };
std::string_view PhaseName(Phase p);  // "PreSync", "Sync", ...

enum class Action { kApply, kPrune, kHook, kPruneSkipped };

// Per-resource options from the sync options and the object's
// argocd.argoproj.io/sync-options annotation.
struct TaskOptions {
  bool server_side = false;
  bool replace = false;
  bool validate = true;
  bool prune_last = false;
  bool skip_dry_run = false;       // SkipDryRunOnMissingResource=true
  bool prune_disabled = false;     // Prune=false on the live object
};

struct Task {
  Phase phase = Phase::kSync;
  int wave = 0;
  Action action = Action::kApply;
  resource::ResId id;
  yaml::Node desired;              // for apply/hook
  std::optional<yaml::Node> live;  // for prune and when the object exists
  // Hooks: "PreSync", "Sync", ...; delete policies HookSucceeded,
  // HookFailed, BeforeHookCreation (the default when none is set).
  bool hook = false;
  std::vector<std::string> hook_delete_policies;
  TaskOptions options;
  // Kind rank in the ordering (index in the kind list, or list size).
  int kind_rank = 0;
};

struct SyncOptions {
  bool prune = false;
  bool dry_run = false;
  bool prune_last = false;
  bool apply_out_of_sync_only = false;
  bool server_side_apply = false;
  bool replace = false;
  bool validate = true;
  bool create_namespace = false;
  std::string prune_propagation = "foreground";
  // Parses Argo CD syncOptions strings ("CreateNamespace=true", ...);
  // returns an error message for an unknown or malformed entry.
  std::optional<std::string> Parse(const std::vector<std::string>& entries);
};

struct PlanInput {
  std::vector<yaml::Node> desired;        // rendered manifests, hooks included
  std::vector<yaml::Node> live;           // live objects tracked as this app's
  SyncOptions options;
  // Resources (ResId::String()) known to be out of sync, for
  // ApplyOutOfSyncOnly; ignored otherwise.
  std::vector<std::string> out_of_sync;
  // Selective sync: only these resources (GroupKindKey); hooks are then
  // skipped, as in Argo CD.
  std::vector<std::string> only;
  // Keys live objects by desired identity even when the live object is
  // served under another version (apps/v1beta1 vs apps/v1): group+kind+ns+name.
};

struct Plan {
  std::vector<Task> tasks;  // in execution order (prune tasks last, by wave)
};

// The rank of `kind` in Argo CD's kind order.
int KindRank(std::string_view kind);
// The annotation value parsed as a wave (0 when absent or malformed).
int WaveOf(const yaml::Node& obj);
// Hook types of an object ("PreSync", ...); empty when not a hook. Helm hook
// annotations are mapped as Argo CD maps them.
std::vector<std::string> HookTypesOf(const yaml::Node& obj);

// Identity ignoring the API version, to match desired to live objects.
std::string GroupKindKey(const resource::ResId& id);

Plan BuildPlan(const PlanInput& in);

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_PLAN_H_
