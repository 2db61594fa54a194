// Argo CD's Lua-defined checks (Options::argocd_builtins): Rollout, CronJob,
// Application.
#include <gtest/gtest.h>

#include "health/health.h"
#include "yaml/yaml.h"

namespace capstan::health {
namespace {

std::optional<HealthStatus> Of(std::string_view text, bool argocd = true) {
  Options o;
  o.argocd_builtins = argocd;
  return Assess(yaml::ParseOne(text, "test.yaml"), o);
}

void Expect(std::string_view text, Code code, std::string_view message) {
  std::optional<HealthStatus> h = Of(text);
  ASSERT_TRUE(h.has_value()) << text;
  EXPECT_EQ(CodeName(h->code), CodeName(code)) << text;
  EXPECT_EQ(h->message, message) << text;
}

constexpr std::string_view kCanary = R"(
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r, generation: 3}
spec:
  replicas: 3
  strategy: {canary: {steps: [{setWeight: 20}, {pause: {}}]}}
status:
  observedGeneration: "3"
  currentPodHash: abc
  stableRS: abc
  replicas: 3
  updatedReplicas: 3
  availableReplicas: 3
  conditions:
  - {type: Available, status: "True"}
)";

std::string With(std::string_view base, std::string_view from, std::string_view to) {
  std::string s(base);
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(Rollout, OffByDefaultAsInGitopsEngine) { EXPECT_FALSE(Of(kCanary, false).has_value()); }

TEST(Rollout, CanaryComplete) { Expect(kCanary, Code::kHealthy, ""); }

TEST(Rollout, GenerationNotObserved) {
  Expect(With(kCanary, "observedGeneration: \"3\"", "observedGeneration: \"2\""),
         Code::kProgressing, "Waiting for rollout spec update to be observed");
}

TEST(Rollout, PausedStep) {
  Expect(With(kCanary, "  conditions:", "  pauseConditions: [{reason: CanaryPauseStep}]\n  conditions:"),
         Code::kSuspended, "Rollout is paused");
}

TEST(Rollout, AbortedIsDegraded) {
  Expect(With(kCanary, "- {type: Available, status: \"True\"}",
              "- {type: Progressing, status: \"False\", reason: RolloutAborted, message: Rollout aborted update to revision 2}"),
         Code::kDegraded, "Rollout aborted update to revision 2");
}

TEST(Rollout, CanaryStepsPending) {
  Expect(With(kCanary, "stableRS: abc", "stableRS: old"), Code::kProgressing,
         "Waiting for rollout to finish steps");
}

TEST(Rollout, ReplicasBehind) {
  Expect(With(kCanary, "updatedReplicas: 3", "updatedReplicas: 1"), Code::kProgressing,
         "Waiting for roll out to finish: More replicas need to be updated");
  Expect(With(kCanary, "availableReplicas: 3", "availableReplicas: 2"), Code::kProgressing,
         "Waiting for roll out to finish: updated replicas are still becoming available");
}

TEST(Rollout, BlueGreenCutoverPending) {
  std::string bg = With(kCanary, "strategy: {canary: {steps: [{setWeight: 20}, {pause: {}}]}}",
                        "strategy: {blueGreen: {activeService: a}}");
  Expect(bg, Code::kProgressing, "active service cutover pending");
  Expect(With(bg, "  stableRS: abc", "  stableRS: abc\n  blueGreen: {activeSelector: abc}"),
         Code::kHealthy, "");
}

TEST(Rollout, NoStatusYet) {
  Expect("apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec: {}\n",
         Code::kProgressing, "Waiting for rollout spec update to be observed");
}

TEST(CronJob, States) {
  constexpr std::string_view base =
      "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {schedule: '* * * * *'}\n";
  Expect(std::string(base), Code::kProgressing, "Waiting for CronJob");
  Expect(std::string(base) + "status: {}\n", Code::kHealthy, "");
  Expect(With(base, "spec: {", "spec: {suspend: true, "), Code::kSuspended,
         "CronJob is Suspended");
  Expect(std::string(base) + "status: {active: [{name: j1}, {name: j2}]}\n", Code::kProgressing,
         "Waiting for 2 Jobs to complete");
  Expect(std::string(base) +
             "status: {lastScheduleTime: '2024-05-02T10:00:00Z', lastSuccessfulTime: '2024-05-01T10:00:05Z'}\n",
         Code::kDegraded, "CronJob has not completed its last execution successfully");
  Expect(std::string(base) + "status: {lastScheduleTime: '2024-05-02T10:00:00Z'}\n",
         Code::kDegraded, "CronJob has not completed its last execution successfully");
  Expect(std::string(base) +
             "status: {lastScheduleTime: '2024-05-02T10:00:00Z', lastSuccessfulTime: '2024-05-02T10:00:07Z'}\n",
         Code::kHealthy, "CronJob has completed its last execution successfully");
}

TEST(Application, ReportsChildHealth) {
  constexpr std::string_view base =
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n";
  Expect(std::string(base), Code::kProgressing, "");
  Expect(std::string(base) + "status: {health: {status: Degraded, message: boom}}\n",
         Code::kDegraded, "boom");
  Expect(std::string(base) + "status: {health: {status: Healthy}}\n", Code::kHealthy, "");
  Expect(std::string(base) + "status: {health: {message: x}}\n", Code::kUnknown,
         "Lua returned an invalid health status");
}

TEST(ArgoCdBuiltins, ScriptsStillWin) {
  LuaHealthScripts s;
  s.Add("batch/CronJob", LuaScript{"return {status = 'Degraded', message = 'mine'}", "x"}, true);
  Options o;
  o.scripts = &s;
  o.argocd_builtins = true;
  std::optional<HealthStatus> h =
      Assess(yaml::ParseOne("apiVersion: batch/v1\nkind: CronJob\nspec: {suspend: true}\n"), o);
  EXPECT_EQ(*h, (HealthStatus{Code::kDegraded, "mine"}));
  EXPECT_TRUE(HasHealthCheck("argoproj.io", "Rollout", o));
  o.argocd_builtins = false;
  EXPECT_FALSE(HasHealthCheck("argoproj.io", "Rollout", o));
}

}  // namespace
}  // namespace capstan::health
