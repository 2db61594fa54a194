// What every simulated controller gets: typed access to the store (with the
// same admission as API writes), the simulated clock, and shared
// bookkeeping. Writes use the object's resourceVersion as a precondition;
// a conflict just means the next pass retries.
#ifndef CAPSTAN_CLUSTER_CONTROLLERS_CTX_H_
#define CAPSTAN_CLUSTER_CONTROLLERS_CTX_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/clock.h"
#include "cluster/controllers/manager.h"
#include "cluster/controllers/rules.h"
#include "cluster/resources.h"
#include "cluster/store.h"
#include "yaml/node.h"

namespace capstan::cluster {

struct Ctx {
  Store* store;
  Registry* registry;
  Clock* clock;
  SimOptions options;
  Rules rules;
  // Simulated time at which a uid was first seen / became ready.
  std::map<std::string, double> first_seen, ready_since;
  // Deployment uid -> simulated time of its last progress.
  std::map<std::string, double> progress_at;
  uint64_t last_writes = 0;
  std::string ca_pem;  // for kube-root-ca.crt

  ResourceInfo Res(const std::string& group, const std::string& plural) const;
  std::vector<yaml::Node> List(const ResourceInfo& r, const std::string& ns = "") const;
  std::optional<yaml::Node> Get(const ResourceInfo& r, const std::string& ns,
                                const std::string& name) const;
  // Create applies create admission (uid, defaults). False on failure.
  bool Create(const ResourceInfo& r, yaml::Node obj);
  // Writes `obj` if it differs from `before`; keeps system metadata.
  bool Update(const ResourceInfo& r, const yaml::Node& before, yaml::Node obj);
  // Deletes now (finalizers ignored unless honour_finalizers).
  bool Delete(const ResourceInfo& r, const yaml::Node& obj);
  double Now() const { return clock->Now(); }
  double SeenFor(const std::string& uid);  // simulated seconds since first seen
};

// Helpers used across controllers.
bool IsControlledBy(const yaml::Node& obj, const std::string& owner_uid);
yaml::Node OwnerRef(const yaml::Node& owner, bool controller = true);
bool PodReady(const yaml::Node& pod);
bool PodActive(const yaml::Node& pod);  // not Succeeded/Failed, not terminating
std::string RandomSuffix5();
// fnv32a of the text, rendered the way Kubernetes renders pod-template-hash.
std::string TemplateHash(const yaml::Node& tmpl, int64_t collision_count = 0);
yaml::Node Condition(const std::string& type, const std::string& status,
                     const std::string& reason, const std::string& message,
                     bool with_update_time = false);
// Sets (or replaces) a condition in status.conditions, keeping
// lastTransitionTime when the status did not change.
void SetCondition(yaml::Node& status, yaml::Node cond);
const yaml::Node* FindCondition(const yaml::Node& status, const std::string& type);
int64_t IntAt(const yaml::Node& o, std::initializer_list<std::string_view> path, int64_t fallback = 0);
// Ready for at least min_ready_seconds of simulated time.
bool PodAvailable(Ctx& c, const yaml::Node& pod, int64_t min_ready_seconds);
// Objects of `r` in `ns` whose controller is `owner_uid`.
std::vector<yaml::Node> OwnedBy(Ctx& c, const ResourceInfo& r, const std::string& ns, const std::string& owner_uid);
// `tmpl` with metadata.labels[k] = v.
yaml::Node WithLabel(yaml::Node tmpl, const std::string& k, const std::string& v);
// Creates a pod from a template owned by `owner`.
yaml::Node PodFromTemplate(const yaml::Node& tmpl, const yaml::Node& owner, const std::string& name,
                           const std::string& ns);

void RunKubelet(Ctx& c);
void RunReplicaSets(Ctx& c);
void RunDeployments(Ctx& c);
void RunNamespaces(Ctx& c);
void RunGarbageCollector(Ctx& c);
void RunServiceAccounts(Ctx& c);
void RunServices(Ctx& c);
void RunStatefulSets(Ctx& c);
void RunDaemonSets(Ctx& c);
void RunJobs(Ctx& c);
void RunCronJobs(Ctx& c);
void RunPersistentVolumeClaims(Ctx& c);
void RunIngresses(Ctx& c);
void RunCrdCleanup(Ctx& c);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_CONTROLLERS_CTX_H_
