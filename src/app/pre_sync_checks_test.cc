#include "app/pre_sync_checks.h"

#include <gtest/gtest.h>

#include "app/application.h"
#include "yaml/yaml.h"

namespace capstan::app {
namespace {

TEST(PreSyncChecks, ParsesItemsAndRejectsUnknownOnes) {
  PreSyncChecks c;
  ParsePreSyncChecks("validate, lint:critical", "AppProject dev", &c);
  EXPECT_TRUE(c.validate);
  EXPECT_TRUE(c.lint);
  EXPECT_FALSE(c.lint_warnings_fail);
  EXPECT_EQ(c.Describe(), "validate,lint:critical");
  ParsePreSyncChecks("lint:warning", "Application a", &c);
  EXPECT_EQ(c.Describe(), "validate,lint:warning");
  try {
    ParsePreSyncChecks("validate,lnt", "AppProject dev", &c);
    FAIL() << "no error";
  } catch (const AppError& e) {
    EXPECT_NE(std::string(e.what()).find("AppProject dev: annotation capstan.io/pre-sync-checks: unknown check \"lnt\""),
              std::string::npos)
        << e.what();
  }
}

TEST(PreSyncChecks, FindingsOfEachCheck) {
  std::vector<yaml::Node> desired = yaml::ParseAll(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: "2"
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:latest"}]
)");
  PreSyncChecks v;
  v.validate = true;
  PreSyncResult r = RunPreSyncChecks(v, desired);
  ASSERT_TRUE(r.failed);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].rfind("apps/v1 Deployment shop/web: validate FieldValueTypeInvalid spec.replicas: ", 0), 0u)
      << r.findings[0];
  PreSyncChecks l;
  l.lint = true;
  r = RunPreSyncChecks(l, desired);
  ASSERT_TRUE(r.failed);
  bool tag = false;
  for (const std::string& f : r.findings) tag |= f.find("lint container-image-tag [critical]") != std::string::npos;
  EXPECT_TRUE(tag);
  EXPECT_EQ(r.Message(l).rfind("pre-sync checks (lint:critical) failed: ", 0), 0u);
  EXPECT_FALSE(RunPreSyncChecks(PreSyncChecks{}, desired).failed);
}

}  // namespace
}  // namespace capstan::app
