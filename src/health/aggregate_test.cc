#include <gtest/gtest.h>

#include "health/health.h"
#include "yaml/yaml.h"

namespace capstan::health {
namespace {

ResourceHealth R(std::string kind, std::string name, std::optional<Code> code,
                 std::string message = "") {
  ResourceHealth r;
  r.kind = std::move(kind);
  r.ns = "default";
  r.name = std::move(name);
  if (code) r.health = HealthStatus{*code, std::move(message)};
  return r;
}

TEST(Order, SeverityOrder) {
  EXPECT_TRUE(IsWorse(Code::kHealthy, Code::kSuspended));
  EXPECT_TRUE(IsWorse(Code::kSuspended, Code::kProgressing));
  EXPECT_TRUE(IsWorse(Code::kProgressing, Code::kMissing));
  EXPECT_TRUE(IsWorse(Code::kMissing, Code::kDegraded));
  EXPECT_TRUE(IsWorse(Code::kDegraded, Code::kUnknown));
  EXPECT_FALSE(IsWorse(Code::kDegraded, Code::kDegraded));
  EXPECT_EQ(ParseCode("Progressing"), Code::kProgressing);
  EXPECT_EQ(ParseCode("progressing"), std::nullopt);
}

TEST(Aggregate, WorstWinsAndNamesTheResource) {
  std::vector<ResourceHealth> rs = {R("Service", "web", Code::kHealthy),
                                    R("Deployment", "web", Code::kProgressing, "waiting"),
                                    R("Pod", "web-1", Code::kDegraded, "crash"),
                                    R("Job", "j", Code::kDegraded, "later"),
                                    R("ConfigMap", "c", std::nullopt)};
  AppHealth a = Aggregate(rs);
  EXPECT_EQ(a.code, Code::kDegraded);
  EXPECT_EQ(a.decided_by, 2);
  EXPECT_EQ(a.message, "crash");
  EXPECT_EQ(a.reason, "Pod default/web-1: crash");
}

TEST(Aggregate, EmptyAndNoHealthIsHealthy) {
  EXPECT_EQ(Aggregate({}).code, Code::kHealthy);
  std::vector<ResourceHealth> rs = {R("ConfigMap", "c", std::nullopt)};
  AppHealth a = Aggregate(rs);
  EXPECT_EQ(a.code, Code::kHealthy);
  EXPECT_EQ(a.decided_by, -1);
}

TEST(Aggregate, SuspendedBeatsHealthyButNotProgressing) {
  std::vector<ResourceHealth> rs = {R("A", "a", Code::kHealthy), R("B", "b", Code::kSuspended)};
  EXPECT_EQ(Aggregate(rs).code, Code::kSuspended);
  rs.push_back(R("C", "c", Code::kProgressing));
  EXPECT_EQ(Aggregate(rs).code, Code::kProgressing);
}

TEST(Aggregate, SkipsHooksMissingWithoutCheckAndChildApps) {
  std::vector<ResourceHealth> rs = {R("Pod", "hook", Code::kDegraded),
                                    R("ConfigMap", "gone", Code::kMissing),
                                    R("Application", "child", Code::kUnknown)};
  rs[0].skip = true;
  rs[1].has_check = false;
  rs[2].group = "argoproj.io";
  EXPECT_EQ(Aggregate(rs).code, Code::kHealthy);
  rs[1].has_check = true;
  EXPECT_EQ(Aggregate(rs).code, Code::kMissing);
}

TEST(Aggregate, ResourceHealthOfLiveObjects) {
  yaml::Node pod = yaml::ParseOne(
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: h\n  annotations: {argocd.argoproj.io/hook: PreSync}\n"
      "spec: {restartPolicy: Never}\nstatus: {phase: Failed}\n");
  ResourceHealth hook = ResourceHealthOf(&pod, "", "Pod", "default", "h");
  EXPECT_TRUE(hook.skip);
  ResourceHealth missing = ResourceHealthOf(nullptr, "apps", "Deployment", "default", "d");
  EXPECT_EQ(missing.health->code, Code::kMissing);
  EXPECT_TRUE(missing.has_check);
  ResourceHealth missing_cm = ResourceHealthOf(nullptr, "", "ConfigMap", "default", "c");
  EXPECT_FALSE(missing_cm.has_check);
  std::vector<ResourceHealth> rs = {hook, missing, missing_cm};
  AppHealth a = Aggregate(rs);
  EXPECT_EQ(a.code, Code::kMissing);
  EXPECT_EQ(a.reason, "Deployment default/d");
}

}  // namespace
}  // namespace capstan::health
