// The GitOps engine for Applications: refresh (Git -> render -> compare),
// sync (project check -> plan -> engine, with retry), history, rollback and
// delete, with the outcome written to Application.status in Argo CD's shape
// (status.sync, status.health, status.resources, status.summary,
// status.operationState, status.history, status.conditions).
//
// Applications and AppProjects are stored as argoproj.io/v1alpha1 objects
// through the same sync::Target the resources are applied to, so the CLI,
// tests and the benchmark only differ in the Target they pass.
#ifndef CAPSTAN_APP_MANAGER_H_
#define CAPSTAN_APP_MANAGER_H_

#include <functional>
#include <memory>
#include <optional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "app/application.h"
#include "app/compare.h"
#include "app/render.h"
#include "base/clock.h"
#include "git/git.h"
#include "health/health.h"
#include "kube/client.h"
#include "sync/engine.h"
#include "sync/target.h"

namespace capstan::app {

struct ManagerOptions {
  std::string cache_dir;                 // Git mirrors and tree snapshots
  git::Credentials credentials;
  base::Clock* clock = nullptr;          // nullptr: the wall clock
  sync::EngineOptions engine;
  Tracking tracking = Tracking::kLabel;
  health::Options health;
  std::string apps_namespace = "argocd";
  // Destination servers (besides the in-cluster URL and name) that the
  // target serves, e.g. the kubeconfig's server URL.
  std::vector<std::string> servers;
  // Fetch the repository on refresh (off: use the cached mirror when it
  // already has the revision). A URL fetched less than fetch_interval_ms
  // ago is not fetched again (many apps of one repo in one command) unless
  // a hard refresh asks.
  bool fetch = true;
  int64_t fetch_interval_ms = 0;
  // Called with each sync step as it happens (sync::EngineOptions::progress),
  // prefixed by the Application's name; may be called from several threads.
  std::function<void(const std::string& app, const std::string& line)> progress;
  // Called after a successful sync (not a dry run) with the objects from
  // Git and the target, e.g. to unseal SealedSecrets (src/delivery); the
  // lines it returns are appended to the operation's message.
  std::function<std::vector<std::string>(const std::vector<yaml::Node>& desired, sync::Target& target)> after_sync;
  // When set, the status of a stored Application is written through this
  // client with a resourceVersion precondition; on a conflict the object is
  // read again and only this writer's part (the comparison; a sync's
  // operationState and its new history entry) is applied to the fresh
  // status, so concurrent writers never drop each other's history entries
  // or operation state. Unset: target.UpdateStatus (the controller, which
  // writes statuses itself, and tests on a fake target).
  kube::ResourceClient* status_client = nullptr;
};

enum class RefreshMode { kNormal, kHard };

struct SyncRequest {
  std::string revision;                  // "" = spec.source.targetRevision
  std::optional<Source> source;          // rollback: the history entry's source
  bool prune = false;
  bool dry_run = false;
  std::vector<std::string> resources;    // selective sync (sync::GroupKindKey)
  bool automated = false;                // initiated by the automated policy
  std::string initiated_by = "capstan";
};

struct SyncOutcome {
  sync::SyncResult result;
  Comparison after;
  std::string revision;
};

// Operations on different Applications may run on several threads at once
// (the Target must allow it; KubeTarget does); Store() is single-threaded.
class Manager {
 public:
  Manager(sync::Target& target, ManagerOptions options);
  ~Manager();

  // --- stored objects -------------------------------------------------------
  std::vector<Application> List();
  Application Get(const std::string& name);           // AppError when absent
  AppProject Project(const std::string& name);        // "default" falls back to allow-all
  // Validates and stores an Application or AppProject (creating the
  // argoproj.io CRDs when the target lacks them). Returns "kind/name".
  std::string Store(const yaml::Node& obj, const std::string& where);
  // An Application parsed from a file is not stored: its status is only
  // kept in memory.
  void UseProject(const AppProject& project);          // for --file mode

  // --- operations -----------------------------------------------------------
  // Resolves the revision, renders (render cache unless hard), compares with
  // the live objects; writes status (when stored). Throws AppError for an
  // invalid spec, a Git or render failure or a project violation, after
  // recording it in status.conditions.
  Comparison Refresh(Application& app, RefreshMode mode = RefreshMode::kNormal,
                     const std::string& revision = "");
  // The comparison at `revision` (a commit SHA, tag or branch; "" = the
  // target revision) without writing anything: Argo CD's GetManifests.
  // Throws AppError as Refresh does.
  Comparison Preview(const Application& app, const std::string& revision);
  // One sync operation; retried per spec.syncPolicy.retry. Project
  // violations fail it before anything is applied.
  SyncOutcome Sync(Application& app, const SyncRequest& request);
  // Syncs the revision and source of history entry `id` (Argo CD refuses
  // while automated sync is on).
  SyncOutcome Rollback(Application& app, int64_t id, bool prune = false);
  // Deletes the Application; with `cascade` its live resources first, and
  // the Application only once they are gone (AppError on timeout).
  void Delete(Application& app, bool cascade);

  // The NOTES column of `app list`: why the app is not Synced/Healthy
  // ("fulfillment Deployment: CrashLoopBackOff"), "" when all is well.
  std::string Notes(const Application& app);

  RenderCache& render_cache() { return render_cache_; }
  // The render cache key of `app` rendering `source` at `commit`.
  static std::string RenderKey(const Application& app, const Source& source, const std::string& commit);
  git::RepoCache& repos() { return *repos_; }

 private:
  Comparison Refresh(Application& app, RefreshMode mode, const std::string& revision, bool write_status);
  std::string ResolveServer(const Application& app);
  std::vector<yaml::Node> Render(const Application& app, const Source& source,
                                 const std::string& commit, RefreshMode mode);
  std::vector<yaml::Node> Live(const Application& app);
  // Writes the status keys `keys` of app.object (absent ones are removed)
  // and then `also` (e.g. a history entry) over the stored status; see
  // ManagerOptions::status_client.
  void WriteStatus(Application& app, const std::vector<std::string>& keys,
                   const std::function<void(yaml::Node& status)>& also = {});
  void SetCondition(Application& app, const std::string& type, const std::string& message);
  std::string PodReason(const resource::ResId& workload);

  sync::Target& target_;
  ManagerOptions options_;
  base::Clock* clock_;
  std::unique_ptr<git::RepoCache> repos_;
  RenderCache render_cache_;
  std::vector<AppProject> file_projects_;
  std::mutex fetch_mu_;                        // one Git resolve at a time
  std::map<std::string, int64_t> fetched_at_;   // guarded by fetch_mu_
  std::set<std::string> ensured_;              // namespaces and CRDs Store() made sure of
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_MANAGER_H_
