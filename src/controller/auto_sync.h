// Argo CD's automated-sync decision (controller/appcontroller.go autoSync),
// as a pure function of the Application (spec and status after a refresh)
// and the time:
//  - only automated apps that are OutOfSync, have no operation and are not
//    being deleted; with prune off, an app that only needs pruning is left;
//  - a revision (and source) already attempted is not synced again when that
//    attempt failed (SyncError "Failed last sync attempt to ..."), nor when
//    selfHeal is off; with selfHeal, after the self-heal backoff
//    (2 s x 3 capped at 300 s by default, counted from the last finishedAt),
//    only the out-of-sync resources are synced;
//  - with prune and without allowEmpty, a sync that would delete every
//    resource is refused (SyncError "auto-sync will wipe out all resources").
#ifndef CAPSTAN_CONTROLLER_AUTO_SYNC_H_
#define CAPSTAN_CONTROLLER_AUTO_SYNC_H_

#include <cstdint>
#include <string>

#include "app/application.h"
#include "yaml/node.h"

namespace capstan::controller {

struct SelfHealBackoff {
  int64_t duration_ms = 2000;
  int64_t factor = 3;
  int64_t cap_ms = 300000;
};

// Wait before self-heal attempt number `attempts` (0: none).
int64_t SelfHealDelayMs(const SelfHealBackoff& b, int64_t attempts);

struct AutoSyncDecision {
  enum Action { kNone, kSync, kWait, kError };
  Action action = kNone;
  std::string message;        // kError: the SyncError condition; kNone: why skipped
  int64_t wait_ms = 0;        // kWait
  yaml::Node operation;       // kSync: the Application's new .operation
};

// `app.object` carries the refreshed status (status.sync, status.resources,
// status.operationState).
AutoSyncDecision DecideAutoSync(const app::Application& app, int64_t now_ms, const SelfHealBackoff& backoff);

// RFC 3339 "2026-01-01T00:00:00Z" -> ms since epoch; 0 when malformed.
int64_t ParseTimeMs(const std::string& text);

}  // namespace capstan::controller

#endif  // CAPSTAN_CONTROLLER_AUTO_SYNC_H_
