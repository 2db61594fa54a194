#include <gtest/gtest.h>

#include "sync/engine.h"
#include "sync/fake_target.h"
#include "sync/plan.h"
#include "sync/retry.h"
#include "yaml/yaml.h"

namespace capstan::sync {
namespace {

yaml::Node Y(const std::string& text) { return yaml::ParseOne(text); }

yaml::Node Obj(const std::string& api, const std::string& kind, const std::string& ns,
               const std::string& name, const std::string& annotations = "") {
  std::string text = "apiVersion: " + api + "\nkind: " + kind + "\nmetadata:\n  name: " + name + "\n";
  if (!ns.empty()) text += "  namespace: " + ns + "\n";
  if (!annotations.empty()) text += "  annotations:\n" + annotations;
  text += "  labels:\n    app.kubernetes.io/instance: demo\n";
  return Y(text);
}

std::vector<std::string> Order(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& t : p.tasks) {
    std::string a = t.action == Action::kPrune ? "prune " : t.action == Action::kHook ? "hook " : "";
    out.push_back(a + t.id.gvk.kind + "/" + t.id.name);
  }
  return out;
}

Health AlwaysHealthy(const yaml::Node&) { return {"Healthy", ""}; }

// Health from status.health in the object: lets tests script outcomes.
Health FromStatus(const yaml::Node& obj) {
  return {obj.StrAt({"status", "health"}, "Healthy"), obj.StrAt({"status", "message"})};
}

TEST(Plan, OrdersByPhaseWaveKindName) {
  PlanInput in;
  in.desired = {
      Obj("apps/v1", "Deployment", "ns", "web"),
      Obj("v1", "Service", "ns", "web"),
      Obj("v1", "ConfigMap", "ns", "b"),
      Obj("v1", "ConfigMap", "ns", "a"),
      Obj("v1", "Namespace", "", "ns"),
      Obj("batch/v1", "Job", "ns", "migrate", "    argocd.argoproj.io/hook: PreSync\n"),
      Obj("batch/v1", "Job", "ns", "smoke", "    argocd.argoproj.io/hook: PostSync\n"),
      Obj("v1", "ConfigMap", "ns", "late", "    argocd.argoproj.io/sync-wave: \"5\"\n"),
      Obj("v1", "Secret", "ns", "early", "    argocd.argoproj.io/sync-wave: \"-2\"\n"),
      Obj("example.com/v1", "Widget", "ns", "w"),
      Obj("v1", "ServiceAccount", "ns", "sa"),
  };
  Plan p = BuildPlan(in);
  std::vector<std::string> want = {
      "Namespace/ns",  // moved before the PreSync hook that lives in it
      "hook Job/migrate", "Secret/early", "ServiceAccount/sa", "ConfigMap/a", "ConfigMap/b",
      "Service/web", "Deployment/web", "Widget/w", "ConfigMap/late", "hook Job/smoke"};
  EXPECT_EQ(Order(p), want);
  EXPECT_EQ(p.tasks[0].phase, Phase::kPreSync);
}

TEST(Plan, CrdGoesBeforeItsCustomResources) {
  PlanInput in;
  in.desired = {
      Obj("example.com/v1", "Widget", "", "w", "    argocd.argoproj.io/sync-wave: \"-1\"\n"),
      Y("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: "
        "widgets.example.com\nspec:\n  group: example.com\n  names:\n    kind: Widget\n"),
  };
  Plan p = BuildPlan(in);
  EXPECT_EQ(Order(p), (std::vector<std::string>{"CustomResourceDefinition/widgets.example.com", "Widget/w"}));
  EXPECT_EQ(p.tasks[0].wave, -1);
}

TEST(Plan, PrunesInReverseWaveOrderAndPruneLastAtTheEnd) {
  PlanInput in;
  in.options.prune = true;
  in.desired = {Obj("v1", "ConfigMap", "ns", "keep", "    argocd.argoproj.io/sync-wave: \"1\"\n")};
  in.live = {
      Obj("v1", "ConfigMap", "ns", "keep"),
      Obj("v1", "ConfigMap", "ns", "w0"),
      Obj("v1", "ConfigMap", "ns", "w3", "    argocd.argoproj.io/sync-wave: \"3\"\n"),
      Obj("v1", "ConfigMap", "ns", "last", "    argocd.argoproj.io/sync-options: PruneLast=true\n"),
  };
  Plan p = BuildPlan(in);
  // w3 is pruned in wave 0 (mirrored), w0 in wave 3, PruneLast after wave 3.
  EXPECT_EQ(Order(p), (std::vector<std::string>{"prune ConfigMap/w3", "ConfigMap/keep",
                                                "prune ConfigMap/w0", "prune ConfigMap/last"}));
}

TEST(Plan, PruneDisabledMarksSkipped) {
  PlanInput in;
  in.live = {Obj("v1", "ConfigMap", "ns", "old")};
  Plan p = BuildPlan(in);
  ASSERT_EQ(p.tasks.size(), 1u);
  EXPECT_EQ(p.tasks[0].action, Action::kPruneSkipped);
}

TEST(Plan, HooksSkippedInSelectiveSyncAndApplyOutOfSyncOnly) {
  PlanInput in;
  in.desired = {Obj("v1", "ConfigMap", "ns", "a"), Obj("v1", "ConfigMap", "ns", "b"),
                Obj("batch/v1", "Job", "ns", "h", "    argocd.argoproj.io/hook: Sync\n")};
  in.only = {GroupKindKey(resource::ResId::Of(in.desired[0]))};
  EXPECT_EQ(Order(BuildPlan(in)), (std::vector<std::string>{"ConfigMap/a"}));
  in.only.clear();
  in.options.apply_out_of_sync_only = true;
  in.live = {Obj("v1", "ConfigMap", "ns", "a"), Obj("v1", "ConfigMap", "ns", "b")};
  in.out_of_sync = {resource::ResId::Of(in.desired[1]).String()};
  EXPECT_EQ(Order(BuildPlan(in)), (std::vector<std::string>{"ConfigMap/b", "hook Job/h"}));
}

TEST(SyncOptions, ParsesArgoOptionsAndRejectsUnknown) {
  SyncOptions o;
  EXPECT_FALSE(o.Parse({"CreateNamespace=true", "PruneLast=true", "PrunePropagationPolicy=background",
                        "Validate=false", "ServerSideApply=true", "ApplyOutOfSyncOnly=true"}));
  EXPECT_TRUE(o.create_namespace && o.prune_last && o.server_side_apply && o.apply_out_of_sync_only);
  EXPECT_FALSE(o.validate);
  EXPECT_EQ(o.prune_propagation, "background");
  auto err = o.Parse({"Bogus=true"});
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("Bogus"), std::string::npos);
}

TEST(Retry, ParsesGoDurations) {
  EXPECT_EQ(ParseDurationMs("5s"), 5000);
  EXPECT_EQ(ParseDurationMs("3m"), 180000);
  EXPECT_EQ(ParseDurationMs("1h30m"), 5400000);
  EXPECT_EQ(ParseDurationMs("250ms"), 250);
  EXPECT_EQ(ParseDurationMs("1.5s"), 1500);
  EXPECT_FALSE(ParseDurationMs("5"));
  EXPECT_FALSE(ParseDurationMs("five seconds"));
  EXPECT_FALSE(ParseDurationMs(""));
}

TEST(Engine, FirstSyncCreatesInOrderWithHooksAndWaitsBetweenWaves) {
  FakeTarget target;
  base::FakeClock clock;
  PlanInput in;
  in.options.create_namespace = true;
  in.desired = {
      Obj("apps/v1", "Deployment", "ns", "web"),
      Obj("v1", "ConfigMap", "ns", "cfg", "    argocd.argoproj.io/sync-wave: \"-1\"\n"),
      Obj("batch/v1", "Job", "ns", "migrate",
          "    argocd.argoproj.io/hook: PreSync\n    argocd.argoproj.io/hook-delete-policy: HookSucceeded\n"),
      Obj("batch/v1", "Job", "ns", "smoke", "    argocd.argoproj.io/hook: PostSync\n"),
  };
  // The Deployment becomes healthy one poll after it is applied.
  int polls = 0;
  HealthFn health = [&](const yaml::Node& obj) -> Health {
    if (obj.StrAt({"kind"}) == "Deployment" && polls++ == 0) return {"Progressing", "rolling out"};
    return {"Healthy", ""};
  };
  EngineOptions eo;
  eo.create_namespace = "ns";
  SyncResult r = RunPlan(BuildPlan(in), in.options, target, clock, health, eo);
  EXPECT_EQ(r.phase, "Succeeded") << r.message;
  EXPECT_EQ(target.log, (std::vector<std::string>{
                            "apply Namespace//ns", "apply Job/ns/migrate", "delete Job/ns/migrate",
                            "apply ConfigMap/ns/cfg", "apply Deployment/ns/web", "apply Job/ns/smoke"}));
  // Wave delays (2 s) between the three steps and one health poll (1 s).
  EXPECT_EQ(clock.sleeps, (std::vector<int64_t>{2000, 2000, 1000, 2000}));
  EXPECT_FALSE(target.Has("Job", "ns", "migrate"));  // HookSucceeded
  EXPECT_TRUE(target.Has("Job", "ns", "smoke"));     // BeforeHookCreation keeps it
}

TEST(Engine, ReportsProgressStepByStep) {
  FakeTarget target;
  base::FakeClock clock;
  target.Put(Obj("v1", "Namespace", "", "ns"));
  PlanInput in;
  in.desired = {Obj("v1", "ConfigMap", "ns", "cfg", "    argocd.argoproj.io/sync-wave: \"-1\"\n"),
                Obj("apps/v1", "Deployment", "ns", "web"),
                Obj("batch/v1", "Job", "ns", "smoke", "    argocd.argoproj.io/hook: PostSync\n")};
  int polls = 0;
  HealthFn health = [&](const yaml::Node& obj) -> Health {
    if (obj.StrAt({"kind"}) == "ConfigMap" && polls++ < 2) return {"Progressing", "not yet"};
    return {"Healthy", ""};
  };
  std::vector<std::string> lines;
  EngineOptions eo;
  eo.progress = [&](const std::string& line) { lines.push_back(line); };
  SyncResult r = RunPlan(BuildPlan(in), in.options, target, clock, health, eo);
  ASSERT_EQ(r.phase, "Succeeded") << r.message;
  // The wait is reported once, not once per poll.
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "configmap/cfg created",
                       "waiting for healthy state of configmap/cfg (Progressing: not yet)",
                       "deployment.apps/web created", "job.batch/smoke created",
                       "PostSync hook job.batch/smoke Succeeded"}));
}

TEST(Engine, DryRunFailureAppliesNothing) {
  FakeTarget target;
  base::FakeClock clock;
  target.Put(Obj("v1", "Namespace", "", "ns"));
  target.fail_apply["Deployment/web"] = {};
  PlanInput in;
  in.desired = {Obj("v1", "ConfigMap", "ns", "cfg"), Obj("apps/v1", "Deployment", "ns", "web")};
  SyncResult r = RunPlan(BuildPlan(in), in.options, target, clock, AlwaysHealthy);
  EXPECT_EQ(r.phase, "Failed");
  EXPECT_NE(r.message.find("admission webhook denied"), std::string::npos) << r.message;
  EXPECT_TRUE(target.log.empty());
}

TEST(Engine, FailedPreSyncHookStopsAndRunsSyncFail) {
  FakeTarget target;
  base::FakeClock clock;
  target.Put(Obj("v1", "Namespace", "", "ns"));
  target.on_apply = [](yaml::Node& obj) {
    if (obj.StrAt({"metadata", "name"}) == "migrate") {
      obj.GetOrCreateMap("status").Set("health", yaml::Node::String("Degraded"));
      obj.GetOrCreateMap("status").Set("message", yaml::Node::String("BackoffLimitExceeded"));
    }
  };
  PlanInput in;
  in.desired = {Obj("batch/v1", "Job", "ns", "migrate", "    argocd.argoproj.io/hook: PreSync\n"),
                Obj("v1", "ConfigMap", "ns", "cfg"),
                Obj("batch/v1", "Job", "ns", "cleanup", "    argocd.argoproj.io/hook: SyncFail\n")};
  SyncResult r = RunPlan(BuildPlan(in), in.options, target, clock, FromStatus);
  EXPECT_EQ(r.phase, "Failed");
  EXPECT_NE(r.message.find("BackoffLimitExceeded"), std::string::npos) << r.message;
  EXPECT_FALSE(target.Has("ConfigMap", "ns", "cfg"));
  EXPECT_TRUE(target.Has("Job", "ns", "cleanup"));
}

TEST(Engine, TerminateStopsBetweenWavesAndDeletesRunningHooks) {
  FakeTarget target;
  base::FakeClock clock;
  target.Put(Obj("v1", "Namespace", "", "ns"));
  target.on_apply = [](yaml::Node& obj) {  // the PreSync Job never finishes
    if (obj.StrAt({"metadata", "name"}) == "migrate")
      obj.GetOrCreateMap("status").Set("health", yaml::Node::String("Progressing"));
  };
  PlanInput in;
  in.desired = {Obj("batch/v1", "Job", "ns", "migrate", "    argocd.argoproj.io/hook: PreSync\n"),
                Obj("v1", "ConfigMap", "ns", "cfg"),
                Obj("batch/v1", "Job", "ns", "cleanup", "    argocd.argoproj.io/hook: SyncFail\n")};
  EngineOptions eo;
  int asked = 0;
  eo.terminated = [&] { return ++asked > 3; };  // a few polls, then terminate
  RetryPolicy retry;
  retry.limit = 3;
  int attempts = 0;
  SyncResult r = RunWithRetry([&] { ++attempts; return RunPlan(BuildPlan(in), in.options, target, clock, FromStatus, eo); },
                              retry, clock);
  EXPECT_EQ(r.phase, "Failed");
  EXPECT_EQ(r.message, "Operation terminated");
  EXPECT_TRUE(r.terminated);
  EXPECT_EQ(attempts, 1);                               // a terminated sync is not retried
  EXPECT_FALSE(target.Has("ConfigMap", "ns", "cfg"));   // the next phase is never applied
  EXPECT_FALSE(target.Has("Job", "ns", "migrate"));     // the running hook is deleted
  EXPECT_FALSE(target.Has("Job", "ns", "cleanup"));     // no SyncFail hooks
  ASSERT_FALSE(r.resources.empty());
  EXPECT_EQ(r.resources[0].hook_phase, "Succeeded");
  EXPECT_EQ(r.resources[0].message, "Deleted");
}

TEST(Engine, TerminateBeforeTheFirstWaveAppliesNothing) {
  FakeTarget target;
  base::FakeClock clock;
  target.Put(Obj("v1", "Namespace", "", "ns"));
  PlanInput in;
  in.desired = {Obj("v1", "ConfigMap", "ns", "cfg")};
  EngineOptions eo;
  eo.terminated = [] { return true; };
  SyncResult r = RunPlan(BuildPlan(in), in.options, target, clock, AlwaysHealthy, eo);
  EXPECT_EQ(r.message, "Operation terminated");
  EXPECT_FALSE(target.Has("ConfigMap", "ns", "cfg"));
}

TEST(Engine, PruneOnlyWhenEnabled) {
  FakeTarget target;
  base::FakeClock clock;
  target.Put(Obj("v1", "Namespace", "", "ns"));
  target.Put(Obj("v1", "ConfigMap", "ns", "old"));
  PlanInput in;
  in.desired = {Obj("v1", "ConfigMap", "ns", "new")};
  in.live = {Obj("v1", "ConfigMap", "ns", "old")};
  SyncResult r = RunPlan(BuildPlan(in), in.options, target, clock, AlwaysHealthy);
  EXPECT_EQ(r.phase, "Succeeded");
  EXPECT_TRUE(target.Has("ConfigMap", "ns", "old"));
  EXPECT_NE(r.message.find("require pruning"), std::string::npos) << r.message;
  in.options.prune = true;
  r = RunPlan(BuildPlan(in), in.options, target, clock, AlwaysHealthy);
  EXPECT_EQ(r.phase, "Succeeded");
  EXPECT_FALSE(target.Has("ConfigMap", "ns", "old"));
}

TEST(Engine, DryRunOptionChangesNothing) {
  FakeTarget target;
  base::FakeClock clock;
  PlanInput in;
  in.options.dry_run = true;
  in.options.create_namespace = true;
  in.desired = {Obj("v1", "ConfigMap", "ns", "cfg")};
  EngineOptions eo;
  eo.create_namespace = "ns";
  SyncResult r = RunPlan(BuildPlan(in), in.options, target, clock, AlwaysHealthy, eo);
  EXPECT_EQ(r.phase, "Succeeded") << r.message;
  EXPECT_EQ(target.size(), 0u);
}

TEST(Engine, UnhealthyWaveTimesOut) {
  FakeTarget target;
  base::FakeClock clock;
  target.Put(Obj("v1", "Namespace", "", "ns"));
  PlanInput in;
  in.desired = {Obj("apps/v1", "Deployment", "ns", "web"),
                Obj("v1", "ConfigMap", "ns", "after", "    argocd.argoproj.io/sync-wave: \"1\"\n")};
  EngineOptions eo;
  eo.health_timeout_ms = 10000;
  HealthFn crash = [](const yaml::Node&) -> Health { return {"Degraded", "CrashLoopBackOff"}; };
  SyncResult r = RunPlan(BuildPlan(in), in.options, target, clock, crash, eo);
  EXPECT_EQ(r.phase, "Failed");
  EXPECT_NE(r.message.find("CrashLoopBackOff"), std::string::npos) << r.message;
  EXPECT_FALSE(target.Has("ConfigMap", "ns", "after"));
}

TEST(Retry, StopsAtLimitWithExponentialBackoffCapped) {
  base::FakeClock clock;
  RetryPolicy policy;
  policy.limit = 5;
  policy.duration_ms = 5000;
  policy.factor = 2;
  policy.max_duration_ms = 30000;
  int attempts = 0;
  SyncResult r = RunWithRetry(
      [&] {
        ++attempts;
        SyncResult f;
        f.phase = "Failed";
        f.message = "boom";
        return f;
      },
      policy, clock);
  EXPECT_EQ(attempts, 6);  // first attempt + 5 retries
  EXPECT_EQ(r.retry_count, 5);
  EXPECT_EQ(r.phase, "Failed");
  EXPECT_EQ(clock.sleeps, (std::vector<int64_t>{5000, 10000, 20000, 30000, 30000}));
}

TEST(Retry, StopsOnSuccessAndZeroLimitMeansNoRetry) {
  base::FakeClock clock;
  RetryPolicy policy;
  policy.limit = 5;
  int attempts = 0;
  SyncResult r = RunWithRetry(
      [&] {
        SyncResult s;
        s.phase = ++attempts < 3 ? "Failed" : "Succeeded";
        return s;
      },
      policy, clock);
  EXPECT_EQ(r.phase, "Succeeded");
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(clock.sleeps, (std::vector<int64_t>{5000, 10000}));
  policy.limit = 0;
  attempts = 0;
  clock.sleeps.clear();
  RunWithRetry([&] { ++attempts; SyncResult f; f.phase = "Failed"; return f; }, policy, clock);
  EXPECT_EQ(attempts, 1);
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST(Engine, RetryWithTargetRecoversAfterTransientFailure) {
  FakeTarget target;
  base::FakeClock clock;
  target.Put(Obj("v1", "Namespace", "", "ns"));
  target.fail_apply["ConfigMap/cfg"] = {2, "etcdserver: request timed out", 500};
  PlanInput in;
  in.desired = {Obj("v1", "ConfigMap", "ns", "cfg")};
  RetryPolicy policy;
  policy.limit = 3;
  SyncResult r = RunWithRetry(
      [&] { return RunPlan(BuildPlan(in), in.options, target, clock, AlwaysHealthy); }, policy, clock);
  EXPECT_EQ(r.phase, "Succeeded") << r.message;
  EXPECT_EQ(r.retry_count, 2);
  EXPECT_TRUE(target.Has("ConfigMap", "ns", "cfg"));
}

}  // namespace
}  // namespace capstan::sync
