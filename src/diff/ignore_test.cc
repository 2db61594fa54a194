// ignoreDifferences through the public Diff(): rules decide which
// differences count.
#include <gtest/gtest.h>

#include "diff/diff.h"
#include "diff/ignore.h"
#include "yaml/yaml.h"

namespace capstan::diff {
namespace {

yaml::Node Y(std::string_view text) { return yaml::ParseOne(text); }

const char* kDesired = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: app:1
      - name: sidecar
        image: side:1
)";

const char* kLive = R"(
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
  managedFields:
  - manager: kube-controller-manager
    operation: Update
    fieldsV1:
      f:spec:
        f:replicas: {}
  - manager: mutator
    operation: Update
    fieldsV1:
      f:spec:
        f:template:
          f:spec:
            f:containers:
              k:{"name":"sidecar"}:
                f:image: {}
spec:
  replicas: 5
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: app:1
      - name: sidecar
        image: side:2
)";

DiffResult RunRule(const IgnoreDifferences& rule) {
  yaml::Node d = Y(kDesired), l = Y(kLive);
  Options o;
  o.ignore_differences.push_back(rule);
  return Diff(&d, &l, o);
}

TEST(IgnoreDifferences, NoRuleMeansModified) {
  yaml::Node d = Y(kDesired), l = Y(kLive);
  EXPECT_TRUE(Diff(&d, &l).modified);
}

TEST(IgnoreDifferences, JsonPointersAndJqTogether) {
  IgnoreDifferences r;
  r.group = "apps";
  r.kind = "Deployment";
  r.json_pointers = {"/spec/replicas"};
  EXPECT_TRUE(RunRule(r).modified);  // sidecar image still differs
  r.jq_path_expressions = {".spec.template.spec.containers[] | select(.name == \"sidecar\") .image"};
  EXPECT_FALSE(RunRule(r).modified);
}

TEST(IgnoreDifferences, JqOnlyAffectsSelectedElement) {
  IgnoreDifferences r;
  r.group = "apps";
  r.kind = "Deployment";
  r.json_pointers = {"/spec/replicas"};
  r.jq_path_expressions = {".spec.template.spec.containers[] | select(.name == \"app\") .image"};
  EXPECT_TRUE(RunRule(r).modified);
}

TEST(IgnoreDifferences, ManagedFieldsManagers) {
  IgnoreDifferences r;
  r.group = "*";
  r.kind = "*";
  r.managed_fields_managers = {"kube-controller-manager"};
  EXPECT_TRUE(RunRule(r).modified);  // the mutator's image change remains
  r.managed_fields_managers = {"kube-controller-manager", "mutator"};
  EXPECT_FALSE(RunRule(r).modified);
}

TEST(IgnoreDifferences, GroupKindGlobsNameNamespace) {
  IgnoreDifferences r;
  r.json_pointers = {"/spec/replicas", "/spec/template/spec/containers/1/image"};
  r.group = "app*";
  r.kind = "Deploy?ent";
  EXPECT_FALSE(RunRule(r).modified);
  r.group = "{apps,batch}";
  r.kind = "[CD]eployment";
  EXPECT_FALSE(RunRule(r).modified);
  r.group = "";  // core group only
  EXPECT_TRUE(RunRule(r).modified);
  r.group = "*";
  r.kind = "StatefulSet";
  EXPECT_TRUE(RunRule(r).modified);
  r.kind = "*";
  r.name = "web";
  r.namespace_ = "prod";
  EXPECT_FALSE(RunRule(r).modified);
  r.name = "other";
  EXPECT_TRUE(RunRule(r).modified);
  r.name = "";
  r.namespace_ = "staging";
  EXPECT_TRUE(RunRule(r).modified);
}

TEST(IgnoreDifferences, NamespaceRuleMatchesDesiredWithoutNamespace) {
  // Rendered manifests often omit the namespace; the live one decides.
  yaml::Node d = Y(kDesired), l = Y(kLive);
  d.Get("metadata")->Remove("namespace");
  Options o;
  IgnoreDifferences r;
  r.group = "*";
  r.kind = "*";
  r.namespace_ = "prod";
  r.json_pointers = {"/spec/replicas", "/spec/template/spec/containers/1/image"};
  o.ignore_differences.push_back(r);
  EXPECT_FALSE(Diff(&d, &l, o).modified);
}

TEST(IgnoreDifferences, BadJqExpressionIsSkippedNotFatal) {
  IgnoreDifferences r;
  r.group = "*";
  r.kind = "*";
  r.jq_path_expressions = {".spec.replicas[", ".spec.replicas"};
  r.json_pointers = {"/spec/template/spec/containers/1/image", "/no/such/path", "not-a-pointer"};
  EXPECT_FALSE(RunRule(r).modified);
}

TEST(Glob, Patterns) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*", "apps"));
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "apps"));
  EXPECT_TRUE(GlobMatch("*.k8s.io", "rbac.authorization.k8s.io"));
  EXPECT_TRUE(GlobMatch("[!a]pps", "bpps"));
  EXPECT_FALSE(GlobMatch("[!a]pps", "apps"));
  EXPECT_TRUE(GlobMatch("{Role,ClusterRole}", "ClusterRole"));
  EXPECT_FALSE(GlobMatch("{Role,ClusterRole}", "RoleBinding"));
}

TEST(JsonPointer, EscapesAndIndices) {
  yaml::Node n = Y("metadata: {annotations: {a/b: 1, c~d: 2}}\nlist: [0, 1, 2]");
  EXPECT_TRUE(RemoveJsonPointer(n, "/metadata/annotations/a~1b"));
  EXPECT_TRUE(RemoveJsonPointer(n, "/metadata/annotations/c~0d"));
  EXPECT_TRUE(RemoveJsonPointer(n, "/list/1"));
  EXPECT_FALSE(RemoveJsonPointer(n, "/list/7"));
  EXPECT_FALSE(RemoveJsonPointer(n, "/list/-"));
  EXPECT_EQ(n, Y("metadata: {annotations: {}}\nlist: [0, 2]"));
}

}  // namespace
}  // namespace capstan::diff
