#include "controller/auto_sync.h"

#include <gtest/gtest.h>

#include "app/application.h"
#include "yaml/yaml.h"

namespace capstan::controller {
namespace {

const int64_t kNow = 1767225600000;  // 2026-01-01T00:00:00Z

app::Application App(const std::string& policy, const std::string& status) {
  std::string text = R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  source:
    repoURL: https://example.com/repo.git
    path: web
    targetRevision: main
  destination:
    server: https://kubernetes.default.svc
    namespace: web
  syncPolicy:
)" + policy + "status:\n" + status;
  return app::ParseApplication(yaml::ParseOne(text), "test");
}

const char* kAuto = "    automated: {prune: true, selfHeal: true}\n";
const char* kOutOfSync = R"(  sync: {status: OutOfSync, revision: bbb}
  resources:
  - {version: v1, kind: ConfigMap, namespace: web, name: a, status: OutOfSync}
  - {version: v1, kind: ConfigMap, namespace: web, name: b, status: Synced}
)";

TEST(AutoSync, NewRevisionIsSynced) {
  auto d = DecideAutoSync(App(kAuto, kOutOfSync), kNow, {});
  ASSERT_EQ(d.action, AutoSyncDecision::kSync);
  EXPECT_EQ(d.operation.StrAt({"sync", "revision"}), "bbb");
  EXPECT_TRUE(d.operation.At({"sync", "prune"})->AsBool());
  EXPECT_TRUE(d.operation.At({"initiatedBy", "automated"})->AsBool());
  EXPECT_EQ(d.operation.At({"sync", "resources"}), nullptr);  // a full sync
}

TEST(AutoSync, NothingWithoutAutomatedOrWhenSynced) {
  EXPECT_EQ(DecideAutoSync(App("    syncOptions: []\n", kOutOfSync), kNow, {}).action, AutoSyncDecision::kNone);
  EXPECT_EQ(DecideAutoSync(App(kAuto, "  sync: {status: Synced, revision: bbb}\n"), kNow, {}).action,
            AutoSyncDecision::kNone);
}

TEST(AutoSync, FailedRevisionIsNotRetried) {
  std::string st = std::string(kOutOfSync) + R"(  operationState:
    phase: Failed
    message: one or more objects failed to apply
    finishedAt: "2025-12-31T23:59:00Z"
    syncResult: {revision: bbb}
)";
  auto d = DecideAutoSync(App(kAuto, st), kNow, {});
  EXPECT_EQ(d.action, AutoSyncDecision::kError);
  EXPECT_EQ(d.message, "Failed last sync attempt to bbb: one or more objects failed to apply");
  // A newer revision is synced again.
  std::string newer = st;
  newer.replace(newer.find("revision: bbb"), 13, "revision: ccc");
  EXPECT_EQ(DecideAutoSync(App(kAuto, newer), kNow, {}).action, AutoSyncDecision::kSync);
}

TEST(AutoSync, SelfHealBackoffAndPartialSync) {
  std::string st = std::string(kOutOfSync) + R"(  operationState:
    phase: Succeeded
    finishedAt: "2025-12-31T23:59:59Z"
    operation: {sync: {revision: bbb, selfHealAttemptsCount: 2}}
    syncResult: {revision: bbb}
)";
  // Third attempt: 2 s x 3 = 6 s after the last finish; 1 s passed.
  auto d = DecideAutoSync(App(kAuto, st), kNow, {});
  ASSERT_EQ(d.action, AutoSyncDecision::kWait);
  EXPECT_EQ(d.wait_ms, 5000);
  d = DecideAutoSync(App(kAuto, st), kNow + 5000, {});
  ASSERT_EQ(d.action, AutoSyncDecision::kSync);
  EXPECT_EQ(d.operation.At({"sync", "selfHealAttemptsCount"})->AsInt(), 3);
  const yaml::Node* res = d.operation.At({"sync", "resources"});
  ASSERT_TRUE(res && res->IsSeq());
  ASSERT_EQ(res->items.size(), 1u);  // only what drifted
  EXPECT_EQ(res->items[0].StrAt({"name"}), "a");
  // Without selfHeal the same revision is left alone.
  EXPECT_EQ(DecideAutoSync(App("    automated: {prune: true}\n", st), kNow + 60000, {}).action, AutoSyncDecision::kNone);
}

TEST(AutoSync, SelfHealDelays) {
  SelfHealBackoff b;  // Argo CD defaults: 2 s x 3, cap 300 s
  EXPECT_EQ(SelfHealDelayMs(b, 0), 0);
  EXPECT_EQ(SelfHealDelayMs(b, 1), 2000);
  EXPECT_EQ(SelfHealDelayMs(b, 2), 6000);
  EXPECT_EQ(SelfHealDelayMs(b, 5), 162000);
  EXPECT_EQ(SelfHealDelayMs(b, 6), 300000);
  EXPECT_EQ(SelfHealDelayMs(b, 60), 300000);
}

TEST(AutoSync, PruneRules) {
  const char* only_prune = R"(  sync: {status: OutOfSync, revision: bbb}
  resources:
  - {version: v1, kind: ConfigMap, namespace: web, name: a, status: OutOfSync, requiresPruning: true}
  - {version: v1, kind: ConfigMap, namespace: web, name: b, status: Synced}
)";
  // prune off and only pruning needed: nothing to do.
  EXPECT_EQ(DecideAutoSync(App("    automated: {prune: false}\n", only_prune), kNow, {}).action, AutoSyncDecision::kNone);
  EXPECT_EQ(DecideAutoSync(App(kAuto, only_prune), kNow, {}).action, AutoSyncDecision::kSync);
  const char* all_prune = R"(  sync: {status: OutOfSync, revision: bbb}
  resources:
  - {version: v1, kind: ConfigMap, namespace: web, name: a, status: OutOfSync, requiresPruning: true}
)";
  auto d = DecideAutoSync(App(kAuto, all_prune), kNow, {});
  EXPECT_EQ(d.action, AutoSyncDecision::kError);
  EXPECT_EQ(d.message, "auto-sync will wipe out all resources");
  EXPECT_EQ(DecideAutoSync(App("    automated: {prune: true, allowEmpty: true}\n", all_prune), kNow, {}).action,
            AutoSyncDecision::kSync);
}

TEST(AutoSync, NoSecondOperationWhileOneIsPending) {
  app::Application a = App(kAuto, kOutOfSync);
  a.object.Set("operation", yaml::ParseOne("sync: {revision: bbb}"));
  EXPECT_EQ(DecideAutoSync(a, kNow, {}).action, AutoSyncDecision::kNone);
}

TEST(AutoSync, ParseTime) {
  EXPECT_EQ(ParseTimeMs("2026-01-01T00:00:00Z"), kNow);
  EXPECT_EQ(ParseTimeMs("2026-01-01T00:00:01.250000Z"), kNow + 1250);
  EXPECT_EQ(ParseTimeMs("garbage"), 0);
}

}  // namespace
}  // namespace capstan::controller
