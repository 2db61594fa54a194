// One function per `capstan app` subcommand: what the command does, without
// its flags or its output format (src/cli/app_command.cc parses flags and
// prints; everything else is here, so tests and other front ends can call
// the same code).
#ifndef CAPSTAN_APP_COMMANDS_H_
#define CAPSTAN_APP_COMMANDS_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/application.h"
#include "app/kube_target.h"
#include "app/manager.h"
#include "app/sync_many.h"
#include "kube/client.h"
#include "yaml/yaml.h"

namespace capstan::app {

// Where Applications live and how to reach the cluster.
struct SessionOptions {
  std::string kubeconfig, context;
  std::string file;                     // work on Applications from this file (nothing stored)
  std::string cache_dir, credentials;   // Git cache, repository credentials file
  std::string apps_namespace = "argocd";
  int connections = 2 * kDefaultSyncWorkers;  // warm connections kept (>= sync workers)
  int64_t wave_delay_ms = -1;           // -1: WaveDelayFromEnvironment()
  // Per-resource progress lines (nullptr: none).
  std::function<void(const std::string& app, const std::string& line)> progress;
  // ManagerOptions::after_sync (the CLI unseals SealedSecrets with it).
  std::function<std::vector<std::string>(const std::vector<yaml::Node>&, sync::Target&)> after_sync;
};

// CAPSTAN_SYNC_WAVE_DELAY_MS, else ARGOCD_SYNC_WAVE_DELAY (seconds), else -1.
int64_t WaveDelayFromEnvironment();

// Client, target and manager for one command; Applications from --file
// when given (their AppProjects made known to the manager).
class Session {
 public:
  explicit Session(const SessionOptions& options);
  Manager& manager() { return *manager_; }
  KubeTarget& target() { return *target_; }
  kube::Client& client() { return *client_; }
  const std::string& apps_namespace() const { return apps_namespace_; }
  bool from_file() const { return from_file_; }
  std::vector<Application> Apps();                 // stored, or from the file
  Application App(const std::string& name);        // AppError when absent

 private:
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<KubeTarget> target_;
  std::unique_ptr<Manager> manager_;
  std::vector<Application> file_apps_;
  bool from_file_ = false;
  std::string apps_namespace_;
};

// Every mapping document of a file, or of the .yaml/.yml/.json files under a
// directory (sorted). `where` is the file each came from.
struct Document {
  yaml::Node object;
  std::string where;
};
std::vector<Document> ReadDocuments(const std::string& path);

// app create: validates every document first (Applications and AppProjects
// only), then stores AppProjects before Applications. Without `upsert` an
// existing Application is an error. `stored` sees each "kind/name" stored.
void CreateApps(Session& session, const std::string& path, bool upsert,
                const std::function<void(const std::string&)>& stored);

// app list: the Applications, refreshed (errors go to status.conditions).
std::vector<Application> ListApps(Session& session, bool refresh, RefreshMode mode);

// app get: refreshes when asked; returns the refresh error ("" when none).
std::string GetApp(Session& session, Application& app, bool refresh, RefreshMode mode);

// app diff: the resources that differ from Git (not Synced, hooks left
// out), compared against `revision` ("" = targetRevision).
std::vector<ResourceState> DiffApp(Session& session, Application& app, RefreshMode mode,
                                   const std::string& revision);

// Applications named, plus those whose label matches `selector`
// (key=value, or key for any value). AppError when the selector matches none.
std::vector<Application> SelectApps(Session& session, const std::vector<std::string>& names,
                                    const std::string& selector);

// app sync: one request per app from the shared flags; `resource_flags` are
// GROUP:KIND:NAME or GROUP:KIND:NAMESPACE/NAME (AppError when malformed).
struct SyncFlags {
  std::string revision;
  bool prune = false, dry_run = false;
  std::vector<std::string> resource_flags;
  int workers = kDefaultSyncWorkers;
};
std::vector<SyncOutcome> SyncApps(Session& session, std::vector<Application>& apps, const SyncFlags& flags,
                                  const std::function<void(const Application&, const SyncOutcome&)>& done = {});

// SyncApps without the flags: requests already built.
std::vector<SyncOutcome> SyncThroughLock(Session& session, std::vector<Application>& apps,
                                         const std::vector<SyncRequest>& requests, int workers,
                                         const std::function<void(const Application&, const SyncOutcome&)>& done);

// app rollback: syncs history entry `id` (refused while automated sync is on).
SyncOutcome RollbackApp(Session& session, Application& app, int64_t id, bool prune);

// Both go through the cluster-visible operation lock (app/operation_lock.h):
// with a capstan controller holding its Lease, the operation is written to
// `.operation` and the controller runs it; otherwise it runs here after
// claiming status.operationState. A second concurrent sync of one app fails
// with "another operation is already in progress".

// "apps:Deployment:web" or "apps:Deployment:ns/web" -> the key selective
// sync matches (sync::GroupKindKey form).
std::string ParseResourceFlag(const std::string& flag, const std::string& default_ns);

// app wait: refreshes every `poll_ms` until the wanted states hold or
// `timeout_seconds` pass (neither wanted = both).
struct WaitOptions {
  bool health = false, sync = false;
  double timeout_seconds = 300;
  int poll_ms = 500;
};
struct WaitResult {
  bool reached = false;
  std::string sync, health;
  std::string notes;        // why not, on timeout (Manager::Notes)
};
WaitResult WaitForApp(Session& session, Application& app, WaitOptions options);

// app delete: stored Applications only.
void DeleteApp(Session& session, Application& app, bool cascade);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_COMMANDS_H_
