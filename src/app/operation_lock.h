// One operation per Application at a time, visible in the cluster (Argo
// CD's `.operation` / `status.operationState` protocol):
//  - when a capstan controller holds its Lease in the apps namespace,
//    `capstan app sync|rollback` hand the sync to it: they write
//    `.operation` (refused while an operation is in progress) and wait for
//    the controller to finish it;
//  - otherwise they sync in-process after claiming the app: a JSON patch
//    that tests metadata.resourceVersion and sets operationState
//    {phase: Running}. A second claimant sees Running (or a failed
//    precondition) and stops with "another operation is already in
//    progress", so hooks never run twice and no history entry is lost.
//    A Running claim older than kStaleClaimMs (a CLI that was killed) is
//    taken over.
#ifndef CAPSTAN_APP_OPERATION_LOCK_H_
#define CAPSTAN_APP_OPERATION_LOCK_H_

#include <cstdint>
#include <functional>
#include <string>

#include "app/application.h"
#include "app/manager.h"
#include "kube/client.h"

namespace capstan::app {

inline constexpr int64_t kStaleClaimMs = 10 * 60 * 1000;

// Whether a capstan controller holds a fresh Lease (capstan-controller or
// capstan-controller-shard-N) in `ns`.
bool ControllerActive(kube::ResourceClient& client, const std::string& ns, int64_t now_ms);

// The `.operation` a request stands for (Argo CD's shape).
yaml::Node OperationOf(const SyncRequest& request);

// Claims `app` for an in-process sync (see above); updates app.object to
// the claimed object. Throws AppError when another operation holds it.
void ClaimOperation(kube::ResourceClient& client, Application& app, const SyncRequest& request, int64_t now_ms);
// Marks a claimed operation Error when the sync threw before writing its
// own final state.
void AbortOperation(kube::ResourceClient& client, Application& app, const std::string& message, int64_t now_ms);

// Writes app.object's status after change(status) with a resourceVersion
// precondition (a JSON patch testing metadata.resourceVersion); when
// another writer got there first, reads the object again and applies
// change to the fresh status (up to kStatusWriteAttempts times). Updates
// app.object to the stored object. A missing object (an Application from
// a file) is left alone. Throws AppError.
inline constexpr int kStatusWriteAttempts = 20;
void WriteStatusChecked(kube::ResourceClient& client, Application& app,
                        const std::function<void(yaml::Node& status)>& change);

// Writes `.operation` for the controller and waits (polling every 200 ms,
// up to timeout_s) until it removed it; the outcome is read back from
// status.operationState. Throws AppError when an operation is in progress
// or on timeout.
SyncOutcome RequestOperation(kube::ResourceClient& client, Application& app, const SyncRequest& request,
                             double timeout_s);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_OPERATION_LOCK_H_
