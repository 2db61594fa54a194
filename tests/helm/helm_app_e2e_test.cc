// End-to-end: an Application whose source is a Helm chart in Git (value
// files and parameters) synced into the in-process local cluster; a values
// change in Git shows as OutOfSync and syncs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/helm_source.h"
#include "app/manager.h"
#include "tests/lib/git_remote.h"
#include "tests/lib/local_cluster.h"
#include "tests/lib/shell.h"
#include "yaml/yaml.h"

namespace fs = std::filesystem;
using namespace capstan;

namespace {

using capstan::testlib::Sh;
using capstan::testlib::Write;

class HelmAppE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster::ServerOptions so;
    so.speed = 50;
    so.pod_start_seconds = 1;
    local_ = std::make_unique<e2e::LocalCluster>("helm-e2e", so);
    root_ = local_->root;
    target_ = local_->target.get();
    repo_ = std::make_unique<testlib::GitRemote>(root_);
  }
  void TearDown() override {
    manager_.reset();
    local_.reset();
  }
  app::Manager& M() {
    app::ManagerOptions o;
    o.cache_dir = (root_ / "cache").string();
    o.engine.wave_delay_ms = 50;
    o.engine.poll_interval_ms = 100;
    o.engine.health_timeout_ms = 30000;
    manager_ = std::make_unique<app::Manager>(*target_, o);
    return *manager_;
  }
  std::optional<yaml::Node> Live(const std::string& api, const std::string& kind, const std::string& ns,
                                 const std::string& name) {
    return target_->Get({resource::Gvk::FromApiVersion(api, kind), ns, name});
  }

  std::unique_ptr<e2e::LocalCluster> local_;
  fs::path root_;
  app::KubeTarget* target_ = nullptr;
  std::unique_ptr<testlib::GitRemote> repo_;
  std::unique_ptr<app::Manager> manager_;
};

const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
  labels:
    app.kubernetes.io/instance: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  progressDeadlineSeconds: 30
  selector:
    matchLabels:
      app: {{ include "web.fullname" . }}
  template:
    metadata:
      labels:
        app: {{ include "web.fullname" . }}
    spec:
      containers:
      - name: web
        image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
        {{- with .Values.env }}
        env:
        {{- range $k, $v := . }}
        - name: {{ $k }}
          value: {{ $v | quote }}
        {{- end }}
        {{- end }}
)";

TEST_F(HelmAppE2E, HelmSourceSyncsThenValuesChangeIsOutOfSyncAndSyncs) {
  repo_->Put("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
  repo_->Put("charts/web/values.yaml", "replicaCount: 1\nimage:\n  repository: nginx\n  tag: \"1.0\"\nenv: {}\n");
  repo_->Put("charts/web/values-prod.yaml", "replicaCount: 2\n");
  repo_->Put("charts/web/templates/_helpers.tpl",
      "{{- define \"web.fullname\" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end -}}\n");
  repo_->Put("charts/web/templates/deployment.yaml", kDeployment);
  repo_->Put("charts/web/templates/config.yaml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"web.fullname\" . }}\n"
      "data:\n  tag: {{ .Values.image.tag | quote }}\n");
  repo_->Commit("chart");
  app::Manager& m = M();
  std::string text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop\n"
                     "  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: " + repo_->Url() +
                     "\n    targetRevision: main\n    path: charts/web\n    helm:\n      valueFiles:\n"
                     "      - values-prod.yaml\n      parameters:\n      - name: env.APP\n"
                     "        value: $ARGOCD_APP_NAME\n      - name: image.tag\n        value: \"1.1\"\n"
                     "  destination:\n    server: https://kubernetes.default.svc\n    namespace: shop\n"
                     "  syncPolicy:\n    syncOptions:\n    - CreateNamespace=true\n";
  m.Store(yaml::ParseOne(text), "app.yaml");
  app::Application app = m.Get("shop");

  app::SyncOutcome s = m.Sync(app, {});
  ASSERT_EQ(s.result.phase, "Succeeded") << s.result.message;
  EXPECT_EQ(s.after.sync_status, "Synced");
  auto dep = Live("apps/v1", "Deployment", "shop", "shop-web");
  ASSERT_TRUE(dep);
  EXPECT_EQ(dep->At({"spec", "replicas"})->AsInt(), 2);  // values-prod.yaml
  const yaml::Node& c = dep->At({"spec", "template", "spec", "containers"})->items[0];
  EXPECT_EQ(c.StrAt({"image"}), "nginx:1.1");             // parameter
  EXPECT_EQ(c.At({"env"})->items[0].StrAt({"value"}), "shop");  // $ARGOCD_APP_NAME
  auto cm = Live("v1", "ConfigMap", "shop", "shop-web");
  ASSERT_TRUE(cm);
  EXPECT_EQ(cm->StrAt({"data", "tag"}), "1.1");

  // A values change in Git: OutOfSync, then Synced with the new value.
  repo_->Put("charts/web/values-prod.yaml", "replicaCount: 3\n");
  std::string second = repo_->Commit("three replicas");
  app = m.Get("shop");
  app::Comparison cmp = m.Refresh(app);
  EXPECT_EQ(cmp.revision, second);
  EXPECT_EQ(cmp.sync_status, "OutOfSync");
  s = m.Sync(app, {});
  ASSERT_EQ(s.result.phase, "Succeeded") << s.result.message;
  EXPECT_EQ(s.after.sync_status, "Synced");
  EXPECT_EQ(Live("apps/v1", "Deployment", "shop", "shop-web")->At({"spec", "replicas"})->AsInt(), 3);
  app = m.Get("shop");
  EXPECT_EQ(app.object.StrAt({"status", "sourceType"}), "Helm");
}

// A chart repository served on 127.0.0.1 (python3's http.server on a free
// port) holding `web` in several versions, made with tar as `helm package` does.
class ChartRepo {
 public:
  explicit ChartRepo(const fs::path& dir) : dir_(dir) { fs::create_directories(dir_); }
  ~ChartRepo() { Stop(); }
  void Add(const std::string& version, const std::string& replicas) {
    fs::path src = dir_.parent_path() / ("src-" + version) / "web";
    Write(src / "Chart.yaml", "apiVersion: v2\nname: web\nversion: " + version + "\n");
    Write(src / "values.yaml", "replicaCount: " + replicas + "\nimage:\n  repository: nginx\n  tag: \"1.0\"\nenv: {}\n");
    Write(src / "values-prod.yaml", "image:\n  tag: prod\n");
    Write(src / "templates/_helpers.tpl",
          "{{- define \"web.fullname\" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end -}}\n");
    Write(src / "templates/deployment.yaml", kDeployment);
    Write(src / "templates/config.yaml",
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"web.fullname\" . }}\n"
          "data:\n  version: {{ .Chart.Version | quote }}\n");
    Sh("tar -C " + src.parent_path().string() + " -czf " + (dir_ / ("web-" + version + ".tgz")).string() + " web");
    versions_.push_back(version);
    std::string index = "apiVersion: v1\nentries:\n  web:\n";
    for (const auto& v : versions_)
      index += "  - name: web\n    version: " + v + "\n    urls:\n    - web-" + v + ".tgz\n";
    Write(dir_ / "index.yaml", index);
  }
  std::string Start() {
    std::string port_file = (dir_.parent_path() / "port").string();
    pid_ = fork();
    if (pid_ == 0) {
      execlp("python3", "python3", "-c",
             "import http.server,functools,os,sys\n"
             "h=functools.partial(http.server.SimpleHTTPRequestHandler,directory=sys.argv[1])\n"
             "http.server.SimpleHTTPRequestHandler.log_message=lambda *a: None\n"
             "s=http.server.ThreadingHTTPServer(('127.0.0.1',0),h)\n"
             "open(sys.argv[2]+'.tmp','w').write(str(s.server_address[1]))\n"
             "os.rename(sys.argv[2]+'.tmp',sys.argv[2])\n"
             "s.serve_forever()\n",
             dir_.c_str(), port_file.c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 200 && !fs::exists(port_file); ++i) usleep(50000);
    std::ifstream in(port_file);
    std::getline(in, port_);
    return port_.empty() ? "" : Url();
  }
  std::string Url() const { return "http://127.0.0.1:" + port_ + "/"; }
  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

 private:
  fs::path dir_;
  std::vector<std::string> versions_;
  pid_t pid_ = -1;
  std::string port_;
};

std::string RepoApp(const std::string& name, const std::string& url, const std::string& chart,
                    const std::string& revision) {
  return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " + name +
         "\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: " + url +
         "\n    chart: " + chart + "\n    targetRevision: \"" + revision +
         "\"\n    helm:\n      valueFiles:\n      - values-prod.yaml\n      parameters:\n"
         "      - name: env.APP\n        value: $ARGOCD_APP_NAME-$ARGOCD_APP_REVISION\n"
         "  destination:\n    server: https://kubernetes.default.svc\n    namespace: " + name +
         "\n  syncPolicy:\n    syncOptions:\n    - CreateNamespace=true\n";
}

TEST_F(HelmAppE2E, ChartFromHelmRepositoryResolvesRangeSyncsAndFollowsNewVersions) {
  ChartRepo repo(root_ / "repo");
  repo.Add("1.0.0", "1");
  repo.Add("1.2.0", "1");
  repo.Add("2.0.0", "4");
  repo.Add("3.0.0-rc.1", "5");
  std::string url = repo.Start();
  ASSERT_FALSE(url.empty()) << "chart repository did not start";
  app::Manager& m = M();
  m.Store(yaml::ParseOne(RepoApp("shop", url, "web", "1.*")), "app.yaml");
  app::Application app = m.Get("shop");

  app::SyncOutcome s = m.Sync(app, {});
  ASSERT_EQ(s.result.phase, "Succeeded") << s.result.message;
  EXPECT_EQ(s.revision, "1.2.0");  // the newest 1.x, shown as the revision
  EXPECT_EQ(s.after.sync_status, "Synced");
  auto dep = Live("apps/v1", "Deployment", "shop", "shop-web");
  ASSERT_TRUE(dep);
  const yaml::Node& c = dep->At({"spec", "template", "spec", "containers"})->items[0];
  EXPECT_EQ(c.StrAt({"image"}), "nginx:prod");  // value file inside the chart
  EXPECT_EQ(c.At({"env"})->items[0].StrAt({"value"}), "shop-1.2.0");
  EXPECT_EQ(Live("v1", "ConfigMap", "shop", "shop-web")->StrAt({"data", "version"}), "1.2.0");
  app = m.Get("shop");
  EXPECT_EQ(app.object.StrAt({"status", "sync", "revision"}), "1.2.0");
  EXPECT_EQ(app.object.StrAt({"status", "sourceType"}), "Helm");
  // The archive is unpacked in the cache, keyed by repository, chart and version.
  bool cached = false;
  for (auto& e : fs::recursive_directory_iterator(root_ / "cache" / "helm"))
    if (e.path().filename() == "web-1.2.0" && fs::exists(e.path() / "Chart.yaml")) cached = true;
  EXPECT_TRUE(cached);

  // A new version in range is published: a hard refresh shows OutOfSync, a sync moves to it.
  repo.Add("1.3.0", "2");
  app::Comparison cmp = m.Refresh(app, app::RefreshMode::kHard);
  EXPECT_EQ(cmp.revision, "1.3.0");
  EXPECT_EQ(cmp.sync_status, "OutOfSync");
  s = m.Sync(app, {});
  ASSERT_EQ(s.result.phase, "Succeeded") << s.result.message;
  EXPECT_EQ(Live("apps/v1", "Deployment", "shop", "shop-web")->At({"spec", "replicas"})->AsInt(), 2);

  // Ranges as Helm accepts them; pre-releases only when asked for.
  struct Case {
    std::string revision, want;
  } cases[] = {{">=1.0 <2.0", "1.3.0"}, {"*", "2.0.0"}, {"", "2.0.0"}, {"1.0.0", "1.0.0"}, {"3.0.0-rc.1", "3.0.0-rc.1"}};
  for (const auto& k : cases) {
    m.Store(yaml::ParseOne(RepoApp("r" + std::to_string(&k - cases), url, "web", k.revision)), "app.yaml");
    app::Application a = m.Get("r" + std::to_string(&k - cases));
    EXPECT_EQ(m.Refresh(a).revision, k.want) << "targetRevision " << k.revision;
  }

  // Clear errors: missing chart, no matching version, unreachable repository.
  auto error = [&](const std::string& u, const std::string& chart, const std::string& rev) {
    m.Store(yaml::ParseOne(RepoApp("bad", u, chart, rev)), "app.yaml");
    app::Application a = m.Get("bad");
    try {
      m.Refresh(a, app::RefreshMode::kHard);
    } catch (const app::AppError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error(url, "db", "*").find("chart \"db\" not found"), std::string::npos);
  EXPECT_NE(error(url, "web", "9.*").find("no version matching \"9.*\""), std::string::npos);
  repo.Stop();
  std::string down = error(url, "web", "*");
  EXPECT_NE(down.find("spec.source.repoURL: fetching " + url + "index.yaml"), std::string::npos) << down;
}

}  // namespace
