// Unit tests of the transformer filters, each on a small resource list.
#include <gtest/gtest.h>

#include "kustomize/internal.h"
#include "kustomize/output.h"
#include "yaml/yaml.h"

namespace capstan::kustomize {
namespace {

ResList Load(const std::string& text) {
  ResList out;
  for (auto& d : yaml::ParseAll(text)) {
    Resource r;
    r.obj = std::move(d);
    out.push_back(std::move(r));
  }
  return out;
}

const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      serviceAccountName: sa
      containers:
      - name: app
        image: nginx:1.0
        envFrom:
        - configMapRef:
            name: cfg
)";

TEST(Namespace, SetsNamespacedObjectsOnly) {
  auto res = Load(std::string(kDeployment) + "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: old\n"
                  "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr\n");
  TransformNamespace(res, "prod", BuiltinConfig().name_space);
  EXPECT_EQ(res[0].Namespace(), "prod");
  EXPECT_EQ(res[1].Name(), "prod");  // v1 Namespace objects are renamed
  EXPECT_EQ(res[2].Namespace(), "");
  EXPECT_EQ(res[0].prev_ids.size(), 1u);
}

TEST(PrefixSuffix, RenamesAndRemembersOldName) {
  auto res = Load(kDeployment);
  TransformPrefixSuffix(res, "p-", "-s", BuiltinConfig().name_prefix);
  EXPECT_EQ(res[0].Name(), "p-web-s");
  ASSERT_EQ(res[0].prev_ids.size(), 1u);
  EXPECT_EQ(res[0].prev_ids[0].name, "web");
}

TEST(Labels, CommonLabelsReachSelectorsAndTemplates) {
  auto res = Load(kDeployment);
  Node labels = Node::Map();
  labels.Set("team", Node::Int(7));
  TransformLabels(res, labels, BuiltinConfig().common_labels);
  EXPECT_EQ(res[0].obj.StrAt({"metadata", "labels", "team"}), "7");
  EXPECT_TRUE(res[0].obj.At({"metadata", "labels", "team"})->IsString());
  EXPECT_EQ(res[0].obj.At({"spec", "selector", "matchLabels", "team"})->value, "7");
  EXPECT_EQ(res[0].obj.At({"spec", "template", "metadata", "labels", "team"})->value, "7");
}

TEST(Annotations, CreatesMetadataAnnotations) {
  auto res = Load(kDeployment);
  Node a = Node::Map();
  a.Set("note", Node::String("x"));
  TransformAnnotations(res, a, BuiltinConfig().common_annotations);
  EXPECT_EQ(res[0].obj.StrAt({"metadata", "annotations", "note"}), "x");
  EXPECT_EQ(res[0].obj.StrAt({"spec", "template", "metadata", "annotations", "note"}), "x");
}

TEST(Images, RewritesNameTagAndDigest) {
  auto res = Load(kDeployment);
  TransformImages(res, {{"nginx", "registry/nginx", "2.0", "", false}}, BuiltinConfig().images);
  const Node* c = &res[0].obj.At({"spec", "template", "spec", "containers"})->items[0];
  EXPECT_EQ(c->StrAt({"image"}), "registry/nginx:2.0");
  TransformImages(res, {{"registry/nginx", "", "", "sha256:abc", false}}, BuiltinConfig().images);
  c = &res[0].obj.At({"spec", "template", "spec", "containers"})->items[0];
  EXPECT_EQ(c->StrAt({"image"}), "registry/nginx@sha256:abc");
}

TEST(Images, LeavesOtherImagesAlone) {
  auto res = Load(kDeployment);
  TransformImages(res, {{"nginx-other", "x", "1", "", false}}, BuiltinConfig().images);
  EXPECT_EQ(res[0].obj.At({"spec", "template", "spec", "containers"})->items[0].StrAt({"image"}), "nginx:1.0");
}

TEST(Replicas, SetsCountOnNamedWorkload) {
  auto res = Load(kDeployment);
  TransformReplicas(res, "web", 3, BuiltinConfig().replicas);
  ASSERT_TRUE(res[0].obj.At({"spec", "replicas"}));
  EXPECT_EQ(res[0].obj.At({"spec", "replicas"})->AsInt(), 3);
}

TEST(NameReference, FollowsRenamedConfigMap) {
  auto res = Load(std::string(kDeployment) + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n");
  res[1].StorePreviousId();
  res[1].SetName("cfg-abc");
  FixNameReferences(res, BuiltinConfig().name_reference);
  EXPECT_EQ(res[0].obj.At({"spec", "template", "spec", "containers"})->items[0].StrAt({"envFrom"}), "");
  const Node& env = res[0].obj.At({"spec", "template", "spec", "containers"})->items[0].Get("envFrom")->items[0];
  EXPECT_EQ(env.StrAt({"configMapRef", "name"}), "cfg-abc");
}

TEST(NameReference, AmbiguousReferenceFails) {
  auto res = Load(std::string(kDeployment) +
                  "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
                  "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n");
  for (int i : {1, 2}) {
    res[i].prev_ids.push_back(res[i].CurId());
    res[i].prev_ids.back().name = "cfg";
  }
  EXPECT_THROW(FixNameReferences(res, BuiltinConfig().name_reference), Error);
}

TEST(Replacements, CopiesFieldWithDelimiter) {
  auto res = Load(std::string(kDeployment) + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  tag: \"2.5\"\n");
  Node reps = yaml::ParseOne(R"(
- source: {kind: ConfigMap, name: cfg, fieldPath: data.tag}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.[name=app].image
    options: {delimiter: ":", index: 1}
)");
  ApplyReplacements(res, reps, "test");
  EXPECT_EQ(res[0].obj.At({"spec", "template", "spec", "containers"})->items[0].StrAt({"image"}), "nginx:2.5");
}

TEST(Replacements, MissingSourceFails) {
  auto res = Load(kDeployment);
  Node reps = yaml::ParseOne("- source: {kind: Secret, name: nope}\n  targets: []\n");
  EXPECT_THROW(ApplyReplacements(res, reps, "test"), Error);
}

TEST(Vars, ExpandsReferences) {
  auto res = Load(R"Y(apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    command: ["echo", "$(SVC)", "$$(SVC)", "$(NOPE)"]
---
apiVersion: v1
kind: Service
metadata:
  name: svc
)Y");
  Node vars = yaml::ParseOne("- name: SVC\n  objref: {apiVersion: v1, kind: Service, name: svc}\n");
  BindVars(res, vars, "test");
  ResolveVars(res, vars, BuiltinConfig().var_reference);
  const Node* cmd = res[0].obj.At({"spec", "containers"})->items[0].Get("command");
  EXPECT_EQ(cmd->items[1].value, "svc");
  EXPECT_EQ(cmd->items[2].value, "$(SVC)");
  EXPECT_EQ(cmd->items[3].value, "$(NOPE)");
}

TEST(Sort, LegacyOrderPutsNamespaceFirstAndWebhooksLast) {
  auto res = Load(R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: w}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: x}
---
apiVersion: v1
kind: Namespace
metadata: {name: n}
)");
  SortLegacy(res, nullptr);
  EXPECT_EQ(res[0].Kind(), "Namespace");
  EXPECT_EQ(res[1].Kind(), "Deployment");
  EXPECT_EQ(res[2].Kind(), "Widget");
  EXPECT_EQ(res[3].Kind(), "ValidatingWebhookConfiguration");
}

TEST(Hash, MatchesKustomizeForConfigMapAndSecret) {
  // Values produced by kustomize v5.5.0 for the same data.
  Node cm = yaml::ParseOne("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: \"1\", b: x}\n");
  EXPECT_EQ(HashResource(cm), "b5g875c65k");
  Node s = yaml::ParseOne("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls\ndata: {k: dg==}\n");
  EXPECT_EQ(HashResource(s), "8d9db26b4d");
}

TEST(Output, GoYamlNaturalKeyOrder) {
  EXPECT_TRUE(GoYamlKeyLess("a2", "a10"));
  // Digit runs past int64 wrap as in Go (no undefined behaviour): 10^19
  // wraps negative, so it sorts before 2.
  EXPECT_TRUE(GoYamlKeyLess("a1", "a99999999999999999999"));
  EXPECT_TRUE(GoYamlKeyLess("a10000000000000000000", "a2"));
  EXPECT_TRUE(GoYamlKeyLess("apiVersion", "kind"));
  EXPECT_TRUE(GoYamlKeyLess("B", "a"));
  EXPECT_FALSE(GoYamlKeyLess("kind", "apiVersion"));
}

TEST(LabelSelector, SetBasedAndEquality) {
  Node labels = yaml::ParseOne("{app: web, tier: fe}");
  EXPECT_TRUE(MatchLabelSelector(&labels, "app=web"));
  EXPECT_TRUE(MatchLabelSelector(&labels, "app in (web, api),tier!=be"));
  EXPECT_FALSE(MatchLabelSelector(&labels, "!tier"));
  EXPECT_FALSE(MatchLabelSelector(&labels, "app notin (web)"));
  EXPECT_TRUE(MatchLabelSelector(&labels, "tier"));
  // The API server's parser (resource/selector.h): bad syntax is an error
  // naming the selector, not a silent mismatch.
  try {
    MatchLabelSelector(&labels, "app in (web");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("invalid label selector 'app in (web'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace capstan::kustomize
