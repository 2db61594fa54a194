// The Application `.operation` protocol, as Argo CD's: a client (kubectl
// patch, `argocd app sync`, `capstan app sync`, the automated policy)
// writes `.operation`; the controller claims it by writing
// `status.operationState` {phase: Running, operation, startedAt} with a
// resourceVersion precondition (so two controllers or a controller and a
// CLI never run it twice), runs it, then writes the final phase
// (Succeeded | Failed | Error), syncResult and finishedAt and removes
// `.operation` in the same JSON patch. Setting
// `status.operationState.phase: Terminating` stops a running operation at
// its next wait.
#ifndef CAPSTAN_CONTROLLER_OPERATION_H_
#define CAPSTAN_CONTROLLER_OPERATION_H_

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>

#include "app/application.h"
#include "app/manager.h"
#include "base/clock.h"
#include "yaml/node.h"

namespace capstan::controller {

struct ParsedOperation {
  app::SyncRequest request;
  std::optional<sync::RetryPolicy> retry;  // operation.retry
  std::string error;                       // the operation is invalid
};

// Reads `.operation` (sync only; rollbacks are syncs with a source).
ParsedOperation ParseOperation(const yaml::Node& operation, const app::Application& app);

// Thrown out of a running sync when its operation is terminated.
class OperationTerminated : public std::runtime_error {
 public:
  OperationTerminated() : std::runtime_error("operation terminated") {}
};

// The wall clock, except that sleeping on a thread whose operation was
// asked to terminate throws OperationTerminated; a sleep during which it
// is asked returns early (checked every 50 ms), so that the sync engine
// stops through EngineOptions::terminated = TerminateRequested and
// deletes its running hooks first.
class TerminableClock : public base::Clock {
 public:
  int64_t NowMs() override;
  std::chrono::steady_clock::time_point Monotonic() override;
  void SleepMs(int64_t ms) override;
  // The flag checked by SleepMs on this thread (nullptr: none).
  static void SetThreadFlag(const std::atomic<bool>* flag);
  // Whether this thread's operation was asked to terminate.
  static bool TerminateRequested();
};

}  // namespace capstan::controller

#endif  // CAPSTAN_CONTROLLER_OPERATION_H_
