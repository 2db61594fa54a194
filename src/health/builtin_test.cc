// Built-in checks beyond the conformance corpus: the rules a user meets in
// practice (paused rollouts, deadlines, partitions, hooks, crashes).
#include <gtest/gtest.h>

#include "health/health.h"
#include "yaml/yaml.h"

namespace capstan::health {
namespace {

std::optional<HealthStatus> Of(std::string_view text) {
  return Assess(yaml::ParseOne(text, "test.yaml"));
}

void Expect(std::string_view text, Code code, std::string_view message) {
  std::optional<HealthStatus> h = Of(text);
  ASSERT_TRUE(h.has_value()) << text;
  EXPECT_EQ(CodeName(h->code), CodeName(code)) << text;
  EXPECT_EQ(h->message, message) << text;
}

TEST(Deployment, PausedIsSuspendedEvenWhenBehind) {
  Expect(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, generation: 5}
spec: {paused: true, replicas: 3}
status: {observedGeneration: 2, replicas: 1, updatedReplicas: 0}
)",
         Code::kSuspended, "Deployment is paused");
}

TEST(Deployment, ProgressDeadlineExceededIsDegraded) {
  Expect(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, generation: 2}
spec: {replicas: 3}
status:
  observedGeneration: 2
  replicas: 3
  updatedReplicas: 1
  conditions:
  - {type: Available, status: "True", reason: MinimumReplicasAvailable}
  - {type: Progressing, status: "False", reason: ProgressDeadlineExceeded}
)",
         Code::kDegraded, "Deployment \"web\" exceeded its progress deadline");
}

TEST(Deployment, OnlyFirstProgressingConditionCounts) {
  Expect(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec: {replicas: 2}
status:
  replicas: 2
  updatedReplicas: 1
  conditions:
  - {type: Progressing, status: "True", reason: ReplicaSetUpdated}
  - {type: Progressing, status: "False", reason: ProgressDeadlineExceeded}
)",
         Code::kProgressing,
         "Waiting for rollout to finish: 1 out of 2 new replicas have been updated...");
}

TEST(Deployment, GenerationAheadOfObserved) {
  Expect("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a, generation: 3}\n"
         "status: {observedGeneration: 2}\n",
         Code::kProgressing,
         "Waiting for rollout to finish: observed deployment generation less than desired "
         "generation");
}

TEST(Deployment, AvailableBehindUpdated) {
  Expect("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec: {replicas: 2}\n"
         "status: {replicas: 2, updatedReplicas: 2, availableReplicas: 1}\n",
         Code::kProgressing,
         "Waiting for rollout to finish: 1 of 2 updated replicas are available...");
}

TEST(Deployment, NameIsQuotedLikeGo) {
  Expect(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: "we\"b"}
status: {conditions: [{type: Progressing, reason: ProgressDeadlineExceeded}]}
)",
         Code::kDegraded, "Deployment \"we\\\"b\" exceeded its progress deadline");
}

TEST(Deployment, OldApiVersionIsUnknown) {
  Expect("apiVersion: apps/v1beta2\nkind: Deployment\nmetadata: {name: a}\n", Code::kUnknown,
         "unsupported Deployment GVK: apps/v1beta2, Kind=Deployment");
}

TEST(Deployment, WrongFieldTypeFailsDecoding) {
  std::optional<HealthStatus> h =
      Of("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec: {replicas: \"3\"}\n");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->code, Code::kUnknown);
  EXPECT_EQ(h->message.rfind("failed to convert unstructured Deployment to typed: ", 0), 0u)
      << h->message;
}

TEST(Deployment, ExtensionsGroupHasNoHealth) {
  EXPECT_FALSE(Of("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: a}\n"));
}

TEST(StatefulSet, PartitionedRolloutWaitsForPodsAbovePartition) {
  Expect(R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, generation: 4}
spec:
  replicas: 5
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}
status: {observedGeneration: 4, readyReplicas: 5, updatedReplicas: 1, currentReplicas: 4}
)",
         Code::kProgressing,
         "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...");
}

TEST(StatefulSet, PartitionedRolloutComplete) {
  Expect(R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, generation: 4}
spec:
  replicas: 5
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}
status: {observedGeneration: 4, readyReplicas: 5, updatedReplicas: 3}
)",
         Code::kHealthy, "partitioned roll out complete: 3 new pods have been updated...");
}

TEST(StatefulSet, NoObservedGenerationIsNeverHealthy) {
  Expect("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec: {replicas: 0}\n",
         Code::kProgressing, "Waiting for statefulset spec update to be observed...");
}

TEST(StatefulSet, RollingRevisionMismatch) {
  Expect(R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, generation: 1}
spec: {replicas: 2}
status: {observedGeneration: 1, readyReplicas: 2, updatedReplicas: 1, currentRevision: db-1, updateRevision: db-2}
)",
         Code::kProgressing,
         "waiting for statefulset rolling update to complete 1 pods at revision db-2...");
}

TEST(StatefulSet, ReadyBehindReplicas) {
  Expect("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec: {replicas: 3}\n"
         "status: {observedGeneration: 1, readyReplicas: 1}\n",
         Code::kProgressing, "Waiting for 2 pods to be ready...");
}

TEST(DaemonSet, OnDeleteIsHealthyEvenWhenNotUpdated) {
  Expect(R"(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, generation: 2}
spec: {updateStrategy: {type: OnDelete}}
status: {observedGeneration: 2, desiredNumberScheduled: 4, updatedNumberScheduled: 1, numberAvailable: 4}
)",
         Code::kHealthy, "daemon set 1 out of 4 new pods have been updated");
}

TEST(DaemonSet, RollingUpdateWaitsForAvailability) {
  Expect(R"(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, generation: 2}
status: {observedGeneration: 2, desiredNumberScheduled: 4, updatedNumberScheduled: 4, numberAvailable: 3}
)",
         Code::kProgressing,
         "Waiting for daemon set \"agent\" rollout to finish: 3 of 4 updated pods are available...");
}

TEST(ReplicaSet, ReplicaFailureIsDegraded) {
  Expect(R"(
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec: {replicas: 2}
status:
  conditions:
  - {type: ReplicaFailure, status: "True", message: "pods \"rs-x\" is forbidden: exceeded quota"}
)",
         Code::kDegraded, "pods \"rs-x\" is forbidden: exceeded quota");
}

TEST(Job, BackoffLimitReachedIsDegraded) {
  Expect(R"(
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec: {backoffLimit: 2}
status:
  failed: 3
  conditions:
  - {type: Failed, status: "True", reason: BackoffLimitExceeded, message: Job has reached the specified backoff limit}
)",
         Code::kDegraded, "Job has reached the specified backoff limit");
}

TEST(Job, ResumedJobIsHealthyWithSuspendedMessage) {
  Expect(R"(
apiVersion: batch/v1
kind: Job
metadata: {name: j}
status:
  active: 1
  conditions:
  - {type: Suspended, status: "False", reason: JobResumed, message: Job resumed}
)",
         Code::kHealthy, "Job resumed");
}

TEST(Job, SuspendedUsesFailMessage) {
  Expect(R"(
apiVersion: batch/v1
kind: Job
metadata: {name: j}
status:
  conditions:
  - {type: Suspended, status: "True", reason: JobSuspended, message: Job suspended}
)",
         Code::kSuspended, "");
}

TEST(Pod, InitContainerCrashLoopIsStillProgressingWhilePending) {
  // gitops-engine only inspects containerStatuses for waiting errors; an init
  // container in CrashLoopBackOff keeps the pod Pending.
  Expect(R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {restartPolicy: Always}
status:
  phase: Pending
  initContainerStatuses:
  - name: init
    state: {waiting: {reason: CrashLoopBackOff, message: back-off 10s restarting failed container}}
    lastState: {terminated: {exitCode: 1, reason: Error}}
  containerStatuses:
  - name: main
    state: {waiting: {reason: PodInitializing}}
)",
         Code::kProgressing, "");
}

TEST(Pod, FailedInitContainerNamesExitCode) {
  Expect(R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {restartPolicy: Never}
status:
  phase: Failed
  initContainerStatuses:
  - name: init-db
    state: {terminated: {exitCode: 3, reason: Error}}
  containerStatuses:
  - name: main
    state: {terminated: {exitCode: 1, reason: Error}}
)",
         Code::kDegraded, "container \"init-db\" failed with exit code 3");
}

TEST(Pod, OOMKilled) {
  Expect(R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {restartPolicy: OnFailure}
status:
  phase: Failed
  containerStatuses:
  - name: main
    state: {terminated: {exitCode: 137, reason: OOMKilled}}
)",
         Code::kDegraded, "OOMKilled");
}

TEST(Pod, WaitingErrorsJoinMessages) {
  Expect(R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {restartPolicy: Always}
status:
  phase: Pending
  containerStatuses:
  - name: a
    state: {waiting: {reason: ErrImagePull, message: pull failed}}
  - name: b
    state: {waiting: {reason: ContainerCreating, message: creating}}
  - name: c
    state: {waiting: {reason: CreateContainerConfigError, message: secret missing}}
)",
         Code::kDegraded, "pull failed, secret missing");
}

TEST(Pod, HookPodsSkipWaitingErrorCheck) {
  Expect(R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {restartPolicy: Never}
status:
  phase: Pending
  containerStatuses:
  - name: a
    state: {waiting: {reason: ImagePullBackOff, message: back-off}}
)",
         Code::kProgressing, "");
}

TEST(Pod, RunningNotReadyAfterRestartIsDegraded) {
  Expect(R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {restartPolicy: Always}
status:
  phase: Running
  conditions: [{type: Ready, status: "False"}]
  containerStatuses:
  - name: a
    state: {running: {}}
    lastState: {terminated: {exitCode: 1}}
)",
         Code::kDegraded, "");
}

TEST(Pod, RunningWithoutRestartPolicyIsUnknown) {
  Expect("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nstatus: {phase: Running}\n",
         Code::kUnknown, "");
}

TEST(Pvc, Lost) {
  Expect("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nstatus: {phase: Lost}\n",
         Code::kDegraded, "");
}

TEST(Hpa, V1BadAnnotationIsUnknown) {
  std::optional<HealthStatus> h = Of(R"(
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: h
  annotations: {autoscaling.alpha.kubernetes.io/conditions: "not json"}
)");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->code, Code::kUnknown);
  EXPECT_EQ(h->message.rfind("failed to convert conditions annotation to typed: ", 0), 0u);
}

TEST(Hpa, OrderOfConditionsMatters) {
  Expect(R"(
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h}
status:
  conditions:
  - {type: AbleToScale, status: "True", message: ok}
  - {type: ScalingActive, status: "False", reason: FailedGetResourceMetric, message: no metrics}
)",
         Code::kHealthy, "ok");
}

TEST(Hpa, UnsupportedVersionSaysHPA) {
  Expect("apiVersion: autoscaling/v3\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n",
         Code::kUnknown, "unsupported HPA GVK: autoscaling/v3, Kind=HorizontalPodAutoscaler");
}

TEST(ApiService, EmptyReasonAndMessage) {
  Expect(R"(
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.x}
status: {conditions: [{type: Available, status: "False"}]}
)",
         Code::kProgressing, ": ");
}

TEST(Deletion, PendingDeletionForAnyKind) {
  Expect(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: c, deletionTimestamp: "2024-01-01T00:00:00Z"}
)",
         Code::kProgressing, "Pending deletion");
}

TEST(Deletion, HookFinalizerKeepsEvaluating) {
  Expect(R"(
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: c
  deletionTimestamp: "2024-01-01T00:00:00Z"
  finalizers: [argocd.argoproj.io/hook-finalizer]
status: {phase: Bound}
)",
         Code::kHealthy, "");
}

TEST(NoHealth, KindsWithoutBuiltinCheck) {
  for (std::string_view text : {
           "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\n",
           "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n"
           "status: {health: {status: Degraded}}\n",
           "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\n",
           "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: s}\n",
           "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
       }) {
    EXPECT_FALSE(Of(text).has_value()) << text;
  }
}

TEST(Robustness, OddShapesNeverThrow) {
  for (std::string_view text : {
           "apiVersion: apps/v1\nkind: Deployment\nmetadata: 5\n",
           "apiVersion: apps/v1\nkind: Deployment\nstatus: [1, 2]\n",
           "apiVersion: v1\nkind: Pod\nstatus: {containerStatuses: [1, null, {state: 3}]}\n",
           "apiVersion: batch/v1\nkind: Job\nstatus: {conditions: {a: b}}\n",
           "apiVersion: v1\nkind: Service\nspec: {type: LoadBalancer}\nstatus: {loadBalancer: {ingress: 7}}\n",
           "- a\n- b\n",
           "just a string\n",
       }) {
    EXPECT_NO_THROW(Of(text)) << text;
  }
}

}  // namespace
}  // namespace capstan::health
