#include "diff/diff.h"

#include <gtest/gtest.h>

#include "yaml/yaml.h"

namespace capstan::diff {
namespace {

yaml::Node Y(std::string_view text) { return yaml::ParseOne(text); }

DiffResult D(std::string_view desired, std::string_view live, const Options& o = {}) {
  yaml::Node d = Y(desired), l = Y(live);
  return Diff(&d, &l, o);
}

const char* kCm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}\ndata: {a: '1'}\n";

TEST(Diff, AbsentObjects) {
  yaml::Node cm = Y(kCm), null = yaml::Node::Null();
  EXPECT_TRUE(Diff(&cm, nullptr).modified);
  EXPECT_EQ(Diff(&cm, &null).mode, "create");
  EXPECT_FALSE(Diff(nullptr, &cm).modified);
  EXPECT_EQ(Diff(&null, &cm).mode, "delete");
  EXPECT_THROW(Diff(nullptr, &null), DiffError);
  yaml::Node scalar = Y("hello");
  EXPECT_THROW(Diff(&scalar, &cm), DiffError);
}

TEST(Diff, ServerOwnedFieldsAreNotDifferences) {
  auto r = D(kCm, R"(
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  namespace: n
  uid: 1234
  resourceVersion: "99"
  generation: 3
  creationTimestamp: "2024-01-01T00:00:00Z"
  selfLink: /api/v1/namespaces/n/configmaps/c
  managedFields: [{manager: kubectl, operation: Apply}]
  annotations: {controller.example.com/touched: "yes"}
data: {a: "1"}
)");
  EXPECT_FALSE(r.modified);
  EXPECT_EQ(r.unified, "");
}

TEST(Diff, NumbersCompareByValue) {
  EXPECT_FALSE(D("apiVersion: x.io/v1\nkind: Foo\nmetadata: {name: f}\nspec: {n: 1.0, m: 1e0}",
                 "apiVersion: x.io/v1\nkind: Foo\nmetadata: {name: f}\nspec: {n: 1, m: 1}")
                   .modified);
}

const char* kDeployLive = R"(
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"team":"a"}},"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"app","image":"app:1","env":[{"name":"A","value":"1"}]}]}}}}'
  labels: {team: a}
spec:
  replicas: 2
  progressDeadlineSeconds: 600
  revisionHistoryLimit: 10
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}
  template:
    metadata: {creationTimestamp: null}
    spec:
      containers:
      - name: app
        image: app:1
        imagePullPolicy: IfNotPresent
        env:
        - {name: INJECTED, value: x}
        - {name: A, value: "1"}
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
status: {replicas: 2}
)";

TEST(Diff, ThreeWayUnchangedConfigIsNotModified) {
  auto r = D(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {team: a}}
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: app
        image: app:1
        env: [{name: A, value: "1"}]
)",
             kDeployLive);
  EXPECT_EQ(r.mode, "three-way");
  EXPECT_FALSE(r.modified) << r.unified;
}

TEST(Diff, ThreeWayLastAppliedRemovingAFieldIsModified) {
  // `labels.team` and env A were applied before and are now gone; env B is
  // new.
  auto r = D(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: app
        image: app:1
        env: [{name: B, value: "2"}]
)",
             kDeployLive);
  EXPECT_TRUE(r.modified);
  EXPECT_NE(r.unified.find("-    team: a"), std::string::npos) << r.unified;
  EXPECT_NE(r.unified.find("-        - name: A"), std::string::npos) << r.unified;
  EXPECT_NE(r.unified.find("+        - name: B"), std::string::npos) << r.unified;
  // The injected env var was never applied: it stays.
  EXPECT_EQ(r.unified.find("INJECTED"), r.unified.rfind("INJECTED"));
  EXPECT_EQ(r.unified.find("-        - name: INJECTED"), std::string::npos) << r.unified;
}

TEST(Diff, TwoWayCannotSeeRemovals) {
  yaml::Node live = Y(kDeployLive);
  live.Get("metadata")->Get("annotations")->Remove("kubectl.kubernetes.io/last-applied-configuration");
  yaml::Node desired = Y("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
                         "spec: {replicas: 2, template: {spec: {containers: [{name: app, image: app:1}]}}}");
  auto r = Diff(&desired, &live);
  EXPECT_EQ(r.mode, "two-way");
  EXPECT_FALSE(r.modified) << r.unified;
}

TEST(Diff, ChangedFieldShowsInUnifiedDiff) {
  yaml::Node live = Y(kDeployLive);
  yaml::Node desired = Y("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {team: a}}\n"
                         "spec: {replicas: 3, template: {spec: {containers: [{name: app, image: app:1, "
                         "env: [{name: A, value: '1'}]}]}}}");
  auto r = Diff(&desired, &live);
  EXPECT_TRUE(r.modified);
  EXPECT_NE(r.unified.find("--- live\n+++ desired\n"), std::string::npos);
  EXPECT_NE(r.unified.find("-  replicas: 2\n+  replicas: 3\n"), std::string::npos) << r.unified;
  EXPECT_EQ(r.normalized_desired.At({"spec", "replicas"})->AsInt(), 3);
  EXPECT_EQ(r.normalized_live.At({"spec", "replicas"})->AsInt(), 2);
}

TEST(Diff, QuantitiesAreCanonicalizedForKnownKinds) {
  const char* desired = R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: c, image: i:1, resources: {requests: {cpu: 0.2, memory: 1024Mi}}}]}
)";
  const char* live = R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: c, image: i:1, resources: {requests: {cpu: 200m, memory: 1Gi}}}]}
)";
  EXPECT_FALSE(D(desired, live).modified) << D(desired, live).unified;
}

TEST(Diff, DefaultsInAtomicListsAreReproduced) {
  const char* desired = R"(
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: w}
webhooks:
- name: w.example.com
  clientConfig: {service: {name: s, namespace: n}}
  sideEffects: None
  admissionReviewVersions: [v1]
  rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
)";
  const char* live = R"(
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: w, generation: 1}
webhooks:
- name: w.example.com
  clientConfig: {service: {name: s, namespace: n, port: 443}}
  sideEffects: None
  admissionReviewVersions: [v1]
  failurePolicy: Fail
  matchPolicy: Equivalent
  namespaceSelector: {}
  objectSelector: {}
  timeoutSeconds: 10
  rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods], scope: "*"}]
)";
  EXPECT_FALSE(D(desired, live).modified) << D(desired, live).unified;
  // A real change inside the atomic list still shows.
  std::string changed = desired;
  changed.replace(changed.find("[CREATE]"), 8, "[UPDATE]");
  EXPECT_TRUE(D(changed, live).modified);
}

TEST(Diff, UnknownKindListsCutByIndex) {
  const char* desired = "apiVersion: x.io/v1\nkind: Foo\nmetadata: {name: f}\nspec: {items: [{a: 1}]}";
  const char* live_extra_field = R"(
apiVersion: x.io/v1
kind: Foo
metadata:
  name: f
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"x.io/v1","kind":"Foo","metadata":{"name":"f"},"spec":{"items":[{"a":1}]}}'
spec: {items: [{a: 1, defaulted: true}]}
)";
  EXPECT_FALSE(D(desired, live_extra_field).modified);
}

TEST(Diff, SecretStringDataEqualsData) {
  EXPECT_FALSE(D("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {pw: hunter2}",
                 "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\ndata: {pw: aHVudGVyMg==}")
                   .modified);
}

TEST(Diff, SecretValuesNeverAppear) {
  const char* live = R"(
apiVersion: v1
kind: Secret
metadata:
  name: s
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"pw":"oldpassword1","same":"samevalue9"}}'
type: Opaque
data: {pw: b2xkcGFzc3dvcmQx, same: c2FtZXZhbHVlOQ==, extra: ZXh0cmF2YWx1ZTc=}
)";
  auto r = D("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
             "stringData: {pw: newpassword2, same: samevalue9}",
             live);
  EXPECT_TRUE(r.modified);
  std::string all = r.unified + yaml::EmitYaml(r.normalized_desired) + yaml::EmitYaml(r.normalized_live);
  for (const char* secret : {"oldpassword1", "b2xkcGFzc3dvcmQx", "newpassword2", "bmV3cGFzc3dvcmQy",
                             "samevalue9", "c2FtZXZhbHVlOQ==", "ZXh0cmF2YWx1ZTc="}) {
    EXPECT_EQ(all.find(secret), std::string::npos) << secret << " leaked:\n" << all;
  }
  // Different values get different masks; equal values the same one.
  EXPECT_NE(r.unified.find("-  pw: ++++++++++++\n+  pw: ++++++++\n"), std::string::npos) << r.unified;
  EXPECT_EQ(r.normalized_desired.At({"data", "same"})->value, r.normalized_live.At({"data", "same"})->value);
}

TEST(Diff, HideSecretDataNumbersDistinctValues) {
  yaml::Node desired = Y("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: QQ==, b: Qg==}");
  yaml::Node live = Y("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: QQ==, b: Qw==}");
  HideSecretData(&desired, &live);
  EXPECT_EQ(desired.At({"data", "a"})->value, "++++++++");
  EXPECT_EQ(live.At({"data", "a"})->value, "++++++++");
  EXPECT_EQ(desired.At({"data", "b"})->value, "++++++++");
  EXPECT_EQ(live.At({"data", "b"})->value, "++++++++++++");
}

TEST(Diff, AggregatedRolesOption) {
  const char* desired = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {a: "true"}}]}
)";
  const char* live = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: r
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"r"},"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"a":"true"}}]},"rules":[{"verbs":["get"],"apiGroups":[""],"resources":["pods"]}]}'
aggregationRule: {clusterRoleSelectors: [{matchLabels: {a: "true"}}]}
rules: [{verbs: [list], apiGroups: [""], resources: [services]}]
)";
  EXPECT_TRUE(D(desired, live).modified);
  Options o;
  o.ignore_aggregated_roles = true;
  EXPECT_FALSE(D(desired, live, o).modified);
}

TEST(Diff, ServerSideApplyPathIgnoresRemovals) {
  const char* desired = R"(
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations: {argocd.argoproj.io/sync-options: "Prune=false, ServerSideApply=true"}
data: {a: "1"}
)";
  const char* live = R"(
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations: {argocd.argoproj.io/sync-options: "Prune=false, ServerSideApply=true"}
data: {a: "1", b: "2"}
)";
  auto r = D(desired, live);
  EXPECT_EQ(r.mode, "server-side-apply");
  EXPECT_FALSE(r.modified);
}

TEST(Diff, ExplicitNullOfOptionalFieldIsDroppedByTypedRemarshal) {
  // The typed round trip of a known kind drops a null optional field, so it
  // neither sets nor deletes anything (gitops-engine remarshal).
  EXPECT_FALSE(D("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}], selector: null}",
                 "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80, protocol: TCP, "
                 "targetPort: 80}], selector: {app: x}, type: ClusterIP, sessionAffinity: None}")
                   .modified);
}

}  // namespace
}  // namespace capstan::diff
