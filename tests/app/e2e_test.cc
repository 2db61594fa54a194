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
#include "tests/lib/local_cluster.h"
#include "yaml/yaml.h"

namespace fs = std::filesystem;
using namespace capstan;

namespace {

std::string Sh(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[256];
  while (fgets(buf, sizeof buf, p)) out += buf;
  if (pclose(p) != 0) ADD_FAILURE() << "command failed: " << cmd;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

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

    Sh("git init -q -b main " + Work());
    Git("config user.email t@example.com");
    Git("config user.name Test");
    Sh("git init -q --bare -b main " + (root_ / "remote.git").string());
  }
  void TearDown() override {
    manager_.reset();
    local_.reset();
  }

  app::Manager& M(base::Clock* clock = nullptr) {
    app::ManagerOptions o;
    o.cache_dir = (root_ / "cache").string();
    o.clock = clock;
    o.engine.wave_delay_ms = 50;
    o.engine.poll_interval_ms = 100;
    o.engine.health_timeout_ms = 30000;
    manager_ = std::make_unique<app::Manager>(*target_, o);
    return *manager_;
  }

  std::string Work() const { return (root_ / "work").string(); }
  std::string Url() const { return "file://" + (root_ / "remote.git").string(); }
  std::string Git(const std::string& a) { return Sh("git -C " + Work() + " " + a); }
  void Put(const std::string& path, const std::string& text) { Write(fs::path(Work()) / path, text); }
  std::string Commit(const std::string& msg) {
    Git("add -A");
    Git("commit -q -m '" + msg + "'");
    Git("push -q " + (root_ / "remote.git").string() + " main");
    return Git("rev-parse HEAD");
  }
  app::Application StoreApp(app::Manager& m, const std::string& path, const std::string& project = "default",
                            const std::string& extra = "") {
    std::string text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: demo\n"
                       "  namespace: argocd\nspec:\n  project: " + project + "\n  source:\n    repoURL: " + Url() +
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
  std::unique_ptr<app::Manager> manager_;
};

TEST_F(E2E, SyncWavesHooksImageChangePruneAndRollback) {
  Put("app/web.yaml", Deployment("web", "nginx:1.0"));
  Put("app/config.yaml", ConfigMap("config", "  annotations:\n    argocd.argoproj.io/sync-wave: \"-1\"\n"));
  Put("app/late.yaml", ConfigMap("late", "  annotations:\n    argocd.argoproj.io/sync-wave: \"2\"\n"));
  Put("app/old.yaml", ConfigMap("old"));
  Put("app/migrate.yaml",
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n"
      "    argocd.argoproj.io/hook: PreSync\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n"
      "      containers:\n      - name: m\n        image: busybox:1.36\n");
  std::string first = Commit("first");
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
  Put("app/web.yaml", Deployment("web", "nginx:1.1"));
  fs::remove(fs::path(Work()) / "app/old.yaml");
  std::string second = Commit("bump web, drop old");
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

TEST_F(E2E, CrashLoopingImageIsDegradedWithReason) {
  Put("app/web.yaml", Deployment("fulfillment", "registry.example.com/crash:1"));
  Commit("crash");
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
  Put("app/role.yaml",
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: too-much\nrules: []\n");
  Put("app/cfg.yaml", ConfigMap("cfg"));
  Commit("clusterrole");
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
    Put("apps/" + svc + "/all.yaml", ConfigMap(svc + "-config") + "---\n" + Deployment(svc, "registry.example.com/" + svc + ":1"));
  }
  Put("apps/svc0/old.yaml", ConfigMap("svc0-old"));
  Commit("services");
  app::Manager& m = M();
  for (int i = 0; i < n; ++i) {
    std::string svc = "svc" + std::to_string(i);
    m.Store(yaml::ParseOne("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " + svc +
                           "\n  namespace: argocd\nspec:\n  source:\n    repoURL: " + Url() +
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
  Git("rm -q apps/svc0/old.yaml");
  Commit("drop old config");
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
  Put("app/widget.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n");
  Put("app/cfg.yaml", ConfigMap("cfg"));
  Commit("widget");
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
