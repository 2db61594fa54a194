// End-to-end tests of Render on small trees written to a temp dir.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kustomize/kustomize.h"
#include "yaml/yaml.h"

namespace capstan::kustomize {
namespace {

namespace fs = std::filesystem;

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("capstan-render-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
  }
  std::string Build(const std::string& rel, const Options& o = {}) {
    return yaml::EmitYamlStream(Render((root_ / rel).string(), o));
  }
  fs::path root_;
};

const char* kDeploy = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx
        envFrom:
        - configMapRef:
            name: cfg
)";

TEST_F(RenderTest, OverlayPrefixesGeneratesAndRefersWithHash) {
  Write("base/kustomization.yaml", "resources: [deploy.yaml]\nconfigMapGenerator:\n- name: cfg\n  literals: [a=1, b=x]\n");
  Write("base/deploy.yaml", kDeploy);
  Write("overlay/kustomization.yaml", "namePrefix: p-\nresources: [../base]\n");
  std::string out = Build("overlay");
  // Hash computed as kustomize does (same data as kustomize's p-cm-b5g875c65k).
  EXPECT_NE(out.find("name: p-cfg-b5g875c65k"), std::string::npos) << out;
  EXPECT_NE(out.find("            name: p-cfg-b5g875c65k"), std::string::npos) << out;
  // Legacy order: ConfigMap before Deployment; keys sorted.
  EXPECT_LT(out.find("kind: ConfigMap"), out.find("kind: Deployment"));
  EXPECT_EQ(out.rfind("apiVersion: v1\ndata:\n", 0), 0u) << out;
}

TEST_F(RenderTest, PatchesStrategicMergeAndJson) {
  Write("kustomization.yaml", R"(resources: [deploy.yaml]
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: 3
- target: {kind: Deployment, name: "w.*"}
  patch: |-
    - op: replace
      path: /spec/template/spec/containers/0/image
      value: nginx:2
)");
  Write("deploy.yaml", kDeploy);
  std::string out = Build(".");
  EXPECT_NE(out.find("replicas: 3"), std::string::npos) << out;
  EXPECT_NE(out.find("image: nginx:2"), std::string::npos) << out;
}

TEST_F(RenderTest, RootOnlyRestrictorRejectsOutsideFiles) {
  Write("outside.yaml", kDeploy);
  Write("app/kustomization.yaml", "resources: [../outside.yaml]\n");
  EXPECT_THROW(Build("app"), Error);
  Options none;
  none.load_restrictor = LoadRestrictor::kNone;
  EXPECT_NE(Build("app", none).find("name: web"), std::string::npos);
}

TEST_F(RenderTest, CyclesAndMissingFilesFail) {
  Write("a/kustomization.yaml", "resources: [../b]\n");
  Write("b/kustomization.yaml", "resources: [../a]\n");
  EXPECT_THROW(Build("a"), Error);
  Write("c/kustomization.yaml", "resources: [nope.yaml]\n");
  EXPECT_THROW(Build("c"), Error);
}

TEST_F(RenderTest, UnsupportedFeaturesFailClearly) {
  Write("a/kustomization.yaml", "resources: [https://github.com/x/y//base]\n");
  try {
    Build("a");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not supported"), std::string::npos);
  }
  Write("b/kustomization.yaml", "helmCharts:\n- name: x\n");
  EXPECT_THROW(Build("b"), Error);  // needs --enable-helm
  Write("c/kustomization.yaml", "bogusField: 1\n");
  EXPECT_THROW(Build("c"), Error);
}

TEST_F(RenderTest, ComponentsAndNamespace) {
  Write("base/kustomization.yaml", "resources: [deploy.yaml]\n");
  Write("base/deploy.yaml", kDeploy);
  Write("comp/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonLabels: {team: a}\n");
  Write("app/kustomization.yaml", "namespace: prod\nresources: [../base]\ncomponents: [../comp]\n");
  std::string out = Build("app");
  EXPECT_NE(out.find("namespace: prod"), std::string::npos) << out;
  EXPECT_NE(out.find("team: a"), std::string::npos) << out;
}

TEST_F(RenderTest, OutputFileNameLikeKustomize) {
  yaml::Node d = yaml::ParseOne("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: p-d}\n");
  EXPECT_EQ(OutputFileName(d), "apps_v1_deployment_p-d.yaml");
  yaml::Node s = yaml::ParseOne("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n");
  EXPECT_EQ(OutputFileName(s), "v1_service_s.yaml");
}

}  // namespace
}  // namespace capstan::kustomize
