#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "resource/patch.h"
#include "resource/test_util.h"
#include "yaml/yaml.h"

namespace capstan::resource {
namespace {

yaml::Node Y(const char* text) { return yaml::ParseOne(text); }

std::vector<yaml::Node> LoadCases() {
  std::ifstream f(std::string(CAPSTAN_RESOURCE_TESTDATA) + "/smp_cases.yaml");
  std::stringstream s;
  s << f.rdbuf();
  yaml::Node all = yaml::ParseOne(s.str(), "smp_cases.yaml");
  return all.items;
}

SmpOptions ApiServer() { return SmpOptions{SmpFlavor::kApiServer}; }

// Every case was run through kubectl kustomize and kubectl patch --local.
TEST(StrategicMerge, MatchesKubectlRecordings) {
  std::vector<yaml::Node> cases = LoadCases();
  ASSERT_GE(cases.size(), 30u);
  int checked = 0;
  for (const yaml::Node& c : cases) {
    std::string name = c.StrAt({"name"});
    const yaml::Node& target = *c.Get("target");
    const yaml::Node& patch = *c.Get("patch");
    const Schema& b = Schema::BuiltIn();
    if (c.Has("kustomize_error")) {
      EXPECT_THROW(ApplyStrategicMergePatch(target, patch, b, SmpOptions{}), PatchError) << name;
    } else {
      yaml::Node got = ApplyStrategicMergePatch(target, patch, b, SmpOptions{});
      EXPECT_EQ(got, *c.Get("kustomize")) << name << " (kustomize) gave\n" << yaml::EmitYaml(got);
    }
    if (const yaml::Node* want = c.Get("apiserver")) {
      yaml::Node got = ApplyStrategicMergePatch(target, patch, Schema::BuiltIn(), ApiServer());
      EXPECT_EQ(got, *want) << name << " (apiserver) gave\n" << yaml::EmitYaml(got);
    }
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(cases.size()));
}

// Objects a single-key strategic merge patch cannot express: literal
// directive keys (kustomize copies them through), two container/service
// ports with the same number (kubernetes/kubernetes#108255), duplicate list scalars.
bool Inexpressible(const yaml::Node& n) {
  if (n.IsMap()) {
    for (const yaml::Field& f : n.fields)
      if (f.key.Str().rfind("$", 0) == 0 || Inexpressible(f.value)) return true;
  }
  if (n.IsSeq()) {
    std::set<std::string> ports, scalars;
    for (const yaml::Node& i : n.items) {
      for (const char* k : {"containerPort", "port"})
        if (const yaml::Node* p = i.Get(k); p && !ports.insert(std::string(k) + "=" + p->Str()).second) return true;
      if (i.IsScalar() && !scalars.insert(i.Str()).second) return true;  // duplicates in a set-like list
      if (Inexpressible(i)) return true;
    }
  }
  return false;
}

// CreateTwoWayMergePatch(a, b) applied to a gives b, for every recorded pair.
TEST(TwoWayMergePatch, RoundTripsRecordedPairs) {
  int checked = 0;
  for (const yaml::Node& c : LoadCases()) {
    const yaml::Node& target = *c.Get("target");
    for (const char* which : {"kustomize", "apiserver"}) {
      const yaml::Node* modified = c.Get(which);
      if (modified == nullptr || !modified->IsMap() || modified->size() == 0) continue;
      if (Inexpressible(*modified) || Inexpressible(target)) continue;
      ++checked;
      yaml::Node patch = CreateTwoWayMergePatch(target, *modified);
      yaml::Node back = ApplyStrategicMergePatch(target, patch, Schema::BuiltIn(), ApiServer());
      EXPECT_EQ(back, *modified) << c.StrAt({"name"}) << " " << which << " patch:\n" << yaml::EmitYaml(patch);
      // And the way back.
      yaml::Node reverse = CreateTwoWayMergePatch(*modified, target);
      EXPECT_EQ(ApplyStrategicMergePatch(*modified, reverse, Schema::BuiltIn(), ApiServer()), target)
          << c.StrAt({"name"}) << " " << which << " reverse patch:\n" << yaml::EmitYaml(reverse);
    }
  }
  EXPECT_GE(checked, 40);
}

TEST(TwoWayMergePatch, ShapeOfPatch) {
  yaml::Node a = Y(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: d, labels: {a: "1", b: "2"}, finalizers: [x, y]}
spec:
  replicas: 1
  template:
    spec:
      containers:
      - {name: a, image: a}
      - {name: b, image: b}
)");
  yaml::Node b = Y(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: d, labels: {a: "1"}, finalizers: [y, z]}
spec:
  replicas: 1
  template:
    spec:
      containers:
      - {name: a, image: a2}
)");
  yaml::Node want = Y(R"(
metadata:
  labels: {b: null}
  finalizers: [z]
  $deleteFromPrimitiveList/finalizers: [x]
  $setElementOrder/finalizers: [y, z]
spec:
  template:
    spec:
      containers:
      - {name: a, image: a2}
      - {name: b, $patch: delete}
      $setElementOrder/containers:
      - {name: a}
)");
  EXPECT_EQ(CreateTwoWayMergePatch(a, b), want) << yaml::EmitYaml(CreateTwoWayMergePatch(a, b));
  EXPECT_EQ(CreateTwoWayMergePatch(a, a), yaml::Node::Map());
}

TEST(TwoWayMergePatch, RetainKeysForUnionFields) {
  yaml::Node a = Y(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}
)");
  yaml::Node b = Y(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  strategy: {type: Recreate}
)");
  yaml::Node want = Y(R"(
spec:
  strategy: {type: Recreate, rollingUpdate: null, $retainKeys: [type]}
)");
  EXPECT_EQ(CreateTwoWayMergePatch(a, b), want) << yaml::EmitYaml(CreateTwoWayMergePatch(a, b));
}

TEST(TwoWayMergePatch, CustomKindsDiffLikeMergePatch) {
  yaml::Node a = Y("apiVersion: x.io/v1\nkind: W\nspec: {l: [1, 2], m: {k: v}}\n");
  yaml::Node b = Y("apiVersion: x.io/v1\nkind: W\nspec: {l: [2], m: {}}\n");
  EXPECT_EQ(CreateTwoWayMergePatch(a, b), Y("spec: {l: [2], m: {k: null}}\n"));
  EXPECT_EQ(ApplyMergePatch(a, CreateTwoWayMergePatch(a, b)), b);
}

TEST(StrategicMerge, CustomKindsReplaceListsAndMergeMaps) {
  yaml::Node t = Y("apiVersion: x.io/v1\nkind: W\nmetadata: {name: w}\nspec:\n  l: [{name: a}, {name: b}]\n  m: {k: v}\n");
  yaml::Node p = Y("apiVersion: x.io/v1\nkind: W\nmetadata: {name: w}\nspec:\n  l: [{name: c}]\n  m: {j: w}\n");
  yaml::Node want =
      Y("apiVersion: x.io/v1\nkind: W\nmetadata: {name: w}\nspec:\n  l: [{name: c}]\n  m: {k: v, j: w}\n");
  EXPECT_EQ(ApplyStrategicMergePatch(t, p), want);
  EXPECT_EQ(ApplyStrategicMergePatch(t, p, Schema::BuiltIn(), ApiServer()), want);
}

TEST(StrategicMerge, CustomSchemaGivesMergeKeys) {
  Schema schema;
  schema.AddOpenApi(Y(R"(
definitions:
  com.example.v1.Widget:
    x-kubernetes-group-version-kind: [{group: example.com, version: v1, kind: Widget}]
    properties:
      spec:
        properties:
          parts:
            type: array
            x-kubernetes-patch-strategy: merge
            x-kubernetes-patch-merge-key: id
            items: {$ref: "#/definitions/com.example.v1.Part"}
  com.example.v1.Part:
    properties:
      id: {type: string}
      size: {type: integer}
)"));
  yaml::Node t = Y("apiVersion: example.com/v1\nkind: Widget\nspec:\n  parts: [{id: a, size: 1}, {id: b, size: 2}]\n");
  yaml::Node p = Y("apiVersion: example.com/v1\nkind: Widget\nspec:\n  parts: [{id: b, size: 3}, {id: c}]\n");
  EXPECT_EQ(ApplyStrategicMergePatch(t, p, schema),
            Y("apiVersion: example.com/v1\nkind: Widget\nspec:\n  parts: [{id: b, size: 3}, {id: c}, {id: a, size: 1}]\n"));
  EXPECT_EQ(ApplyStrategicMergePatch(t, p, schema, ApiServer()),
            Y("apiVersion: example.com/v1\nkind: Widget\nspec:\n  parts: [{id: a, size: 1}, {id: b, size: 3}, {id: c}]\n"));
}

// kubectl kustomize with `openapi: path:` set replaces the built-in schema:
// a Deployment patch then replaces the containers list. An empty Schema plus
// the custom document reproduces that.
TEST(StrategicMerge, CustomSchemaAloneForgetsBuiltinKinds) {
  Schema custom;
  custom.AddOpenApi(Y("definitions:\n  x.W:\n    properties: {a: {type: string}}\n"));
  yaml::Node t = Y("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                   "spec: {template: {spec: {containers: [{name: a, image: a}]}}}\n");
  yaml::Node p = Y("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                   "spec: {template: {spec: {containers: [{name: b, image: b}]}}}\n");
  EXPECT_EQ(*ApplyStrategicMergePatch(t, p, custom).At({"spec", "template", "spec", "containers"}),
            Y("[{name: b, image: b}]"));
  EXPECT_EQ(*ApplyStrategicMergePatch(t, p).At({"spec", "template", "spec", "containers"}),
            Y("[{name: b, image: b}, {name: a, image: a}]"));
}

// Maps wider than the linear-scan threshold take the indexed path.
TEST(StrategicMerge, WideMapsMergeLikeMergePatch) {
  std::string target = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n";
  for (int i = 0; i < 100; ++i) target += "  k" + std::to_string(i) + ": v" + std::to_string(i) + "\n";
  yaml::Node t = yaml::ParseOne(target);
  yaml::Node p = Y("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k5: x, new: y, k7: null, k99: null}\n");
  yaml::Node want = ApplyMergePatch(t, p);
  yaml::Node got = ApplyStrategicMergePatch(t, p, Schema::BuiltIn(), SmpOptions{});
  EXPECT_EQ(got, want);
  EXPECT_EQ(ApplyStrategicMergePatch(t, p, Schema::BuiltIn(), ApiServer()), want);
  ASSERT_EQ(got.Get("data")->size(), 99u);
  EXPECT_EQ(got.Get("data")->fields[5].key.Str(), "k5");  // order of kept keys unchanged
  EXPECT_EQ(got.Get("data")->fields.back().key.Str(), "new");
}

TEST(StrategicMerge, ErrorsAreOneLineWithPath) {
  yaml::Node t = Y("apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a, image: a}]\n");
  yaml::Node p = Y("apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a, image: {x: 1}}]\n");
  try {
    ApplyStrategicMergePatch(t, p);
    FAIL() << "no error";
  } catch (const PatchError& e) {
    std::string m = e.what();
    EXPECT_EQ(m.find('\n'), std::string::npos);
    EXPECT_NE(m.find("spec.containers[name=a].image"), std::string::npos) << m;
  }
  EXPECT_THROW(ApplyStrategicMergePatch(t, Y("spec: {$patch: bogus}\n")), PatchError);
  EXPECT_THROW(ApplyStrategicMergePatch(t, Y("spec: {$patch: bogus}\n"), Schema::BuiltIn(), ApiServer()), PatchError);
  EXPECT_THROW(
      ApplyStrategicMergePatch(t, Y("spec: {containers: [{image: x}]}\n"), Schema::BuiltIn(), ApiServer()),
      PatchError);
}

// The default entry point switches to apiserver semantics for patches that
// carry kubectl's directives, and is kustomize otherwise.
TEST(StrategicMerge, DefaultFlavourFollowsDirectives) {
  for (const yaml::Node& c : LoadCases()) {
    std::string name = c.StrAt({"name"});
    bool kubectl_patch = name == "set-element-order" || name == "set-element-order-env" || name == "retain-keys" ||
                         name == "retain-keys-volume" || name == "delete-from-primitive-list" ||
                         name == "set-order-primitive" || name == "new-map-with-directives" ||
                         name == "new-list-nested";
    const yaml::Node* want = c.Get(kubectl_patch ? "apiserver" : "kustomize");
    if (want == nullptr) continue;
    EXPECT_EQ(ApplyStrategicMergePatch(*c.Get("target"), *c.Get("patch")), *want) << name;
  }
}

TEST(StrategicMerge, TopLevelDeleteRemovesObject) {
  yaml::Node t = Y("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
  EXPECT_TRUE(ApplyStrategicMergePatch(t, Y("$patch: delete\n")).IsNull());
}

TEST(StrategicMerge, KeepsTagsAndStylesOfUntouchedValues) {
  yaml::Node t = Y("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: '1'\n  b: \"x\"\n");
  yaml::Node p = Y("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  c: '2'\n");
  for (const SmpOptions& o : {SmpOptions{}, ApiServer()}) {
    yaml::Node out = ApplyStrategicMergePatch(t, p, Schema::BuiltIn(), o);
    EXPECT_EQ(out.At({"data", "a"})->style, yaml::Style::kSingleQuoted);
    EXPECT_EQ(out.At({"data", "b"})->style, yaml::Style::kDoubleQuoted);
    EXPECT_TRUE(out.At({"data", "c"})->IsString());
    EXPECT_EQ(out.At({"data"})->fields[0].key.Str(), "a");
  }
}

}  // namespace
}  // namespace capstan::resource
