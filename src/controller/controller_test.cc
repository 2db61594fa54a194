// Unit tests of the controller's pieces that need no cluster: the work
// queue, the metrics exposition, `.operation` parsing, sharding.
#include <gtest/gtest.h>

#include <thread>

#include "app/application.h"
#include "controller/controller.h"
#include "controller/metrics.h"
#include "controller/operation.h"
#include "controller/work_queue.h"
#include "yaml/yaml.h"

namespace capstan::controller {
namespace {

TEST(WorkQueue, DedupesAndHoldsKeysInProcess) {
  WorkQueue q("q");
  q.Add("a");
  q.Add("a");
  q.Add("b");
  EXPECT_EQ(q.Depth(), 2u);
  std::string k;
  ASSERT_TRUE(q.Get(&k));
  EXPECT_EQ(k, "a");
  q.Add("a");  // while processing: handed out again only after Done
  ASSERT_TRUE(q.Get(&k));
  EXPECT_EQ(k, "b");
  EXPECT_EQ(q.Depth(), 0u);
  q.Done("a");
  EXPECT_EQ(q.Depth(), 1u);
  ASSERT_TRUE(q.Get(&k));
  EXPECT_EQ(k, "a");
  q.Done("a");
  q.Done("b");
  q.AddAfter("c", 20);
  EXPECT_EQ(q.Depth(), 0u);
  ASSERT_TRUE(q.Get(&k));  // blocks until due
  EXPECT_EQ(k, "c");
  std::thread t([&] { q.ShutDown(); });
  EXPECT_FALSE(q.Get(&k));
  t.join();
}

TEST(Metrics, TextFormat) {
  Registry r;
  r.Declare("argocd_app_reconcile", MetricType::kHistogram, "Application reconciliation performance in seconds.",
            {0.25, 0.5, 1});
  r.Declare("argocd_app_sync_total", MetricType::kCounter, "Number of application syncs.");
  r.Observe("argocd_app_reconcile", {{"namespace", "argocd"}}, 0.3);
  r.Observe("argocd_app_reconcile", {{"namespace", "argocd"}}, 2);
  r.Add("argocd_app_sync_total", {{"name", "we\"b\\x\ny"}, {"phase", "Succeeded"}});
  EXPECT_EQ(r.Render(),
            "# HELP argocd_app_reconcile Application reconciliation performance in seconds.\n"
            "# TYPE argocd_app_reconcile histogram\n"
            "argocd_app_reconcile_bucket{namespace=\"argocd\",le=\"0.25\"} 0\n"
            "argocd_app_reconcile_bucket{namespace=\"argocd\",le=\"0.5\"} 1\n"
            "argocd_app_reconcile_bucket{namespace=\"argocd\",le=\"1\"} 1\n"
            "argocd_app_reconcile_bucket{namespace=\"argocd\",le=\"+Inf\"} 2\n"
            "argocd_app_reconcile_sum{namespace=\"argocd\"} 2.2999999999999998\n"
            "argocd_app_reconcile_count{namespace=\"argocd\"} 2\n"
            "# HELP argocd_app_sync_total Number of application syncs.\n"
            "# TYPE argocd_app_sync_total counter\n"
            "argocd_app_sync_total{name=\"we\\\"b\\\\x\\ny\",phase=\"Succeeded\"} 1\n");
}

TEST(Operation, ParsesKubectlPatchedSync) {
  app::Application a = app::ParseApplication(yaml::ParseOne(R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web, namespace: argocd}
spec:
  source: {repoURL: https://example.com/r.git, path: web, targetRevision: main}
  destination: {server: https://kubernetes.default.svc, namespace: web}
)"), "test");
  ParsedOperation p = ParseOperation(yaml::ParseOne(R"(sync:
  revision: abc
  prune: true
  resources:
  - {group: apps, kind: Deployment, name: web}
  - {kind: Namespace, name: web}
initiatedBy: {username: alice}
retry: {limit: 3, backoff: {duration: 2s, factor: 3, maxDuration: 1m}}
)"), a);
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.request.revision, "abc");
  EXPECT_TRUE(p.request.prune);
  EXPECT_FALSE(p.request.automated);
  EXPECT_EQ(p.request.initiated_by, "alice");
  EXPECT_EQ(p.request.resources, (std::vector<std::string>{"apps/Deployment/web/web", "/Namespace//web"}));
  ASSERT_TRUE(p.retry);
  EXPECT_EQ(p.retry->limit, 3);
  EXPECT_EQ(p.retry->duration_ms, 2000);
  EXPECT_EQ(p.retry->factor, 3);
  EXPECT_EQ(p.retry->max_duration_ms, 60000);
  EXPECT_NE(ParseOperation(yaml::ParseOne("rollback: {id: 1}"), a).error, "");
  EXPECT_NE(ParseOperation(yaml::ParseOne("sync: {resources: [{kind: ConfigMap}]}"), a).error, "");
}

TEST(Operation, TerminableClockThrowsWhenTerminated) {
  TerminableClock clock;
  std::atomic<bool> flag{false};
  TerminableClock::SetThreadFlag(&flag);
  clock.SleepMs(1);
  flag = true;
  EXPECT_THROW(clock.SleepMs(1000), OperationTerminated);
  TerminableClock::SetThreadFlag(nullptr);
  clock.SleepMs(1);
}

TEST(Sharding, StableAndSpread) {
  EXPECT_EQ(ShardOf("argocd", "web", 1), 0);
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 300; ++i) ++counts[ShardOf("argocd", "app-" + std::to_string(i), 3)];
  for (int c : counts) EXPECT_GT(c, 60);
  EXPECT_EQ(ShardOf("argocd", "app-7", 3), ShardOf("argocd", "app-7", 3));
}

}  // namespace
}  // namespace capstan::controller
