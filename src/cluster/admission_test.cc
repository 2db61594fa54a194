#include "cluster/admission.h"

#include <gtest/gtest.h>

#include "cluster/table.h"
#include "yaml/yaml.h"

namespace capstan::cluster {
namespace {

TEST(AdmissionTest, NameRules) {
  EXPECT_EQ(CheckDns1123Subdomain("web.example-1"), "");
  EXPECT_NE(CheckDns1123Subdomain("Bad_Name"), "");
  EXPECT_NE(CheckDns1123Label("a.b"), "");
  EXPECT_NE(CheckDns1035Label("1abc"), "");
  EXPECT_EQ(CheckDns1035Label("abc-1"), "");
}

TEST(AdmissionTest, InvalidNameIsA422WithCause) {
  Registry reg;
  auto cm = *reg.Find("", "v1", "configmaps");
  yaml::Node obj = yaml::ParseJson(R"({"metadata":{"name":"Bad_Name"}})");
  try {
    Validate(cm, obj);
    FAIL() << "expected ApiError";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code, 422);
    EXPECT_EQ(e.reason, "Invalid");
    ASSERT_EQ(e.causes.size(), 1u);
    EXPECT_EQ(e.causes[0].field, "metadata.name");
    EXPECT_EQ(std::string(e.what()).rfind("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain", 0), 0u);
  }
}

TEST(AdmissionTest, DeploymentDefaultsAndGeneration) {
  Registry reg;
  auto d = *reg.Find("apps", "v1", "deployments");
  yaml::Node obj = yaml::ParseJson(R"({"metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"a":"b"}},
    "template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}}})");
  PrepareCreate(d, obj, 1);
  EXPECT_EQ(obj.StrAt({"spec", "strategy", "rollingUpdate", "maxSurge"}), "25%");
  EXPECT_EQ(obj.StrAt({"spec", "template", "spec", "containers"}), "");
  EXPECT_EQ(obj.At({"spec", "template", "spec", "containers"})->items[0].StrAt({"imagePullPolicy"}), "IfNotPresent");
  EXPECT_EQ(obj.StrAt({"metadata", "generation"}), "1");
  yaml::Node next = obj;
  next.GetOrCreateMap("metadata").GetOrCreateMap("labels").Set("x", yaml::Node::String("y"));
  PrepareUpdate(d, obj, next, false);
  EXPECT_EQ(next.StrAt({"metadata", "generation"}), "1");  // metadata only
  next.GetOrCreateMap("spec").Set("replicas", yaml::Node::Int(3));
  yaml::Node after = next;
  PrepareUpdate(d, obj, after, false);
  EXPECT_EQ(after.StrAt({"metadata", "generation"}), "2");
}

TEST(TableTest, HumanDuration) {
  EXPECT_EQ(HumanDuration(5), "5s");
  EXPECT_EQ(HumanDuration(119), "119s");
  EXPECT_EQ(HumanDuration(125), "2m5s");
  EXPECT_EQ(HumanDuration(600), "10m");
  EXPECT_EQ(HumanDuration(3 * 3600 + 60), "3h1m");
  EXPECT_EQ(HumanDuration(50 * 3600), "2d2h");
}

TEST(TableTest, JsonPath) {
  yaml::Node o = yaml::ParseJson(R"({"status":{"conditions":[{"type":"A","status":"False"},{"type":"Ready","status":"True"}]},"spec":{"n":3}})");
  EXPECT_EQ(EvalJsonPath(o, ".spec.n"), "3");
  EXPECT_EQ(EvalJsonPath(o, ".status.conditions[?(@.type==\"Ready\")].status"), "True");
  EXPECT_EQ(EvalJsonPath(o, ".status.conditions[0].type"), "A");
}

}  // namespace
}  // namespace capstan::cluster
