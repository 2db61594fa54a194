#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "policy/format.h"
#include "policy/gatekeeper.h"
#include "policy/policy.h"
#include "policy/policy_set.h"
#include "policy/suite.h"
#include "yaml/yaml.h"

namespace capstan::policy {
namespace {

// Value of data.t.p for one module (package t), as JSON; "undefined" when
// undefined, "error: <code>" on error.
std::string Eval(const std::string& module, const std::string& input_json = "", Limits limits = {}) {
  try {
    Engine e(limits);
    e.AddModule("package t\n" + module, "t.rego");
    if (!input_json.empty()) e.SetInput(FromNode(yaml::ParseJson(input_json)));
    e.Compile();
    auto v = e.EvalPath({"t", "p"});
    return v ? ToJson(*v) : "undefined";
  } catch (const Error& err) {
    return "error: " + err.code();
  }
}

TEST(Policy, CompleteAndDefaultRules) {
  EXPECT_EQ(Eval("p := 1 + 2 * 3"), "7");
  EXPECT_EQ(Eval("default p := false\np { input.x == 1 }", R"({"x": 2})"), "false");
  EXPECT_EQ(Eval("default p := false\np { input.x == 1 }", R"({"x": 1})"), "true");
  EXPECT_EQ(Eval("p { input.missing }"), "undefined");
  EXPECT_EQ(Eval("p = 1 { true }\np = 2 { true }"), "error: eval_conflict_error");
}

TEST(Policy, PartialSetsAndObjects) {
  EXPECT_EQ(Eval("p[x] { x := input.xs[_]; x > 1 }", R"({"xs": [3, 1, 2, 3]})"), "[2,3]");
  EXPECT_EQ(Eval("p[k] = v { v := input.o[k]; v != 0 }", R"({"o": {"a": 1, "b": 0}})"), R"({"a":1})");
  EXPECT_EQ(Eval("import rego.v1\np contains x if { some x in [1, 2] }"), "[1,2]");
  EXPECT_EQ(Eval("p[k] = 1 { k := \"a\" }\np[k] = 2 { k := \"a\" }"), "error: eval_conflict_error");
}

TEST(Policy, FunctionsElseAndNegation) {
  const char* m =
      "f(x) = \"small\" { x < 10 } else = \"big\" { true }\n"
      "g(x) { not x == 1 }\n"
      "p := [f(1), f(100), g(2)]";
  EXPECT_EQ(Eval(m), R"(["small","big",true])");
  EXPECT_EQ(Eval("f(1) = \"one\"\nf(x) = \"other\" { x != 1 }\np := [f(1), f(2)]"), R"(["one","other"])");
}

TEST(Policy, ComprehensionsSomeEveryIn) {
  EXPECT_EQ(Eval("p := {x: y | some x, y in {\"a\": 1, \"b\": 2}; y > 1}"), R"({"b":2})");
  EXPECT_EQ(Eval("p := [x * 2 | x := [1, 2][_]]"), "[2,4]");
  EXPECT_EQ(Eval("import rego.v1\np if every x in [1, 2] { x > 0 }"), "true");
  EXPECT_EQ(Eval("import rego.v1\np if every x in [1, 2] { x > 1 }"), "undefined");
  EXPECT_EQ(Eval("import rego.v1\np := 2 in {1, 2}"), "true");
  EXPECT_EQ(Eval("p := {1, 2, 3} - {2} | {9} & {9}"), "[1,3,9]");
}

TEST(Policy, BodyOrderDoesNotMatter) {
  // `not` and the comparison come before the expressions binding their vars.
  EXPECT_EQ(Eval("p[x] { not x == 2; x > 0; x := input.xs[_] }", R"({"xs": [1, 2, 3]})"), "[1,3]");
}

TEST(Policy, WithReplacesInputDataAndFunctions) {
  const char* m =
      "q { input.x == 1 }\n"
      "f(x) = x\n"
      "mock(x) = 42\n"
      "p := [r | q with input as {\"x\": 1}; r := 1]\n"
      "p2 := y { y := f(1) with f as mock }";
  EXPECT_EQ(Eval(m), "[1]");
  Engine e;
  e.AddModule(std::string("package t\n") + m, "t.rego");
  e.Compile();
  EXPECT_EQ(ToJson(*e.EvalPath({"t", "p2"})), "42");
}

TEST(Policy, ImportsAndLibraries) {
  Engine e;
  e.AddModule("package lib.util\nname(o) = o.metadata.name", "lib.rego");
  e.AddModule("package t\nimport data.lib.util\np := util.name(input)", "t.rego");
  e.SetInput(FromNode(yaml::ParseJson(R"({"metadata": {"name": "web"}})")));
  e.Compile();
  EXPECT_EQ(ToJson(*e.EvalPath({"t", "p"})), "\"web\"");
}

TEST(Policy, Builtins) {
  EXPECT_EQ(Eval(R"(p := sprintf("%v %s %d %v", [["a", 1], "x", 3, {"k": {1}}]))"), R"("[\"a\", 1] x 3 {\"k\": {1}}")");
  EXPECT_EQ(Eval(R"(p := [units.parse("1.5Gi"), units.parse_bytes("10KB"), units.parse("100m")])"),
            "[1610612736,10000,0.1]");
  EXPECT_EQ(Eval(R"(p := [regex.match("^nginx(:[0-9.]+)?$", "nginx:1.2"), regex.match("^a", "ba")])"), "[true,false]");
  EXPECT_EQ(Eval(R"(p := object.get({"a": {"b": 1}}, ["a", "b"], 0))"), "1");
  EXPECT_EQ(Eval(R"(p := [trim_suffix("a.yaml", ".yaml"), substring("hello", 1, 3), split("a,b", ",")])"),
            R"(["a","ell",["a","b"]])");
  EXPECT_EQ(Eval(R"(p := json.unmarshal(json.marshal({"a": [1, "<"]})))"), R"({"a":[1,"<"]})");
  EXPECT_EQ(Eval(R"(p := base64.decode(base64.encode("capstan")))"), R"("capstan")");
  EXPECT_EQ(Eval(R"(p := [to_number("12"), count("héllo"), is_string(1)])"), "[12,5,false]");
  EXPECT_EQ(Eval(R"(p := [glob.match("*.example.com", ["."], "api.example.com"), glob.match("*.example.com", ["."], "a.b.example.com"), glob.match("gcr.io/**", [], "gcr.io/a/b:1"), glob.match("{nginx,redis}:*", [], "redis:7")])"),
            "[true,false,true,true]");
  // A built-in error makes the expression undefined (not strict).
  EXPECT_EQ(Eval(R"(p := to_number("x"))"), "undefined");
}

TEST(Policy, UnsupportedBuiltinFailsAtLoadNamingIt) {
  Engine e;
  e.AddModule("package t\np := http.send({})", "policy.rego");
  try {
    e.Compile();
    FAIL() << "compiled";
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("http.send"), std::string::npos);
    EXPECT_NE(std::string(err.what()).find("policy.rego:2"), std::string::npos);
  }
}

TEST(Policy, ParseErrorsNameFileAndLine) {
  Engine e;
  try {
    e.AddModule("package t\n\np { x := }\n", "bad.rego");
    FAIL() << "parsed";
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), "rego_parse_error");
    EXPECT_NE(std::string(err.what()).find("bad.rego:3:"), std::string::npos) << err.what();
  }
}

TEST(Policy, HostilePoliciesEndWithErrors) {
  Limits small;
  small.max_steps = 100000;
  small.max_elements = 100000;
  EXPECT_EQ(Eval("f(x) = y { y := f(x) }\np := f(1)", "", small), "error: rego_recursion_error");
  EXPECT_EQ(Eval("p { q }\nq { p }", "", small), "error: rego_recursion_error");
  EXPECT_EQ(Eval("p := count(numbers.range(1, 1000000000))", "", small), "error: eval_limit_error");
  EXPECT_EQ(Eval("p := count([1 | numbers.range(1, 1000)[_]; numbers.range(1, 1000)[_]])", "", small),
            "error: eval_limit_error");
  EXPECT_EQ(Eval("r := numbers.range(1, 1000)\np { r[_] == r[_]; r[_] == -1 }", "", small), "error: eval_limit_error");
  std::string deep = "p := " + std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(Eval(deep), "error: rego_parse_error");
}

TEST(Gatekeeper, ReviewMatchAndInventory) {
  yaml::Node tmpl = yaml::ParseOne(R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sdemo}
spec:
  crd: {spec: {names: {kind: K8sDemo}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    rego: |
      package k8sdemo
      violation[{"msg": msg}] {
        input.review.object.metadata.name == input.parameters.forbidden
        other := data.inventory.cluster["v1"]["Namespace"][input.review.namespace]
        msg := sprintf("%v in %v", [input.review.kind.kind, other.metadata.name])
      }
)");
  Template t = LoadTemplate(tmpl, "t.yaml");
  EXPECT_EQ(t.kind, "K8sDemo");
  Constraint c = LoadConstraint(yaml::ParseOne(R"(
kind: K8sDemo
metadata: {name: demo}
spec:
  match:
    kinds: [{apiGroups: ["apps"], kinds: ["Deployment"]}]
    excludedNamespaces: ["kube-*"]
  parameters: {forbidden: web}
)"), "c.yaml");
  Value inv = BuildInventory({yaml::ParseOne("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n")});
  auto deploy = [](const std::string& ns) {
    return yaml::ParseOne("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: " + ns + "}\n");
  };
  auto v = Review(t, c, deploy("shop"), inv);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].msg, "Deployment in shop");
  EXPECT_TRUE(Review(t, c, deploy("kube-system"), inv).empty());
  EXPECT_TRUE(Review(t, c, yaml::ParseOne("apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\n"), inv).empty());
}

// gator verify over every suite of the shared gatekeeper-library copy,
// in-process (the CLI test runs the same through `capstan policy test`).
TEST(Suite, GatekeeperLibrary) {
  const char* shared = std::getenv("CAPSTAN_SHARED");
  std::string lib = std::string(shared ? shared : "../shared") + "/conformance/policy/library";
  std::vector<std::string> suites = FindSuites({lib});
  ASSERT_EQ(suites.size(), 49u);
  size_t passed = 0, total = 0;
  for (const std::string& s : suites) {
    for (const CaseResult& r : RunSuite(s)) {
      ++total;
      if (r.passed) ++passed;
      else ADD_FAILURE() << r.suite << " " << r.test << "/" << r.name << ": " << r.error;
    }
  }
  EXPECT_EQ(total, 270u);
  EXPECT_EQ(passed, total);
}

// The whole library as one policy set (what `capstan check --policy DIR`
// loads): every template, every sample constraint, example objects ignored.
TEST(PolicySet, WholeLibraryChecksObjects) {
  const char* shared = std::getenv("CAPSTAN_SHARED");
  std::string lib = std::string(shared ? shared : "../shared") + "/conformance/policy/library";
  PolicySet set = LoadPolicySet({lib});
  EXPECT_EQ(set.templates.size(), 49u);
  EXPECT_GE(set.constraints.size(), 75u);
  yaml::Node pod = yaml::ParseOne(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\n"
      "spec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext: {privileged: true}\n");
  std::vector<PolicyViolation> vs = CheckObjects(set, {pod});
  bool privileged = false;
  for (const auto& v : vs) {
    EXPECT_FALSE(v.error) << v.msg;
    privileged = privileged || v.constraint->kind == "K8sPSPPrivilegedContainer";
  }
  EXPECT_TRUE(privileged);
}

}  // namespace
}  // namespace capstan::policy
