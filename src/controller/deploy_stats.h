// The plan's per-app success metrics, kept in the Application's status at
// `status.capstan.deployments` (Argo CD's UI and CLI read only the status
// fields they know, so they ignore it; capstan's CRD preserves unknown
// fields) and exported as capstan_* metrics:
//
//   total, succeeded, successRate   sync operations run by the controller
//                                   (dry runs aside); successRate is the
//                                   text of succeeded/total, 3 decimals
//   timeToDeployMs {last, average, count}
//                                   commit first seen by the controller (or,
//                                   when it did not see it, the history
//                                   entry's deployStartedAt) -> the app
//                                   Synced + Healthy at that revision
//   timeToRollbackMs {...}          a rollback's deployStartedAt (an
//                                   operation with sync.source, as
//                                   `argocd app rollback` writes) -> Healthy
//   pending {historyId, rollback}   the history entry of the last
//                                   successful operation that deployed a new
//                                   revision (not a self-heal or re-sync of
//                                   the same one) or rolled back, until
//                                   measured
//   measuredHistoryId               the last history entry measured
//
// Only integers and strings: the status read back compares equal to the
// one written, so a refresh with nothing new writes nothing.
#ifndef CAPSTAN_CONTROLLER_DEPLOY_STATS_H_
#define CAPSTAN_CONTROLLER_DEPLOY_STATS_H_

#include <cstdint>
#include <string>

#include "yaml/node.h"

namespace capstan::controller {

// Counts a finished operation (phase Succeeded|Failed|Error) into `status`,
// whose history already holds the entry a successful one appended.
void CountOperation(yaml::Node& status, const std::string& phase, bool rollback);

struct DeployMeasure {
  bool measured = false;
  bool rollback = false;
  int64_t ms = 0;
};

// The app is Healthy now: measures the pending history entry (a deploy:
// when Synced at its revision; a rollback: at once). `commit_seen_ms` is when the controller
// first saw that revision (0: unknown).
DeployMeasure MeasureHealthy(yaml::Node& status, int64_t now_ms, int64_t commit_seen_ms);

// succeeded/total of `status` (-1 when no operation was counted).
double SuccessRate(const yaml::Node& status);

}  // namespace capstan::controller

#endif  // CAPSTAN_CONTROLLER_DEPLOY_STATS_H_
