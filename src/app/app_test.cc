#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/application.h"
#include "app/manager.h"
#include "app/project.h"
#include "app/render.h"
#include "sync/fake_target.h"
#include "tests/lib/shell.h"
#include "yaml/yaml.h"

namespace fs = std::filesystem;

namespace capstan::app {
namespace {

yaml::Node Y(const std::string& text) { return yaml::ParseOne(text); }

const char* kSeedApp = R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: auth-dev
  namespace: argocd
spec:
  project: dev-environment
  source:
    repoURL: https://gitlab.com/ta-microservices/gitops.git
    targetRevision: main
    path: apps/auth/overlays/dev
  destination:
    server: https://kubernetes.default.svc
    namespace: auth-dev
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
    - CreateNamespace=true
    retry:
      limit: 5
      backoff:
        duration: 5s
        factor: 2
        maxDuration: 3m
)";

TEST(Application, ParsesTheSeedApplication) {
  Application a = ParseApplication(Y(kSeedApp), "auth.yaml");
  EXPECT_EQ(a.name, "auth-dev");
  EXPECT_EQ(a.project, "dev-environment");
  EXPECT_EQ(a.source.path, "apps/auth/overlays/dev");
  EXPECT_EQ(a.destination.namespace_, "auth-dev");
  EXPECT_TRUE(a.sync_policy.automated && a.sync_policy.prune && a.sync_policy.self_heal);
  EXPECT_TRUE(a.sync_options.create_namespace);
  ASSERT_TRUE(a.sync_policy.retry);
  EXPECT_EQ(a.sync_policy.retry->limit, 5);
  EXPECT_EQ(a.sync_policy.retry->duration_ms, 5000);
  EXPECT_EQ(a.sync_policy.retry->factor, 2);
  EXPECT_EQ(a.sync_policy.retry->max_duration_ms, 180000);
  EXPECT_EQ(a.revision_history_limit, 10);
}

TEST(Application, ErrorsNameFileObjectAndField) {
  std::string text = kSeedApp;
  auto expect_error = [](const std::string& t, const std::string& field) {
    try {
      ParseApplication(Y(t), "apps.yaml");
      ADD_FAILURE() << "no error for " << field;
    } catch (const AppError& e) {
      std::string m = e.what();
      EXPECT_NE(m.find("apps.yaml"), std::string::npos) << m;
      EXPECT_NE(m.find("auth-dev"), std::string::npos) << m;
      EXPECT_NE(m.find(field), std::string::npos) << m;
    }
  };
  std::string no_repo = text;
  no_repo.replace(no_repo.find("    repoURL: https://gitlab.com/ta-microservices/gitops.git\n"),
                  strlen("    repoURL: https://gitlab.com/ta-microservices/gitops.git\n"), "");
  expect_error(no_repo, "spec.source.repoURL");
  std::string bad_duration = text;
  bad_duration.replace(bad_duration.find("duration: 5s"), 12, "duration: soon");
  expect_error(bad_duration, "spec.syncPolicy.retry.backoff.duration");
  std::string bad_option = text;
  bad_option.replace(bad_option.find("CreateNamespace=true"), 20, "CreateNamespace=maybe");
  expect_error(bad_option, "spec.syncPolicy.syncOptions");
}

TEST(Project, SourceReposGlobsAndDeny) {
  AppProject p;
  p.name = "dev";
  p.source_repos = {"https://gitlab.com/ta-microservices/*", "!https://gitlab.com/ta-microservices/secret*"};
  EXPECT_FALSE(CheckSource(p, "https://gitlab.com/ta-microservices/gitops.git"));
  EXPECT_TRUE(CheckSource(p, "https://gitlab.com/ta-microservices/secrets.git"));
  // As in Argo CD, a `!` entry that does not match counts as a match: with
  // a deny entry, repos outside the allowed globs are permitted too.
  EXPECT_FALSE(CheckSource(p, "https://github.com/other/repo"));
  AppProject q;
  q.name = "dev";
  q.source_repos = {"https://gitlab.com/ta-microservices/*"};
  // `*` does not cross `/` in repo URLs.
  EXPECT_TRUE(CheckSource(q, "https://gitlab.com/ta-microservices/group/sub.git"));
  auto msg = CheckSource(q, "https://github.com/other/repo");
  ASSERT_TRUE(msg);
  EXPECT_EQ(*msg, "application repo https://github.com/other/repo is not permitted in project 'dev'");
}

TEST(Project, DestinationsWithDeny) {
  AppProject p;
  p.name = "dev";
  p.destinations = {{"https://kubernetes.default.svc", "", "*-dev"},
                    {"*", "", "!kube-system"}};
  EXPECT_FALSE(CheckDestination(p, "https://kubernetes.default.svc", "", "core-business-dev"));
  EXPECT_TRUE(CheckDestination(p, "https://kubernetes.default.svc", "", "kube-system"));
  AppProject q;
  q.name = "prod";
  q.destinations = {{"https://kubernetes.default.svc", "", "core-business-prod"}};
  EXPECT_TRUE(CheckDestination(q, "https://kubernetes.default.svc", "", "core-business-dev"));
}

TEST(Project, ClusterAndNamespaceResourceLists) {
  AppProject p;
  p.name = "dev";
  p.cluster_whitelist = {{"", "Namespace"}};
  p.namespace_blacklist = {{"", "ResourceQuota"}};
  EXPECT_FALSE(CheckResource(p, "", "Namespace", false));
  EXPECT_EQ(*CheckResource(p, "rbac.authorization.k8s.io", "ClusterRole", false),
            "resource rbac.authorization.k8s.io:ClusterRole is not permitted in project dev");
  EXPECT_FALSE(CheckResource(p, "apps", "Deployment", true));
  EXPECT_TRUE(CheckResource(p, "", "ResourceQuota", true));
  p.namespace_whitelist = {{"apps", "*"}};
  p.namespace_whitelist_set = true;
  EXPECT_TRUE(CheckResource(p, "", "ConfigMap", true));
  EXPECT_FALSE(CheckResource(p, "apps", "StatefulSet", true));
}

TEST(Glob, BracesClassesAndSeparators) {
  EXPECT_TRUE(GlobMatch("{*.yaml,*.json}", "a.json"));
  EXPECT_FALSE(GlobMatch("{*.yaml,*.json}", "a.txt"));
  EXPECT_TRUE(GlobMatch("core-[a-c]*", "core-business"));
  EXPECT_FALSE(GlobMatch("a/*", "a/b/c", '/'));
  EXPECT_TRUE(GlobMatch("a/*", "a/b/c"));
}

// --- a local Git repository ---------------------------------------------------

using capstan::testlib::Sh;
using capstan::testlib::Write;

class Repo {
 public:
  Repo() {
    char tmpl[] = "/tmp/capstan-app-test-XXXXXX";
    root = mkdtemp(tmpl);
    Sh("git init -q -b main " + (root / "work").string());
    Git("config user.email t@example.com");
    Git("config user.name Test");
    Sh("git init -q --bare -b main " + (root / "remote.git").string());
  }
  ~Repo() { fs::remove_all(root); }
  std::string Git(const std::string& args) { return Sh("git -C " + (root / "work").string() + " " + args); }
  void Put(const std::string& path, const std::string& text) { Write(root / "work" / path, text); }
  void Remove(const std::string& path) { fs::remove(root / "work" / path); }
  std::string Commit(const std::string& msg) {
    Git("add -A");
    Git("commit -q -m '" + msg + "'");
    Git("push -q " + (root / "remote.git").string() + " main");
    return Git("rev-parse HEAD");
  }
  std::string Url() const { return "file://" + (root / "remote.git").string(); }
  fs::path root;
};

std::string Deployment(const std::string& name, const std::string& image,
                       const std::string& annotations = "") {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n" +
         (annotations.empty() ? "" : "  annotations:\n" + annotations) +
         "spec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: " + name +
         "\n  template:\n    metadata:\n      labels:\n        app: " + name +
         "\n    spec:\n      containers:\n      - name: " + name + "\n        image: " + image + "\n";
}

std::string ConfigMap(const std::string& name, const std::string& annotations = "") {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n" +
         (annotations.empty() ? "" : "  annotations:\n" + annotations) + "data:\n  k: v\n";
}

// Plays the Deployment controller: a Deployment is rolled out (ready) as
// soon as it is applied, unless its image says "crash".
void RollOut(yaml::Node& obj) {
  std::string kind = obj.StrAt({"kind"});
  if (kind == "Job") {
    yaml::Node& st = obj.GetOrCreateMap("status");
    st.Set("succeeded", yaml::Node::Int(1));
    yaml::Node cond = Y("type: Complete\nstatus: \"True\"\n");
    yaml::Node conds = yaml::Node::Seq();
    conds.items.push_back(cond);
    st.Set("conditions", conds);
    return;
  }
  if (kind != "Deployment") return;
  int64_t replicas = obj.At({"spec", "replicas"}) ? obj.At({"spec", "replicas"})->AsInt(1) : 1;
  int64_t gen = obj.At({"metadata", "generation"})->AsInt(1);
  std::string image;
  if (const yaml::Node* cs = obj.At({"spec", "template", "spec", "containers"}); cs && cs->IsSeq() && cs->size())
    image = cs->items[0].StrAt({"image"});
  yaml::Node& st = obj.GetOrCreateMap("status");
  st.Set("observedGeneration", yaml::Node::Int(gen));
  st.Set("replicas", yaml::Node::Int(replicas));
  st.Set("updatedReplicas", yaml::Node::Int(replicas));
  bool crash = image.find("crash") != std::string::npos;
  st.Set("readyReplicas", yaml::Node::Int(crash ? 0 : replicas));
  st.Set("availableReplicas", yaml::Node::Int(crash ? 0 : replicas));
  if (crash) {
    st.Set("unavailableReplicas", yaml::Node::Int(replicas));
    yaml::Node conds = yaml::Node::Seq();
    conds.items.push_back(Y("type: Progressing\nstatus: \"False\"\nreason: ProgressDeadlineExceeded\n"
                            "message: ReplicaSet has timed out progressing.\n"));
    st.Set("conditions", conds);
  }
}

class ManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    target.on_apply = RollOut;
    ManagerOptions o;
    o.cache_dir = (repo.root / "cache").string();
    o.clock = &clock;
    manager = std::make_unique<Manager>(target, o);
  }

  Application Store(const std::string& path, const std::string& extra_sync = "",
                    const std::string& project = "default") {
    std::string text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: demo\n"
                       "spec:\n  project: " + project + "\n  source:\n    repoURL: " + repo.Url() +
                       "\n    targetRevision: main\n    path: " + path +
                       "\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: demo\n"
                       "  syncPolicy:\n    syncOptions:\n    - CreateNamespace=true\n" + extra_sync;
    manager->Store(Y(text), "app.yaml");
    return manager->Get("demo");
  }

  Repo repo;
  sync::FakeTarget target;
  base::FakeClock clock;
  std::unique_ptr<Manager> manager;
};

TEST_F(ManagerTest, FirstSyncThenImageChangeThenPruneThenRollback) {
  repo.Put("app/web.yaml", Deployment("web", "nginx:1.0"));
  repo.Put("app/cfg.yaml", ConfigMap("cfg", "    argocd.argoproj.io/sync-wave: \"-1\"\n"));
  repo.Put("app/old.yaml", ConfigMap("old"));
  repo.Put("app/migrate.yaml",
           "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n"
           "    argocd.argoproj.io/hook: PreSync\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n"
           "      containers:\n      - name: m\n        image: busybox\n");
  std::string first = repo.Commit("first");
  Application app = Store("app");

  Comparison c = manager->Refresh(app);
  EXPECT_EQ(c.sync_status, "OutOfSync");
  EXPECT_EQ(c.revision, first);

  SyncOutcome s = manager->Sync(app, {});
  ASSERT_EQ(s.result.phase, "Succeeded") << s.result.message;
  // Namespace, PreSync hook, wave -1, then wave 0.
  std::vector<std::string> want = {"apply Namespace//demo", "apply Job/demo/migrate", "apply ConfigMap/demo/cfg",
                                   "apply ConfigMap/demo/old", "apply Deployment/demo/web"};
  std::vector<std::string> got;
  for (const auto& l : target.log)
    if (l.find("argoproj") == std::string::npos && l.find("argocd") == std::string::npos) got.push_back(l);
  EXPECT_EQ(got, want);
  EXPECT_EQ(s.after.sync_status, "Synced");
  EXPECT_EQ(s.after.health, "Healthy");
  app = manager->Get("demo");
  EXPECT_EQ(app.object.StrAt({"status", "sync", "status"}), "Synced");
  EXPECT_EQ(app.object.StrAt({"status", "operationState", "phase"}), "Succeeded");
  EXPECT_EQ(app.object.StrAt({"status", "sync", "revision"}), first);
  EXPECT_EQ(app.object.At({"status", "history"})->size(), 1u);
  const yaml::Node* web = target.Find("Deployment", "demo", "web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->StrAt({"metadata", "labels", "app.kubernetes.io/instance"}), "demo");

  // A new image tag in Git: OutOfSync until synced.
  repo.Put("app/web.yaml", Deployment("web", "nginx:1.1"));
  repo.Remove("app/old.yaml");
  std::string second = repo.Commit("bump");
  c = manager->Refresh(app);
  EXPECT_EQ(c.sync_status, "OutOfSync");
  EXPECT_EQ(c.revision, second);
  bool prune_flagged = false;
  for (const auto& r : c.resources)
    if (r.id.name == "old") prune_flagged = r.requires_pruning;
  EXPECT_TRUE(prune_flagged);

  s = manager->Sync(app, {});  // prune off: old stays
  ASSERT_EQ(s.result.phase, "Succeeded") << s.result.message;
  EXPECT_TRUE(target.Has("ConfigMap", "demo", "old"));
  EXPECT_EQ(s.after.sync_status, "OutOfSync");
  EXPECT_EQ(target.Find("Deployment", "demo", "web")
                ->At({"spec", "template", "spec", "containers"})->items[0].StrAt({"image"}),
            "nginx:1.1");
  SyncRequest prune;
  prune.prune = true;
  s = manager->Sync(app, prune);
  ASSERT_EQ(s.result.phase, "Succeeded") << s.result.message;
  EXPECT_FALSE(target.Has("ConfigMap", "demo", "old"));
  EXPECT_EQ(s.after.sync_status, "Synced");

  // Rollback to the first deployment restores its objects.
  app = manager->Get("demo");
  s = manager->Rollback(app, 0);
  ASSERT_EQ(s.result.phase, "Succeeded") << s.result.message;
  EXPECT_EQ(s.revision, first);
  EXPECT_TRUE(target.Has("ConfigMap", "demo", "old"));
  EXPECT_EQ(target.Find("Deployment", "demo", "web")
                ->At({"spec", "template", "spec", "containers"})->items[0].StrAt({"image"}),
            "nginx:1.0");
  app = manager->Get("demo");
  EXPECT_EQ(app.object.At({"status", "history"})->size(), 4u);
}

TEST_F(ManagerTest, CrashLoopingImageIsDegradedWithAReason) {
  repo.Put("app/web.yaml", Deployment("fulfillment", "registry/crash:1"));
  repo.Commit("crash");
  Application app = Store("app");
  SyncOutcome s = manager->Sync(app, {});
  EXPECT_EQ(s.result.phase, "Succeeded") << s.result.message;
  EXPECT_EQ(s.after.health, "Degraded");
  app = manager->Get("demo");
  std::string notes = manager->Notes(app);
  EXPECT_NE(notes.find("fulfillment Deployment"), std::string::npos) << notes;
}

TEST_F(ManagerTest, ProjectViolationAppliesNothing) {
  repo.Put("app/role.yaml",
           "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: admin-all\n"
           "rules: []\n");
  repo.Put("app/cfg.yaml", ConfigMap("cfg"));
  repo.Commit("cluster role");
  manager->Store(Y("apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: dev\nspec:\n"
                   "  sourceRepos: ['*']\n  destinations:\n  - server: https://kubernetes.default.svc\n"
                   "    namespace: demo\n  clusterResourceWhitelist:\n  - group: ''\n    kind: Namespace\n"),
                 "project.yaml");
  Application app = Store("app", "", "dev");
  size_t before = target.size();
  SyncOutcome s = manager->Sync(app, {});
  EXPECT_EQ(s.result.phase, "Error");
  EXPECT_NE(s.result.message.find("ClusterRole is not permitted in project dev"), std::string::npos)
      << s.result.message;
  EXPECT_EQ(target.size(), before);
  EXPECT_FALSE(target.Has("ConfigMap", "demo", "cfg"));
  app = manager->Get("demo");
  EXPECT_EQ(app.object.StrAt({"status", "sync", "status"}), "Unknown");
  EXPECT_NE(manager->Notes(app).find("not permitted"), std::string::npos);
}

TEST_F(ManagerTest, RetryStopsAtItsLimitWithBackoffSchedule) {
  repo.Put("app/cfg.yaml", ConfigMap("cfg"));
  repo.Commit("cfg");
  Application app = Store("app", "    retry:\n      limit: 3\n      backoff:\n        duration: 5s\n"
                                 "        factor: 2\n        maxDuration: 15s\n");
  target.fail_apply["ConfigMap/cfg"] = {};
  clock.sleeps.clear();
  SyncOutcome s = manager->Sync(app, {});
  EXPECT_EQ(s.result.phase, "Failed");
  EXPECT_EQ(s.result.retry_count, 3);
  EXPECT_EQ(clock.sleeps, (std::vector<int64_t>{5000, 10000, 15000}));
  app = manager->Get("demo");
  EXPECT_EQ(app.object.At({"status", "operationState", "retryCount"})->AsInt(), 3);
  EXPECT_EQ(app.object.At({"status", "history"}), nullptr);
}

TEST_F(ManagerTest, HelmSourceRendersChartWithValuesAndParameters) {
  repo.Put("chart/Chart.yaml", "apiVersion: v2\nname: x\nversion: 0.1.0\n");
  repo.Put("chart/values.yaml", "replicas: 1\nimage: nginx:1.0\nnote: default\n");
  repo.Put("chart/values-prod.yaml", "replicas: 3\n");
  repo.Put("chart/templates/cm.yaml",
           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\n"
           "  namespace: {{ .Release.Namespace }}\ndata:\n  replicas: {{ .Values.replicas | quote }}\n"
           "  image: {{ .Values.image | quote }}\n  note: {{ .Values.note | quote }}\n"
           "  app: {{ .Values.app | quote }}\n");
  repo.Commit("chart");
  Application app = Store("chart");
  Comparison c = manager->Refresh(app);
  ASSERT_EQ(c.desired.size(), 1u);
  // release name = Application name, namespace = destination namespace
  EXPECT_EQ(c.desired[0].StrAt({"metadata", "name"}), "demo-cfg");
  EXPECT_EQ(c.desired[0].StrAt({"data", "replicas"}), "1");
  app = manager->Get("demo");
  EXPECT_EQ(app.object.StrAt({"status", "sourceType"}), "Helm");

  Source src = app.source;
  src.helm = true;
  src.raw.Set("helm", yaml::ParseOne("releaseName: rel\nvalueFiles: [values-prod.yaml, missing.yaml]\n"
                                      "ignoreMissingValueFiles: true\nvalues: |\n  note: inline\n"
                                      "parameters:\n- name: image\n  value: nginx:2.0\n"
                                      "- name: app\n  value: $ARGOCD_APP_NAME\n"));
  std::string root = manager->repos().Snapshot(repo.Url(), manager->repos().Resolve(repo.Url(), "main"));
  RenderEnv env;
  env.app_name = "demo";
  std::vector<yaml::Node> objs = RenderSource(root, src, env, "prod");
  ASSERT_EQ(objs.size(), 1u);
  EXPECT_EQ(objs[0].StrAt({"metadata", "name"}), "rel-cfg");
  EXPECT_EQ(objs[0].StrAt({"metadata", "namespace"}), "prod");
  EXPECT_EQ(objs[0].StrAt({"data", "replicas"}), "3");
  EXPECT_EQ(objs[0].StrAt({"data", "note"}), "inline");
  EXPECT_EQ(objs[0].StrAt({"data", "image"}), "nginx:2.0");
  EXPECT_EQ(objs[0].StrAt({"data", "app"}), "demo");
  // a value file outside the repository is refused, naming the field
  src.raw.Set("helm", yaml::ParseOne("valueFiles: [../../etc/passwd]\n"));
  try {
    RenderSource(root, src, env, "prod");
    FAIL();
  } catch (const AppError& e) {
    EXPECT_NE(std::string(e.what()).find("spec.source.helm.valueFiles"), std::string::npos) << e.what();
  }
}

TEST_F(ManagerTest, KustomizeSourceWithOverrides) {
  repo.Put("base/kustomization.yaml", "resources:\n- web.yaml\n");
  repo.Put("base/web.yaml", Deployment("web", "nginx:1.0"));
  repo.Commit("kustomize");
  std::string text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: demo\n"
                     "spec:\n  source:\n    repoURL: " + repo.Url() +
                     "\n    path: base\n    kustomize:\n      namePrefix: dev-\n      images:\n"
                     "      - nginx:2.0\n  destination:\n    server: https://kubernetes.default.svc\n"
                     "    namespace: demo\n";
  manager->Store(Y(text), "app.yaml");
  Application app = manager->Get("demo");
  Comparison c = manager->Refresh(app);
  ASSERT_EQ(c.desired.size(), 1u);
  EXPECT_EQ(c.desired[0].StrAt({"metadata", "name"}), "dev-web");
  EXPECT_EQ(c.desired[0].At({"spec", "template", "spec", "containers"})->items[0].StrAt({"image"}), "nginx:2.0");
  EXPECT_EQ(c.desired[0].StrAt({"metadata", "namespace"}), "demo");
  EXPECT_EQ(app.object.StrAt({"status", "sourceType"}), "Kustomize");
}

TEST_F(ManagerTest, DirectoryIncludeExcludeRecurse) {
  repo.Put("dir/a.yaml", ConfigMap("a"));
  repo.Put("dir/sub/b.yaml", ConfigMap("b"));
  repo.Put("dir/sub/c.json", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}})");
  repo.Put("dir/notes.txt", "not yaml");
  repo.Commit("dir");
  Source src;
  src.path = "dir";
  std::string root = manager->repos().Snapshot(repo.Url(), manager->repos().Resolve(repo.Url(), "main"));
  EXPECT_EQ(RenderSource(root, src).size(), 1u);
  src.directory = DirectorySource{true, "", ""};
  EXPECT_EQ(RenderSource(root, src).size(), 3u);
  src.directory = DirectorySource{true, "{*.json}", ""};
  EXPECT_EQ(RenderSource(root, src).size(), 1u);
  src.directory = DirectorySource{true, "", "sub/*"};
  EXPECT_EQ(RenderSource(root, src).size(), 1u);
  src.path = "../etc";
  EXPECT_THROW(RenderSource(root, src), AppError);
}

// --- confinement: a render reads nothing outside the source's checkout ---------

class ConfinementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/capstan-confine-test-XXXXXX";
    root = mkdtemp(tmpl);
    checkout = root / "checkout";
    Write(root / "outside/cm.yaml", ConfigMap("stolen"));
    Write(root / "outside/kustomization.yaml", "resources: [cm.yaml]\n");
    Write(checkout / "own/cm.yaml", ConfigMap("own"));
  }
  void TearDown() override { fs::remove_all(root); }
  std::string ErrorOf(const Source& src) {
    try {
      RenderSource(checkout.string(), src);
    } catch (const AppError& e) {
      return e.what();
    }
    return "<no error>";
  }
  fs::path root, checkout;
};

TEST_F(ConfinementTest, SourcePathThatIsASymlinkOutIsRefused) {
  fs::create_directory_symlink("../outside", checkout / "link");
  Source src;
  src.path = "link";
  std::string err = ErrorOf(src);
  EXPECT_NE(err.find("spec.source.path: \"link\""), std::string::npos) << err;
  EXPECT_NE(err.find("outside the repository checkout"), std::string::npos) << err;
}

TEST_F(ConfinementTest, DirectoryFileSymlinkOutIsRefused) {
  fs::create_symlink("../../outside/cm.yaml", checkout / "own/secret.yaml");
  Source src;
  src.path = "own";
  std::string err = ErrorOf(src);
  EXPECT_NE(err.find("own/secret.yaml: resolves outside"), std::string::npos) << err;
}

TEST_F(ConfinementTest, KustomizeBaseLeavingTheCheckoutIsRefused) {
  Write(checkout / "app/kustomization.yaml", "resources: [../../outside]\n");
  Source src;
  src.path = "app";
  std::string err = ErrorOf(src);
  EXPECT_NE(err.find("outside the repository checkout"), std::string::npos) << err;
  EXPECT_NE(err.find("../../outside"), std::string::npos) << err;  // names what was written

  // The same through a symlinked base, and with overrides (the staged copy
  // must keep the symlink a symlink rather than copy what it points at).
  Write(checkout / "app/kustomization.yaml", "resources: [base]\n");
  fs::create_directory_symlink("../../outside", checkout / "app/base");
  EXPECT_NE(ErrorOf(src).find("outside the repository checkout"), std::string::npos) << ErrorOf(src);
  src.kustomize = KustomizeSource{};
  src.kustomize->name_prefix = "p-";
  EXPECT_NE(ErrorOf(src).find("outside the repository checkout"), std::string::npos) << ErrorOf(src);
}

TEST_F(ConfinementTest, SymlinksInsideTheCheckoutStillRender) {
  Write(checkout / "own/kustomization.yaml", "resources: [cm.yaml]\n");
  Write(checkout / "app/kustomization.yaml", "resources: [base]\n");
  fs::create_directory_symlink("../own", checkout / "app/base");
  Source src;
  src.path = "app";
  auto objs = RenderSource(checkout.string(), src);
  ASSERT_EQ(objs.size(), 1u);
  EXPECT_EQ(objs[0].StrAt({"metadata", "name"}), "own");
}

// A chain of symlinks that each look inside the repository (d/q -> ..,
// d/p -> q/..) leads to the directory holding every repository's snapshot.
TEST_F(ManagerTest, SymlinkChainOutOfTheSnapshotIsRefusedNamingTheApp) {
  repo.Put("d/keep.txt", "");
  fs::create_directory_symlink("..", repo.root / "work/d/q");
  fs::create_directory_symlink("q/..", repo.root / "work/d/p");
  repo.Commit("chain");
  Application app = Store("d/p");
  try {
    manager->Refresh(app, RefreshMode::kNormal);
    FAIL() << "rendered a path outside the checkout";
  } catch (const AppError& e) {
    std::string err = e.what();
    EXPECT_NE(err.find("application demo"), std::string::npos) << err;
    EXPECT_NE(err.find("spec.source.path: \"d/p\""), std::string::npos) << err;
  }
}

}  // namespace
}  // namespace capstan::app
