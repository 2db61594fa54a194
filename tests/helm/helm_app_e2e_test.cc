// End-to-end: an Application whose source is a Helm chart in Git (value
// files and parameters) synced into the in-process local cluster; a values
// change in Git shows as OutOfSync and syncs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/kube_target.h"
#include "app/manager.h"
#include "cluster/cluster.h"
#include "kube/client.h"
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

class HelmAppE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/capstan-helm-e2e-XXXXXX";
    root_ = mkdtemp(tmpl);
    cluster::ServerOptions so;
    so.data_dir = (root_ / "cluster").string();
    so.speed = 50;
    so.pod_start_seconds = 1;
    server_ = std::make_unique<cluster::Server>(so);
    server_->Start();
    kube::KubeconfigOptions ko;
    ko.explicit_path = server_->kubeconfig_path();
    client_ = std::make_unique<kube::Client>(kube::LoadKubeconfig(ko));
    target_ = std::make_unique<app::KubeTarget>(*client_, &client_->discovery());
    Sh("git init -q -b main " + Work());
    Git("config user.email t@example.com");
    Git("config user.name Test");
    Sh("git init -q --bare -b main " + (root_ / "remote.git").string());
  }
  void TearDown() override {
    manager_.reset();
    target_.reset();
    client_.reset();
    if (server_) server_->Stop();
    fs::remove_all(root_);
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
  std::optional<yaml::Node> Live(const std::string& api, const std::string& kind, const std::string& ns,
                                 const std::string& name) {
    return target_->Get({resource::Gvk::FromApiVersion(api, kind), ns, name});
  }

  fs::path root_;
  std::unique_ptr<cluster::Server> server_;
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<app::KubeTarget> target_;
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
  Put("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
  Put("charts/web/values.yaml", "replicaCount: 1\nimage:\n  repository: nginx\n  tag: \"1.0\"\nenv: {}\n");
  Put("charts/web/values-prod.yaml", "replicaCount: 2\n");
  Put("charts/web/templates/_helpers.tpl",
      "{{- define \"web.fullname\" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end -}}\n");
  Put("charts/web/templates/deployment.yaml", kDeployment);
  Put("charts/web/templates/config.yaml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"web.fullname\" . }}\n"
      "data:\n  tag: {{ .Values.image.tag | quote }}\n");
  Commit("chart");
  app::Manager& m = M();
  std::string text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop\n"
                     "  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: " + Url() +
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
  Put("charts/web/values-prod.yaml", "replicaCount: 3\n");
  std::string second = Commit("three replicas");
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

}  // namespace
