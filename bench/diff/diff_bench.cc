// Diff throughput: N generated desired/live pairs of mixed kinds.
//
//   diff_bench [--pairs N] [--unified]
//
// Pairs cycle through a Deployment with last-applied annotation, server
// defaults and status (three-way), a Service (two-way, defaults), a
// ConfigMap, a Secret given as stringData, a StatefulSet with claim
// templates and a custom resource (JSON merge); one pair in 8 carries a real
// change. Prints pairs/second for Diff() and the peak RSS of the process.
// Rendering of the unified diff for modified pairs is included (it is part of
// Diff()); --unified reports how many bytes of diff text were produced.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "diff/diff.h"
#include "lib/process_usage.h"
#include "yaml/yaml.h"

namespace {

using capstan::bench::PeakRssKb;

using capstan::yaml::Node;

const char* kDeployDesired = R"(
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app.kubernetes.io/instance: shop, app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: registry.example.com/web:1.0.0
        ports: [{containerPort: 8080}]
        env: [{name: MODE, value: prod}, {name: LOG, value: info}]
        resources: {requests: {cpu: 0.1, memory: 128Mi}, limits: {cpu: 1, memory: 256Mi}}
        readinessProbe: {httpGet: {path: /healthz, port: 8080}}
)";

const char* kDeployLive = R"(
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  uid: 9f1c7a52-1111-2222-3333-444455556666
  resourceVersion: "123456"
  generation: 4
  creationTimestamp: "2025-01-01T00:00:00Z"
  labels: {app.kubernetes.io/instance: shop, app: web}
  annotations:
    deployment.kubernetes.io/revision: "4"
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web","app.kubernetes.io/instance":"shop"},"name":"web","namespace":"shop"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"env":[{"name":"MODE","value":"prod"},{"name":"LOG","value":"info"}],"image":"registry.example.com/web:1.0.0","name":"app","ports":[{"containerPort":8080}],"readinessProbe":{"httpGet":{"path":"/healthz","port":8080}},"resources":{"limits":{"cpu":1,"memory":"256Mi"},"requests":{"cpu":0.1,"memory":"128Mi"}}}]}}}}'
  managedFields:
  - manager: kubectl-client-side-apply
    operation: Update
    fieldsV1: {f:spec: {f:replicas: {}}}
spec:
  progressDeadlineSeconds: 600
  replicas: 2
  revisionHistoryLimit: 10
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}
  template:
    metadata: {creationTimestamp: null, labels: {app: web}}
    spec:
      containers:
      - name: app
        image: registry.example.com/web:1.0.0
        imagePullPolicy: IfNotPresent
        ports: [{containerPort: 8080, protocol: TCP}]
        env: [{name: MODE, value: prod}, {name: LOG, value: info}]
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: "1", memory: 256Mi}}
        readinessProbe: {httpGet: {path: /healthz, port: 8080, scheme: HTTP}, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
status:
  availableReplicas: 2
  observedGeneration: 4
  readyReplicas: 2
  replicas: 2
  updatedReplicas: 2
  conditions:
  - {type: Available, status: "True", reason: MinimumReplicasAvailable, lastTransitionTime: "2025-01-01T00:00:00Z"}
  - {type: Progressing, status: "True", reason: NewReplicaSetAvailable, lastTransitionTime: "2025-01-01T00:00:00Z"}
)";

const char* kServiceDesired = R"(
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
)";

const char* kServiceLive = R"(
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, uid: a, resourceVersion: "1", creationTimestamp: "2025-01-01T00:00:00Z", labels: {app: web}}
spec:
  clusterIP: 10.96.0.12
  clusterIPs: [10.96.0.12]
  internalTrafficPolicy: Cluster
  ipFamilies: [IPv4]
  ipFamilyPolicy: SingleStack
  selector: {app: web}
  ports: [{name: http, port: 80, protocol: TCP, targetPort: 8080}]
  sessionAffinity: None
  type: ClusterIP
status: {loadBalancer: {}}
)";

const char* kConfigMapDesired = R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {LOG_LEVEL: info, FEATURE_X: "true", timeout: "30"}
)";

const char* kConfigMapLive = R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop, uid: b, resourceVersion: "2", creationTimestamp: "2025-01-01T00:00:00Z"}
data: {LOG_LEVEL: info, FEATURE_X: "true", timeout: "30"}
)";

const char* kSecretDesired = R"(
apiVersion: v1
kind: Secret
metadata: {name: creds}
type: Opaque
stringData: {username: admin, password: s3cr3t-value}
)";

const char* kSecretLive = R"(
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop, uid: c, resourceVersion: "3", creationTimestamp: "2025-01-01T00:00:00Z"}
type: Opaque
data: {username: YWRtaW4=, password: czNjcjN0LXZhbHVl}
)";

const char* kStatefulSetDesired = R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: db
        image: postgres:16
        volumeMounts: [{name: data, mountPath: /var/lib/postgresql}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
)";

const char* kStatefulSetLive = R"(
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: shop
  generation: 1
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"shop"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"db"}},"serviceName":"db","template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"image":"postgres:16","name":"db","volumeMounts":[{"mountPath":"/var/lib/postgresql","name":"data"}]}]}},"volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"10Gi"}}}}]}}'
spec:
  podManagementPolicy: OrderedReady
  replicas: 3
  revisionHistoryLimit: 10
  selector: {matchLabels: {app: db}}
  serviceName: db
  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Retain}
  template:
    metadata: {creationTimestamp: null, labels: {app: db}}
    spec:
      containers:
      - name: db
        image: postgres:16
        imagePullPolicy: IfNotPresent
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
        volumeMounts: [{name: data, mountPath: /var/lib/postgresql}]
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0}}
  volumeClaimTemplates:
  - apiVersion: v1
    kind: PersistentVolumeClaim
    metadata: {name: data, creationTimestamp: null}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}, volumeMode: Filesystem}
    status: {phase: Pending}
status: {replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3}
)";

const char* kCustomDesired = R"(
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: canary}
spec:
  replicas: 4
  strategy: {canary: {steps: [{setWeight: 20}, {pause: {duration: 60}}, {setWeight: 60}]}}
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web}
)";

const char* kCustomLive = R"(
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: canary, namespace: shop, generation: 2, uid: d, resourceVersion: "5"}
spec:
  replicas: 4
  strategy: {canary: {steps: [{setWeight: 20}, {pause: {duration: 60}}, {setWeight: 60}]}}
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web}
status: {phase: Healthy, availableReplicas: 4}
)";

struct Template {
  Node desired, live;
};

void Rename(Node& obj, const std::string& name) { obj.Get("metadata")->Set("name", Node::String(name)); }

}  // namespace

int main(int argc, char** argv) {
  size_t n = 100000;
  bool report_unified = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--pairs") == 0 && i + 1 < argc) {
      n = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--unified") == 0) {
      report_unified = true;
    } else {
      std::fprintf(stderr, "usage: diff_bench [--pairs N] [--unified]\n");
      return 2;
    }
  }
  using capstan::yaml::ParseOne;
  std::vector<Template> templates = {
      {ParseOne(kDeployDesired), ParseOne(kDeployLive)},
      {ParseOne(kServiceDesired), ParseOne(kServiceLive)},
      {ParseOne(kConfigMapDesired), ParseOne(kConfigMapLive)},
      {ParseOne(kSecretDesired), ParseOne(kSecretLive)},
      {ParseOne(kStatefulSetDesired), ParseOne(kStatefulSetLive)},
      {ParseOne(kCustomDesired), ParseOne(kCustomLive)},
  };
  // Sanity: every template is unmodified as written.
  for (auto& t : templates) {
    auto r = capstan::diff::Diff(&t.desired, &t.live);
    if (r.modified) {
      std::fprintf(stderr, "diff_bench: template %s unexpectedly modified:\n%s",
                   t.desired.StrAt({"kind"}).c_str(), r.unified.c_str());
      return 1;
    }
  }

  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  std::vector<Node> desired, live;
  desired.reserve(n);
  live.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const Template& t = templates[i % templates.size()];
    desired.push_back(t.desired);
    live.push_back(t.live);
    std::string name = t.desired.StrAt({"metadata", "name"}) + "-" + std::to_string(i);
    Rename(desired.back(), name);
    Rename(live.back(), name);
    if (i % 8 == 7) desired.back().Get("metadata")->GetOrCreateMap("labels").Set("changed", Node::String("yes"));
  }
  auto t1 = Clock::now();

  size_t modified = 0, unified_bytes = 0;
  capstan::diff::Options options;
  for (size_t i = 0; i < n; ++i) {
    auto r = capstan::diff::Diff(&desired[i], &live[i], options);
    modified += r.modified;
    unified_bytes += r.unified.size();
  }
  auto t2 = Clock::now();

  double gen = std::chrono::duration<double>(t1 - t0).count();
  double secs = std::chrono::duration<double>(t2 - t1).count();
  std::printf("pairs: %zu (generated in %.2fs)\n", n, gen);
  std::printf("modified: %zu\n", modified);
  if (report_unified) std::printf("unified diff bytes: %zu\n", unified_bytes);
  std::printf("diff: %.3fs, %.0f pairs/s\n", secs, n / secs);
  std::printf("peak RSS: %.1f MiB\n", PeakRssKb() / 1024.0);
  return modified == n / 8 ? 0 : 1;
}
