// The per-app success metrics kept in status.capstan.deployments:
// success rate, time to deploy and time to roll back, from the history.
#include "controller/deploy_stats.h"

#include <gtest/gtest.h>

#include "controller/auto_sync.h"
#include "yaml/yaml.h"

namespace capstan::controller {
namespace {

using yaml::Node;

const int64_t kT0 = ParseTimeMs("2026-01-01T00:00:00Z");

void AddHistory(Node& status, int id, const std::string& rev, const std::string& started) {
  Node* h = status.Get("history");
  if (!h) h = &status.Set("history", Node::Seq());
  Node e = Node::Map();
  e.Set("id", Node::Int(id));
  e.Set("revision", Node::String(rev));
  e.Set("deployStartedAt", Node::String(started));
  e.Set("deployedAt", Node::String(started));
  h->items.push_back(e);
}

Node Synced(const std::string& rev) {
  Node s = Node::Map();
  s.GetOrCreateMap("sync").Set("revision", Node::String(rev));
  s.GetOrCreateMap("sync").Set("status", Node::String("Synced"));
  return s;
}

TEST(DeployStats, SuccessRateCountsEveryFinishedOperation) {
  Node s = Synced("a");
  EXPECT_EQ(SuccessRate(s), -1);
  AddHistory(s, 0, "a", "2026-01-01T00:00:00Z");
  CountOperation(s, "Succeeded", false);
  CountOperation(s, "Failed", false);
  CountOperation(s, "Error", false);
  EXPECT_DOUBLE_EQ(SuccessRate(s), 1.0 / 3.0);
  EXPECT_EQ(s.StrAt({"capstan", "deployments", "successRate"}), "0.333");
  EXPECT_EQ(s.At({"capstan", "deployments", "total"})->AsInt(0), 3);
  EXPECT_EQ(s.At({"capstan", "deployments", "succeeded"})->AsInt(0), 1);
}

TEST(DeployStats, TimeToDeployRunsFromTheCommitSeenToHealthy) {
  Node s = Synced("b");
  AddHistory(s, 0, "a", "2026-01-01T00:00:00Z");
  AddHistory(s, 1, "b", "2026-01-01T00:00:05Z");
  CountOperation(s, "Succeeded", false);
  EXPECT_EQ(s.At({"capstan", "deployments", "pending", "historyId"})->AsInt(-1), 1);
  // Seen 2 s before the sync started, Healthy 10 s after the start.
  DeployMeasure m = MeasureHealthy(s, kT0 + 15000, kT0 + 3000);
  EXPECT_TRUE(m.measured);
  EXPECT_FALSE(m.rollback);
  EXPECT_EQ(m.ms, 12000);
  EXPECT_EQ(s.At({"capstan", "deployments", "timeToDeployMs", "last"})->AsInt(0), 12000);
  EXPECT_EQ(s.At({"capstan", "deployments", "measuredHistoryId"})->AsInt(0), 1);
  // Measured once: a later refresh changes nothing (no write).
  Node before = s;
  EXPECT_FALSE(MeasureHealthy(s, kT0 + 60000, kT0 + 3000).measured);
  EXPECT_EQ(s, before);
}

TEST(DeployStats, WithoutACommitSeenTheSyncStartCounts) {
  Node s = Synced("a");
  AddHistory(s, 0, "a", "2026-01-01T00:00:10Z");
  CountOperation(s, "Succeeded", false);
  EXPECT_EQ(MeasureHealthy(s, kT0 + 14000, 0).ms, 4000);
  // A second deploy: the average of both.
  AddHistory(s, 1, "c", "2026-01-01T00:01:00Z");
  s.GetOrCreateMap("sync").Set("revision", Node::String("c"));
  CountOperation(s, "Succeeded", false);
  EXPECT_EQ(MeasureHealthy(s, kT0 + 68000, 0).ms, 8000);
  EXPECT_EQ(s.At({"capstan", "deployments", "timeToDeployMs", "average"})->AsInt(0), 6000);
  EXPECT_EQ(s.At({"capstan", "deployments", "timeToDeployMs", "count"})->AsInt(0), 2);
}

TEST(DeployStats, RollbackIsMeasuredFromItsStartNotTheCommit) {
  Node s = Synced("b");  // the target moved on: OutOfSync at b after rolling back to a
  s.GetOrCreateMap("sync").Set("status", Node::String("OutOfSync"));
  AddHistory(s, 0, "a", "2026-01-01T00:00:00Z");
  AddHistory(s, 1, "b", "2026-01-01T00:00:30Z");
  AddHistory(s, 2, "a", "2026-01-01T00:01:00Z");
  CountOperation(s, "Succeeded", true);
  DeployMeasure m = MeasureHealthy(s, kT0 + 63000, kT0 + 1000);
  EXPECT_TRUE(m.measured && m.rollback);
  EXPECT_EQ(m.ms, 3000);
  EXPECT_EQ(s.At({"capstan", "deployments", "timeToRollbackMs", "last"})->AsInt(0), 3000);
  EXPECT_EQ(s.At({"capstan", "deployments", "timeToDeployMs"}), nullptr);
}

TEST(DeployStats, HealthyAtAnotherRevisionOrAFailedSyncMeasuresNothing) {
  Node s = Synced("old");
  AddHistory(s, 0, "new", "2026-01-01T00:00:00Z");
  CountOperation(s, "Succeeded", false);
  EXPECT_FALSE(MeasureHealthy(s, kT0 + 1000, 0).measured);  // still pending
  EXPECT_NE(s.At({"capstan", "deployments", "pending"}), nullptr);
  s.GetOrCreateMap("sync").Set("revision", Node::String("new"));
  s.GetOrCreateMap("sync").Set("status", Node::String("OutOfSync"));
  EXPECT_FALSE(MeasureHealthy(s, kT0 + 1000, 0).measured);  // at the revision but not Synced yet
  Node f = Synced("x");
  CountOperation(f, "Failed", false);
  EXPECT_EQ(f.At({"capstan", "deployments", "pending"}), nullptr);
  EXPECT_FALSE(MeasureHealthy(f, kT0, 0).measured);
}

TEST(DeployStats, ASelfHealOfTheSameRevisionIsNotADeploy) {
  Node s = Synced("a");
  AddHistory(s, 0, "a", "2026-01-01T00:00:00Z");
  AddHistory(s, 1, "a", "2026-01-01T00:05:00Z");
  CountOperation(s, "Succeeded", false);
  EXPECT_EQ(s.At({"capstan", "deployments", "pending"}), nullptr);
  EXPECT_EQ(s.At({"capstan", "deployments", "succeeded"})->AsInt(0), 1);  // still counted in the success rate
}

TEST(DeployStats, SurvivesAJsonRoundTripUnchanged) {
  // The status read back from the API server must equal the one written,
  // or every refresh would write again.
  Node s = Synced("b");
  AddHistory(s, 0, "b", "2026-01-01T00:00:05Z");
  CountOperation(s, "Succeeded", false);
  MeasureHealthy(s, kT0 + 9000, 0);
  Node back = yaml::ParseOne(yaml::EmitJson(s));
  EXPECT_EQ(back, s);
}

}  // namespace
}  // namespace capstan::controller
