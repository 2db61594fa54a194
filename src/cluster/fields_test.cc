#include "cluster/fields.h"

#include <gtest/gtest.h>

#include "yaml/yaml.h"

namespace capstan::cluster {
namespace {

yaml::Node J(const std::string& s) { return yaml::ParseJson(s); }

TEST(FieldsTest, FieldSetUsesMergeKeys) {
  auto fs = FieldsOf(J(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"b"}},
    "spec":{"containers":[{"name":"c","image":"nginx"}]}})"));
  EXPECT_TRUE(fs.count({"f:metadata", "f:labels", "f:a"}));
  EXPECT_TRUE(fs.count({"f:spec", "f:containers", "k:{\"name\":\"c\"}", "."}));
  EXPECT_TRUE(fs.count({"f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:image"}));
  EXPECT_FALSE(fs.count({"f:metadata", "f:name"}));
  EXPECT_EQ(FromFieldsV1(ToFieldsV1(fs)), fs);
}

TEST(FieldsTest, ApplyRemovesFieldsNoLongerApplied) {
  yaml::Node first = J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"1","b":"2"}})");
  auto r1 = ServerSideApply(yaml::Node(), first, "mgr", false, "t");
  ASSERT_TRUE(r1.conflicts.empty());
  yaml::Node second = J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"3"}})");
  auto r2 = ServerSideApply(r1.object, second, "mgr", false, "t");
  ASSERT_TRUE(r2.conflicts.empty());
  EXPECT_EQ(r2.object.StrAt({"data", "a"}), "3");
  EXPECT_FALSE(r2.object.At({"data", "b"}));
}

TEST(FieldsTest, ApplyConflictsWithOtherManagerUnlessForced) {
  yaml::Node base = J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"1"}})");
  auto r1 = ServerSideApply(yaml::Node(), base, "one", false, "t");
  yaml::Node other = J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"2"}})");
  auto r2 = ServerSideApply(r1.object, other, "two", false, "t");
  ASSERT_EQ(r2.conflicts.size(), 1u);
  EXPECT_EQ(r2.conflicts[0].manager, "one");
  EXPECT_EQ(r2.conflicts[0].path, ".data.a");
  auto r3 = ServerSideApply(r1.object, other, "two", true, "t");
  EXPECT_TRUE(r3.conflicts.empty());
  EXPECT_EQ(r3.object.StrAt({"data", "a"}), "2");
}

TEST(FieldsTest, UpdateTracksChangedFields) {
  yaml::Node old = J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"1"}})");
  yaml::Node created = old;
  TrackUpdate(yaml::Node(), created, "kubectl-create", "", "t");
  yaml::Node next = created;
  next.GetOrCreateMap("data").Set("b", yaml::Node::String("2"));
  TrackUpdate(created, next, "kubectl-edit", "", "t");
  const yaml::Node* mf = next.At({"metadata", "managedFields"});
  ASSERT_TRUE(mf);
  ASSERT_EQ(mf->size(), 2u);
  EXPECT_EQ(mf->items[1].StrAt({"manager"}), "kubectl-edit");
  EXPECT_TRUE(mf->items[1].At({"fieldsV1", "f:data", "f:b"}));
}

}  // namespace
}  // namespace capstan::cluster
