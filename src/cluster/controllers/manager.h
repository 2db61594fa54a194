// The simulated control plane: kubelet + scheduler + the built-in
// controllers, run as one reconcile loop over the store. Deterministic:
// each pass looks at the current objects and the simulated clock only.
#ifndef CAPSTAN_CLUSTER_CONTROLLERS_MANAGER_H_
#define CAPSTAN_CLUSTER_CONTROLLERS_MANAGER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "cluster/clock.h"
#include "cluster/resources.h"
#include "cluster/store.h"

namespace capstan::cluster {

struct SimOptions {
  int nodes = 1;
  std::string rules_file;
  double pod_start_seconds = 1.0;
  std::string ca_pem;
};

class ControllerManager {
 public:
  ControllerManager(Store* store, Registry* registry, Clock* clock, SimOptions options);
  ~ControllerManager();
  // Creates the objects every cluster has (namespaces, nodes, ...).
  void Bootstrap();
  void Start();
  void Stop();
  // One reconcile pass over everything (tests call it directly).
  void RunOnce();

  struct State;

 private:
  std::unique_ptr<State> state_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_CONTROLLERS_MANAGER_H_
