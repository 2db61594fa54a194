// Syncing many Applications at once, as Argo CD's application controller
// does with its operation processors: up to `workers` operations run in
// parallel, each one still wave by wave. Waiting for health and the wave
// delay dominate a single sync, so overlapping them is what makes syncing
// an environment fast; the client's QPS limit still bounds the requests.
#ifndef CAPSTAN_APP_SYNC_MANY_H_
#define CAPSTAN_APP_SYNC_MANY_H_

#include <functional>
#include <vector>

#include "app/manager.h"

namespace capstan::app {

// Argo CD's default --operation-processors.
constexpr int kDefaultSyncWorkers = 10;

// Syncs apps[i] with requests[i]; outcomes are in the order of `apps`,
// without the compared objects (after.desired/after.live are dropped once
// `done` has seen them).
// `done` (optional) is called once per finished app, never concurrently.
// An AppError from one app becomes that app's "Error" outcome.
std::vector<SyncOutcome> SyncMany(Manager& manager, std::vector<Application>& apps,
                                  const std::vector<SyncRequest>& requests, int workers,
                                  const std::function<void(const Application&, const SyncOutcome&)>& done = {});

}  // namespace capstan::app

#endif  // CAPSTAN_APP_SYNC_MANY_H_
