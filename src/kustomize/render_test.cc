// End-to-end tests of Render on small trees written to a temp dir.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kustomize/kustomize.h"
#include "kustomize/remote.h"
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
    // Without Options::fetch_remote (the CLI sets it) a remote base is refused.
    EXPECT_NE(std::string(e.what()).find("remote bases are not available here"), std::string::npos) << e.what();
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

// Rules found by the real-world corpus (argo-cd ha, kueue, opentelemetry-operator).
TEST_F(RenderTest, EmptyOrNullAnnotationsAreDroppedLabelsKept) {
  Write("a/kustomization.yaml", "resources: [s.yaml]\n");
  Write("a/s.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  annotations:\n  labels: {}\n---\n"
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: y\n  annotations: {}\n"
        "spec:\n  template:\n    metadata:\n      annotations: {}\n");
  std::string out = Build("a");
  EXPECT_EQ(out.find("  annotations: null"), std::string::npos) << out;
  EXPECT_EQ(out.find("\n  annotations: {}"), std::string::npos) << out;
  EXPECT_NE(out.find("  labels: {}"), std::string::npos) << out;
  EXPECT_NE(out.find("      annotations: {}"), std::string::npos) << out;  // only metadata's own
}

TEST_F(RenderTest, ScopeFollowsApiVersionAndKind) {
  Write("a/kustomization.yaml", "namespace: ns1\nresources: [r.yaml]\n");
  Write("a/r.yaml",
        "apiVersion: flowcontrol.apiserver.k8s.io/v1beta1\nkind: FlowSchema\nmetadata:\n  name: old\n---\n"
        "apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: FlowSchema\nmetadata:\n  name: new\n---\n"
        "apiVersion: example.com/v1\nkind: ClusterRole\nmetadata:\n  name: custom\n");
  auto docs = Render((root_ / "a").string(), {});
  ASSERT_EQ(docs.size(), 3u);
  for (const auto& d : docs) {
    std::string name = d.StrAt({"metadata", "name"});
    EXPECT_EQ(d.StrAt({"metadata", "namespace"}), name == "old" ? "" : "ns1") << name;
  }
}

TEST_F(RenderTest, MergedGeneratorHashesOnlyWhenBothSidesDo) {
  Write("base/kustomization.yaml",
        "generatorOptions: {disableNameSuffixHash: true}\nconfigMapGenerator:\n- name: cm\n  literals: [a=b]\n");
  Write("ov/kustomization.yaml",
        "resources: [../base]\nconfigMapGenerator:\n- name: cm\n  behavior: merge\n  literals: [c=d]\n");
  std::string out = Build("ov");
  EXPECT_NE(out.find("  name: cm\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  c: d\n"), std::string::npos) << out;
}

TEST_F(RenderTest, VarFieldPathIsCaseInsensitiveLikeGoJson) {
  Write("a/kustomization.yaml",
        "namespace: team\nresources: [r.yaml]\nvars:\n"
        "- name: NS\n  objref: {kind: Service, name: svc, version: v1}\n  fieldref: {fieldPath: metadata.namespace}\n"
        "- name: NAME\n  objref: {kind: Service, name: svc, version: v1}\n  fieldref: {}\n");
  Write("a/r.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n"
        "    image: i\n    args: [\"$(NAME).$(NS).svc\"]\n");
  std::string out = Build("a");
  EXPECT_NE(out.find("- svc.team.svc"), std::string::npos) << out;
}

// Defect: bases and symlinks leaving a repository checkout were rendered.
TEST_F(RenderTest, ConfinedBuildRefusesAnythingOutsideTheCheckout) {
  Write("outside/kustomization.yaml", "resources: [cm.yaml]\n");
  Write("outside/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stolen\n");
  Write("repo/app/kustomization.yaml", "resources: [../../outside]\n");
  Options o;
  o.confine_to = (root_ / "repo").string();
  EXPECT_NO_THROW(Build("repo/app"));  // unconfined (plain `capstan build`): kustomize's rules
  try {
    Build("repo/app", o);
    FAIL() << "rendered a base outside the checkout";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("outside the repository checkout"), std::string::npos) << e.what();
  }
  Write("repo/app/kustomization.yaml", "resources: [cm.yaml]\n");
  fs::create_symlink("../../outside/cm.yaml", root_ / "repo/app/cm.yaml");
  EXPECT_THROW(Build("repo/app", o), Error);
}

// Defect: an empty kustomization.yaml built to nothing (kustomize: error).
TEST_F(RenderTest, EmptyKustomizationIsAnError) {
  for (std::string text : {"", "# only a comment\n", "{}\n", "kind: Kustomization\n", "resources:\n"}) {
    Write("e/kustomization.yaml", text);
    try {
      Build("e");
      ADD_FAILURE() << "built an empty kustomization: \"" << text << "\"";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("kustomization.yaml: kustomization.yaml is empty"), std::string::npos)
          << e.what();
    }
  }
  Write("e/kustomization.yaml", "resources: []\n");  // set, though to nothing: fine
  EXPECT_EQ(Build("e"), "");
}

TEST(RemoteRef, KustomizeSpellings) {
  struct Case {
    const char* spec;
    const char* url;
    const char* subdir;
    const char* ref;
  } cases[] = {
      {"https://github.com/org/repo//deploy/base?ref=v1.2.3", "https://github.com/org/repo", "deploy/base", "v1.2.3"},
      {"https://github.com/org/repo.git/deploy?ref=main", "https://github.com/org/repo.git", "deploy", "main"},
      {"https://github.com/org/repo/deploy/base?version=v2", "https://github.com/org/repo", "deploy/base", "v2"},
      {"git@github.com:org/repo.git//base?ref=abc", "git@github.com:org/repo.git", "base", "abc"},
      {"ssh://git@host.example/org/repo//x/y", "ssh://git@host.example/org/repo", "x/y", ""},
      {"file:///tmp/r/repo.git//base?ref=v1", "file:///tmp/r/repo.git", "base", "v1"},
      {"file:///tmp/r/repo", "file:///tmp/r/repo", "", ""},
      {"github.com/org/repo/config/default?ref=v1&timeout=90s", "https://github.com/org/repo", "config/default", "v1"},
      {"git::https://gitlab.com/g/p.git//k?ref=t", "https://gitlab.com/g/p.git", "k", "t"},
  };
  for (const auto& c : cases) {
    RemoteRef r = ParseRemoteRef(c.spec);
    EXPECT_EQ(r.repo_url, c.url) << c.spec;
    EXPECT_EQ(r.subdir, c.subdir) << c.spec;
    EXPECT_EQ(r.ref, c.ref) << c.spec;
  }
  EXPECT_THROW(ParseRemoteRef("https://raw.githubusercontent.com/o/r/main/x.yaml"), Error);  // a file, not a repo
  EXPECT_THROW(ParseRemoteRef("https://github.com/o/r//../../etc"), Error);
}

TEST_F(RenderTest, UnknownGeneratorBehaviorCreatesAsKustomize) {
  Write("g/kustomization.yaml", "configMapGenerator:\n- name: gen\n  behavior: bogus\n  literals: [a=b]\n");
  EXPECT_NE(Build("g").find("name: gen-4h2mbtbbt6"), std::string::npos) << Build("g");  // kubectl's hash
}

// kustomize's JSON patch (evanphx/json-patch v5): a null parent is an empty
// object and replace of a missing key in an object sets it; a missing parent
// stays an error.
TEST_F(RenderTest, JsonPatchPathsAsKustomizeSeesThem) {
  Write("j/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\ndata:\n  k: v\n");
  Write("j/kustomization.yaml",
        "resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: |-\n"
        "    - {op: add, path: /metadata/annotations/x, value: v}\n"
        "    - {op: replace, path: /data/nokey, value: w}\n");
  std::string out = Build("j");
  EXPECT_NE(out.find("  annotations:\n    x: v\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  nokey: w\n"), std::string::npos) << out;
  Write("j/kustomization.yaml",
        "resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: |-\n"
        "    - {op: replace, path: /spec/x, value: v}\n");
  EXPECT_THROW(Build("j"), Error);
}

}  // namespace
}  // namespace capstan::kustomize
