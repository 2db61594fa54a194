// `capstan controller`: Argo CD's application controller for Applications
// stored in a cluster, talking to it only through src/kube.
//
// - An informer (list + watch) of Applications in the apps namespace; a
//   cluster cache (src/cache) of every kind the apps use.
// - Two work queues, as Argo CD's: app_reconciliation_queue (status
//   processors: refresh, status, automated sync decision, refresh
//   annotation, finalizers) and app_operation_processing_queue (operation
//   processors: the `.operation` protocol, see operation.h).
// - An app is refreshed when its spec or annotations change, when one of
//   its live objects changes (cache callback), when its repository moves to
//   a new commit (one fetch per repository per poll interval, for all apps
//   of that repository) and on resync (interval + random jitter).
// - Status is written only when it changed (reconciledAt aside).
// - Kubernetes Events on the Application for operation start/end and health
//   changes; metrics with Argo CD's names (metrics_collector.cc).
#ifndef CAPSTAN_CONTROLLER_CONTROLLER_H_
#define CAPSTAN_CONTROLLER_CONTROLLER_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/kube_target.h"
#include "app/manager.h"
#include "cache/cluster_cache.h"
#include "controller/auto_sync.h"
#include "controller/cached_target.h"
#include "controller/metrics.h"
#include "controller/operation.h"
#include "controller/shard.h"
#include "controller/shard_lease.h"
#include "controller/work_queue.h"
#include "kube/client.h"

namespace capstan::controller {

struct ControllerOptions {
  std::string apps_namespace = "argocd";
  int status_processors = 20;
  int operation_processors = 10;
  int64_t resync_ms = 120000;        // 0: no periodic resync
  int64_t resync_jitter_ms = 60000;
  int64_t repo_poll_ms = 0;          // 0: the resync interval
  SelfHealBackoff self_heal;
  app::ManagerOptions manager;       // cache_dir, credentials, engine, servers
  std::string server;                // destination URL of the cluster we talk to (metrics label)
  // Sharding (Argo CD's legacy algorithm hashes the destination cluster;
  // capstan has one destination per controller, so replicas split the
  // Applications by the same FNV-32a hash of namespace/name).
  int shard = 0, replicas = 1;
  ShardingMethod sharding = ShardingMethod::kLegacy;
  // With replicas > 1 every shard has a Lease (shard_lease.h): a live
  // replica adopts the apps of one that stopped renewing within
  // shard_lease_duration_ms and gives them back when it returns.
  int64_t shard_lease_duration_ms = 15000;
  // The client the shard Leases are kept with: its own throttle, so a burst
  // of syncs never delays a renewal past the lease (nullptr: the main one).
  kube::Client* lease_client = nullptr;
  // Singleton duties and liveness: the lease this process must hold before
  // it processes anything ("" = no leader election).
  std::string lease_name;
  std::string identity;
  int64_t lease_duration_ms = 15000;
  // ApplicationSets in the apps namespace (Argo CD's applicationset
  // controller, here in the same process); requeued every appset_resync_ms.
  bool applicationsets = true;
  int64_t appset_resync_ms = 180000;
  std::function<void(const std::string& level, const std::string& message, const std::string& app)> log;
  // Memory (docs/decisions.md): glibc malloc arenas for the process (set at
  // Start; 0 = glibc's default of 8 per core), and how often free heap
  // pages are handed back to the kernel (malloc_trim; 0 = never).
  int malloc_arenas = 2;
  int64_t trim_interval_ms = 10000;
};

class Controller {
 public:
  Controller(kube::Client& client, ControllerOptions options);
  ~Controller();
  // Starts every thread and returns.
  void Start();
  // Stops taking work, lets running operations finish, joins.
  void Stop();
  // Prometheus text of every metric.
  std::string RenderMetrics();
  bool leading() const { return leading_; }

 private:
  // What the repository poller and the metrics read of an Application,
  // without unpacking it.
  struct AppInfo {
    std::string ns, project, repo_url, target_revision, dest_server, dest_namespace;
    std::string sync_status, health_status, sync_revision;
    bool autosync = false, deleting = false, operation = false;
    // status.capstan.deployments (deploy_stats.h); -1 when absent.
    double success_rate = -1, time_to_deploy_s = -1, time_to_rollback_s = -1;
  };
  struct AppEntry {
    std::string packed;  // the Application as last seen (cache::Pack)
    std::string rv;      // its metadata.resourceVersion
    AppInfo info;
    int64_t next_resync_ms = 0;
  };
  static void StoreApp(AppEntry& e, const yaml::Node& obj);
  void WatchApps();
  void WatchAppSets();
  void AppSetWorker();
  void ReconcileAppSet(const std::string& name);
  void OnAppEvent(const std::string& type, const yaml::Node& obj);
  void OnCacheChange(const std::string& app, const resource::ResId& id);
  void Ticker();
  void PollRepos();
  void ReuseManifests(const yaml::Node& obj, const std::string& old_commit, const std::string& new_commit);
  void StatusWorker();
  void OperationWorker();
  void Refresh(const std::string& name);
  void RunOperation(const std::string& name);
  void HandleDeletion(const yaml::Node& obj);
  std::optional<yaml::Node> Snapshot(const std::string& name);
  bool Mine(const std::string& name);
  // Watches the kinds of `status.resources` and `desired`; *missed is set
  // when one of them was not in `watched_before` (a comparison made then
  // did not see its live objects).
  void WatchKindsOf(const yaml::Node& status, const std::vector<yaml::Node>& desired,
                    const std::set<std::string>* watched_before, bool* missed);
  // JSON patch on the Application; false on conflict or failure (logged).
  bool PatchApp(const std::string& name, const yaml::Node& ops);
  void Event(const yaml::Node& app, const std::string& type, const std::string& reason, const std::string& message);
  void Log(const std::string& level, const std::string& message, const std::string& app = "");
  void DeclareMetrics();
  void CountRequest(const std::string& verb, const resource::Gvk& gvk, const std::string& ns, int code);

  kube::Client& client_;
  ControllerOptions options_;
  TerminableClock clock_;
  std::unique_ptr<cache::ClusterCache> cache_;
  std::unique_ptr<cache::ClusterCache> projects_;  // AppProjects of the apps namespace
  std::unique_ptr<app::KubeTarget> kube_target_;
  std::unique_ptr<CachedTarget> target_;
  std::unique_ptr<app::Manager> manager_;
  WorkQueue refresh_queue_{"app_reconciliation_queue"};
  WorkQueue operation_queue_{"app_operation_processing_queue"};
  WorkQueue appset_queue_{"applicationset_queue"};
  std::map<std::string, yaml::Node> appsets_;  // guarded by mu_
  Registry metrics_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> leading_{false};
  std::atomic<bool> apps_synced_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::map<std::string, AppEntry> apps_;
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> running_;  // operations in flight -> terminate flag
  std::set<std::string> lease_lost_;  // running operations terminated because their shard's Lease was lost
  std::map<std::string, std::string> repo_errors_;                      // repo URL -> fetch error
  std::map<std::string, std::pair<std::string, int64_t>> commit_seen_;  // app -> (commit, first seen ms)
  std::set<std::string> hard_refresh_;                                  // apps whose next refresh is hard
  std::mt19937_64 rng_{std::random_device{}()};
  int64_t start_ms_ = 0;
  std::mutex watch_kinds_mu_;
  std::unique_ptr<ShardMap> shard_map_;
  ShardOwnership owned_;                          // shards whose apps this process works on
  std::unique_ptr<ShardLeaseKeeper> shard_leases_;  // replicas > 1 or --leader-elect
  void OnShardChange(int shard, bool held);
};

// FNV-32a of "namespace/name" modulo replicas: the shard owning an app.
int ShardOf(const std::string& ns, const std::string& name, int replicas);

}  // namespace capstan::controller

#endif  // CAPSTAN_CONTROLLER_CONTROLLER_H_
