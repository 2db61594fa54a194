// End-to-end: Applications from a local bare Git repository synced into the
// in-process local cluster (src/cluster) through the Kubernetes client.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "app/manager.h"
#include "app/sync_many.h"
#include "base/clock.h"
#include "tests/lib/git_remote.h"
#include "tests/lib/local_cluster.h"
#include "yaml/yaml.h"

namespace fs = std::filesystem;
using namespace capstan;

namespace {

std::string Deployment(const std::string& name, const std::string& image, const std::string& extra_meta = "") {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n" + extra_meta +
         "spec:\n  replicas: 1\n  progressDeadlineSeconds: 30\n  selector:\n    matchLabels:\n      app: " + name +
         "\n  template:\n    metadata:\n      labels:\n        app: " + name +
         "\n    spec:\n      containers:\n      - name: " + name + "\n        image: " + image + "\n";
}

std::string ConfigMap(const std::string& name, const std::string& extra_meta = "") {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n" + extra_meta + "data:\n  k: v\n";
}

class E2E : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster::ServerOptions so;
    so.speed = 50;
    so.pod_start_seconds = 1;
    local_ = std::make_unique<e2e::LocalCluster>("e2e", so, "rules:\n- image: \"*crash*\"\n  behavior: crashloop\n");
    root_ = local_->root;
    client_ = local_->client.get();
    target_ = local_->target.get();

    repo_ = std::make_unique<testlib::GitRemote>(root_);
  }
  void TearDown() override {
    manager_.reset();
    local_.reset();
  }

  app::Manager& M(base::Clock* clock = nullptr, bool checked_status = false) {
    app::ManagerOptions o;
    o.cache_dir = (root_ / "cache").string();
    o.clock = clock;
    if (checked_status) o.status_client = client_;  // as `capstan app` sets it
    o.engine.wave_delay_ms = 50;
    o.engine.poll_interval_ms = 100;
    o.engine.health_timeout_ms = 30000;
    manager_ = std::make_unique<app::Manager>(*target_, o);
    return *manager_;
  }

  app::Application StoreApp(app::Manager& m, const std::string& path, const std::string& project = "default",
                            const std::string& extra = "") {
    std::string text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: demo\n"
                       "  namespace: argocd\nspec:\n  project: " + project + "\n  source:\n    repoURL: " + repo_->Url() +
                       "\n    targetRevision: main\n    path: " + path +
                       "\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: demo\n"
                       "  syncPolicy:\n    syncOptions:\n    - CreateNamespace=true\n" + extra;
    m.Store(yaml::ParseOne(text), "app.yaml");
    return m.Get("demo");
  }
  std::optional<yaml::Node> Live(const std::string& api, const std::string& kind, const std::string& ns,
                                 const std::string& name) {
    return target_->Get({resource::Gvk::FromApiVersion(api, kind), ns, name});
  }
  int64_t Rv(const yaml::Node& obj) { return std::stoll(obj.StrAt({"metadata", "resourceVersion"}, "0")); }

  std::unique_ptr<e2e::LocalCluster> local_;
  fs::path root_;
  kube::Client* client_ = nullptr;
  app::KubeTarget* target_ = nullptr;
  std::unique_ptr<testlib::GitRemote> repo_;
  std::unique_ptr<app::Manager> manager_;
};

TEST_F(E2E, SyncWavesHooksImageChangePruneAndRollback) {
  repo_->Put("app/web.yaml", Deployment("web", "nginx:1.0"));
  repo_->Put("app/config.yaml", ConfigMap("config", "  annotations:\n    argocd.argoproj.io/sync-wave: \"-1\"\n"));
  repo_->Put("app/late.yaml", ConfigMap("late", "  annotations:\n    argocd.argoproj.io/sync-wave: \"2\"\n"));
  repo_->Put("app/old.yaml", ConfigMap("old"));
  repo_->Put("app/migrate.yaml",
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n"
      "    argocd.argoproj.io/hook: PreSync\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n"
      "      containers:\n      - name: m\n        image: busybox:1.36\n");
  std::string first = repo_->Commit("first");
  app::Manager& m = M();
  app::Application app = StoreApp(m, "app");

  app::SyncOutcome s = m.Sync(app, {});
  ASSERT_EQ(s.result.phase, "Succeeded") << s.result.message;
  auto job = Live("batch/v1", "Job", "demo", "migrate");
  auto config = Live("v1", "ConfigMap", "demo", "config");
  auto web = Live("apps/v1", "Deployment", "demo", "web");
  auto late = Live("v1", "ConfigMap", "demo", "late");
  ASSERT_TRUE(job && config && web && late);
  // Created in order: Namespace (CreateNamespace), PreSync hook, wave -1,
  // wave 0, wave 2, as the operation's result records them.
  std::vector<std::string> order;
  for (const auto& r : s.result.resources) order.push_back(r.id.gvk.kind + "/" + r.id.name);
  EXPECT_EQ(order, (std::vector<std::string>{"Job/migrate", "ConfigMap/config", "ConfigMap/old",
                                             "Deployment/web", "ConfigMap/late"}));
  EXPECT_EQ(s.result.resources[0].hook_phase, "Succeeded");
  EXPECT_TRUE(job->StrAt({"status", "succeeded"}) == "1") << yaml::EmitYaml(*job);
  EXPECT_EQ(s.after.sync_status, "Synced");

  // Image tag change: OutOfSync, then Synced.
  repo_->Put("app/web.yaml", Deployment("web", "nginx:1.1"));
  fs::remove(fs::path(repo_->Work()) / "app/old.yaml");
  std::string second = repo_->Commit("bump web, drop old");
  app = m.Get("demo");
  app::Comparison c = m.Refresh(app);
  EXPECT_EQ(c.revision, second);
  EXPECT_EQ(c.sync_status, "OutOfSync");
  s = m.Sync(app, {});
  ASSERT_EQ(s.result.phase, "Succeeded") << s.result.message;
  EXPECT_EQ(Live("apps/v1", "Deployment", "demo", "web")
                ->At({"spec", "template", "spec", "containers"})->items[0].StrAt({"image"}),
            "nginx:1.1");
  // Pruning only when asked.
  EXPECT_TRUE(Live("v1", "ConfigMap", "demo", "old"));
  EXPECT_EQ(s.after.sync_status, "OutOfSync");
  app::SyncRequest prune;
  prune.prune = true;
  s = m.Sync(app, prune);
  ASSERT_EQ(s.result.phase, "Succeeded") << s.result.message;
  EXPECT_FALSE(Live("v1", "ConfigMap", "demo", "old"));
  EXPECT_EQ(s.after.sync_status, "Synced");

  // Rollback to the first deployment.
  app = m.Get("demo");
  s = m.Rollback(app, 0);
  ASSERT_EQ(s.result.phase, "Succeeded") << s.result.message;
  EXPECT_EQ(s.revision, first);
  EXPECT_TRUE(Live("v1", "ConfigMap", "demo", "old"));
  EXPECT_EQ(Live("apps/v1", "Deployment", "demo", "web")
                ->At({"spec", "template", "spec", "containers"})->items[0].StrAt({"image"}),
            "nginx:1.0");
  app = m.Get("demo");
  EXPECT_EQ(app.object.At({"status", "history"})->size(), 4u);
  EXPECT_EQ(app.object.StrAt({"status", "operationState", "syncResult", "revision"}), first);
}

// Status writers that read the Application before another writer wrote it
// (issue 9, defect 2): a refresh from a stale read keeps the history and
// operationState a sync wrote meanwhile, and two syncs from stale reads
// both keep their history entries. Each write is checked by resourceVersion
// and re-applied to a fresh read on conflict.
TEST_F(E2E, StaleStatusWritersLoseNoHistoryEntry) {
  repo_->Put("app/config.yaml", ConfigMap("config"));
  repo_->Commit("first");
  app::Manager& m = M(nullptr, /*checked_status=*/true);
  StoreApp(m, "app");
  auto stored = [&] { return m.Get("demo").object; };

  app::Application refresher = m.Get("demo");  // read before the sync
  app::Application syncer = m.Get("demo");
  ASSERT_EQ(m.Sync(syncer, {}).result.phase, "Succeeded");
  ASSERT_EQ(stored().At({"status", "history"})->size(), 1u);
  m.Refresh(refresher);  // writes sync/health/resources from its stale read
  yaml::Node now = stored();
  ASSERT_TRUE(now.At({"status", "history"}));
  EXPECT_EQ(now.At({"status", "history"})->size(), 1u) << yaml::EmitYaml(now);
  EXPECT_EQ(now.StrAt({"status", "operationState", "phase"}), "Succeeded");
  EXPECT_EQ(now.StrAt({"status", "sync", "status"}), "Synced");
  // The refresher's object is the stored one now.
  EXPECT_EQ(refresher.object.StrAt({"metadata", "resourceVersion"}), now.StrAt({"metadata", "resourceVersion"}));

  app::Application a = m.Get("demo"), b = m.Get("demo");
  ASSERT_EQ(m.Sync(a, {}).result.phase, "Succeeded");
  ASSERT_EQ(m.Sync(b, {}).result.phase, "Succeeded");
  now = stored();
  ASSERT_EQ(now.At({"status", "history"})->size(), 3u) << yaml::EmitYaml(now);
  std::vector<int64_t> ids;
  for (const auto& h : now.At({"status", "history"})->items) ids.push_back(h.Get("id")->AsInt(-1));
  EXPECT_EQ(ids, (std::vector<int64_t>{0, 1, 2}));
}

TEST_F(E2E, CrashLoopingImageIsDegradedWithReason) {
  repo_->Put("app/web.yaml", Deployment("fulfillment", "registry.example.com/crash:1"));
  repo_->Commit("crash");
  app::Manager& m = M();
  app::Application app = StoreApp(m, "app");
  app::SyncOutcome s = m.Sync(app, {});
  ASSERT_EQ(s.result.phase, "Succeeded") << s.result.message;
  std::string notes;
  std::string health;
  for (int i = 0; i < 100; ++i) {
    app = m.Get("demo");
    m.Refresh(app);
    health = app.object.StrAt({"status", "health", "status"});
    notes = m.Notes(app);
    if (health == "Degraded" && notes.find("CrashLoopBackOff") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(health, "Degraded");
  EXPECT_EQ(notes, "fulfillment Deployment: CrashLoopBackOff");
}

TEST_F(E2E, ProjectViolationAppliesNothing) {
  repo_->Put("app/role.yaml",
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: too-much\nrules: []\n");
  repo_->Put("app/cfg.yaml", ConfigMap("cfg"));
  repo_->Commit("clusterrole");
  app::Manager& m = M();
  m.Store(yaml::ParseOne("apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: dev\n"
                         "  namespace: argocd\nspec:\n  sourceRepos: ['*']\n  destinations:\n"
                         "  - server: https://kubernetes.default.svc\n    namespace: demo\n"),
          "project.yaml");
  app::Application app = StoreApp(m, "app", "dev");
  app::SyncOutcome s = m.Sync(app, {});
  EXPECT_EQ(s.result.phase, "Error");
  EXPECT_NE(s.result.message.find("ClusterRole is not permitted in project dev"), std::string::npos)
      << s.result.message;
  EXPECT_FALSE(Live("v1", "Namespace", "", "demo"));
  EXPECT_FALSE(Live("v1", "ConfigMap", "demo", "cfg"));
  EXPECT_FALSE(Live("rbac.authorization.k8s.io/v1", "ClusterRole", "", "too-much"));
}

// `capstan app sync -l`: many Applications of one repository, in parallel,
// against one prefetched view of the live objects.
TEST_F(E2E, ParallelSyncOfManyAppsSharingANamespace) {
  const int n = 12;
  for (int i = 0; i < n; ++i) {
    std::string svc = "svc" + std::to_string(i);
    repo_->Put("apps/" + svc + "/all.yaml", ConfigMap(svc + "-config") + "---\n" + Deployment(svc, "registry.example.com/" + svc + ":1"));
  }
  repo_->Put("apps/svc0/old.yaml", ConfigMap("svc0-old"));
  repo_->Commit("services");
  app::Manager& m = M();
  for (int i = 0; i < n; ++i) {
    std::string svc = "svc" + std::to_string(i);
    m.Store(yaml::ParseOne("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " + svc +
                           "\n  namespace: argocd\nspec:\n  source:\n    repoURL: " + repo_->Url() +
                           "\n    targetRevision: main\n    path: apps/" + svc +
                           "\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: shared\n"
                           "  syncPolicy:\n    syncOptions:\n    - CreateNamespace=true\n"),
            svc + ".yaml");
  }
  std::vector<app::Application> apps = m.List();
  ASSERT_EQ(apps.size(), static_cast<size_t>(n));
  target_->Prefetch(app::kInstanceLabel);
  std::vector<app::SyncRequest> requests(apps.size());
  std::vector<app::SyncOutcome> outs = app::SyncMany(m, apps, requests, 5);
  for (size_t i = 0; i < outs.size(); ++i) {
    EXPECT_EQ(outs[i].result.phase, "Succeeded") << apps[i].name << ": " << outs[i].result.message;
    // The cache saw this sync's own applies: nothing left out of sync.
    EXPECT_EQ(outs[i].after.sync_status, "Synced") << apps[i].name;
    EXPECT_TRUE(Live("apps/v1", "Deployment", "shared", apps[i].name)) << apps[i].name;
  }
  // A file removed from Git: the prefetched view finds it to prune.
  repo_->Git("rm -q apps/svc0/old.yaml");
  repo_->Commit("drop old config");
  app::Manager& fresh = M();
  app::Application svc0 = fresh.Get("svc0");
  target_->Prefetch(app::kInstanceLabel);
  app::SyncRequest prune;
  prune.prune = true;
  std::vector<app::Application> one = {svc0};
  outs = app::SyncMany(fresh, one, {prune}, 5);
  EXPECT_EQ(outs[0].result.phase, "Succeeded") << outs[0].result.message;
  EXPECT_EQ(outs[0].after.sync_status, "Synced");
  EXPECT_FALSE(Live("v1", "ConfigMap", "shared", "svc0-old"));
  EXPECT_TRUE(Live("v1", "ConfigMap", "shared", "svc1-config"));
  // Without the prefetch (one list per kind), a comparison agrees.
  target_->Invalidate();
  for (const char* name : {"svc0", "svc7"}) {
    app::Application a = fresh.Get(name);
    EXPECT_EQ(fresh.Refresh(a).sync_status, "Synced") << name;
  }
}

TEST_F(E2E, RetryStopsAtLimitOnFakeClock) {
  // A custom resource whose CRD is not installed fails its dry run every time.
  repo_->Put("app/widget.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n");
  repo_->Put("app/cfg.yaml", ConfigMap("cfg"));
  repo_->Commit("widget");
  base::FakeClock clock;
  app::Manager& m = M(&clock);
  app::Application app = StoreApp(m, "app", "default",
                                  "    retry:\n      limit: 4\n      backoff:\n        duration: 5s\n"
                                  "        factor: 2\n        maxDuration: 30s\n");
  clock.sleeps.clear();
  app::SyncOutcome s = m.Sync(app, {});
  EXPECT_EQ(s.result.phase, "Failed");
  EXPECT_EQ(s.result.retry_count, 4);
  EXPECT_EQ(clock.sleeps, (std::vector<int64_t>{5000, 10000, 20000, 30000}));
  EXPECT_FALSE(Live("v1", "ConfigMap", "demo", "cfg"));  // dry run failed: nothing applied
}

}  // namespace
