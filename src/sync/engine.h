// Runs a sync plan against a Target: dry run of every task first (nothing
// is applied when one fails), then phase by phase and wave by wave, waiting
// for the resources of a wave to be healthy before the next one, hooks
// created and awaited, prunes, SyncFail hooks on failure. Time goes through
// the injected Clock only.
#ifndef CAPSTAN_SYNC_ENGINE_H_
#define CAPSTAN_SYNC_ENGINE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "resource/resource.h"
#include "base/clock.h"
#include "sync/plan.h"
#include "sync/retry.h"
#include "sync/target.h"
#include "yaml/node.h"

namespace capstan::sync {

// Health of one live object as Argo CD names it: "Healthy", "Progressing",
// "Degraded", "Suspended", "Missing", "Unknown", or "" when the kind has no
// health check (counts as healthy).
struct Health {
  std::string status;
  std::string message;
};
using HealthFn = std::function<Health(const yaml::Node& live)>;

struct EngineOptions {
  int64_t wave_delay_ms = 2000;        // ARGOCD_SYNC_WAVE_DELAY default
  int64_t poll_interval_ms = 1000;     // health polling while waiting
  int64_t health_timeout_ms = 300000;  // give up waiting for one wave
  std::string create_namespace;        // CreateNamespace target ("" = none)
  // Each step as it happens, for a terminal: "deployment.apps/x created",
  // "waiting for healthy state of ...", "PreSync hook job/y Succeeded".
  std::function<void(const std::string& line)> progress;
  // Asked before each wave and at each wait (never during an apply): true
  // stops the sync as Argo CD's terminate does: hooks still running are
  // deleted, nothing more is applied, no SyncFail hooks, no retry; phase
  // Failed, message "Operation terminated".
  std::function<bool()> terminated;
};

struct ResourceResult {
  resource::ResId id;
  std::string status;      // Synced | SyncFailed | Pruned | PruneSkipped
  std::string message;     // "deployment.apps/x created", "pruned", ...
  std::string hook_type;   // PreSync | Sync | PostSync | SyncFail ("" = not a hook)
  std::string hook_phase;  // Running | Succeeded | Failed | Terminating
  std::string sync_phase;  // PreSync | Sync | PostSync | SyncFail
};

struct SyncResult {
  std::string phase;    // Succeeded | Failed | Error
  std::string message;
  std::vector<ResourceResult> resources;
  int64_t started_ms = 0, finished_ms = 0;
  int64_t retry_count = 0;
  bool terminated = false;  // stopped by EngineOptions::terminated
};

SyncResult RunPlan(const Plan& plan, const SyncOptions& options, Target& target, base::Clock& clock,
                   const HealthFn& health, const EngineOptions& engine = {});

// Runs `attempt` until it succeeds or `policy.limit` retries are used,
// sleeping BackoffMs(policy, n) on `clock` before retry n. The result
// carries retry_count.
SyncResult RunWithRetry(const std::function<SyncResult()>& attempt, const RetryPolicy& policy,
                        base::Clock& clock);

// "deployment.apps/name" as kubectl prints it.
std::string KubectlName(const resource::ResId& id);

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_ENGINE_H_
