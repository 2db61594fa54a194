#include "cluster/server_side_apply.h"

#include <gtest/gtest.h>

#include "yaml/yaml.h"

namespace capstan::cluster {
namespace {

yaml::Node J(const std::string& s) { return yaml::ParseJson(s); }

TEST(ServerSideApplyTest, FieldSetUsesMergeKeys) {
  auto fs = FieldsOf(J(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"b"}},
    "spec":{"containers":[{"name":"c","image":"nginx"}]}})"));
  EXPECT_TRUE(fs.count({"f:metadata", "f:labels", "f:a"}));
  EXPECT_TRUE(fs.count({"f:spec", "f:containers", "k:{\"name\":\"c\"}", "."}));
  EXPECT_TRUE(fs.count({"f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:image"}));
  EXPECT_FALSE(fs.count({"f:metadata", "f:name"}));
  EXPECT_EQ(FromFieldsV1(ToFieldsV1(fs)), fs);
}

TEST(ServerSideApplyTest, ApplyRemovesFieldsNoLongerApplied) {
  yaml::Node first = J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"1","b":"2"}})");
  auto r1 = ServerSideApply(yaml::Node(), first, "mgr", false, "t");
  ASSERT_TRUE(r1.conflicts.empty());
  yaml::Node second = J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"3"}})");
  auto r2 = ServerSideApply(r1.object, second, "mgr", false, "t");
  ASSERT_TRUE(r2.conflicts.empty());
  EXPECT_EQ(r2.object.StrAt({"data", "a"}), "3");
  EXPECT_FALSE(r2.object.At({"data", "b"}));
}

TEST(ServerSideApplyTest, ApplyConflictsWithOtherManagerUnlessForced) {
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

TEST(ServerSideApplyTest, UpdateTracksChangedFields) {
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

namespace capstan::cluster {
namespace {

yaml::Node Deployment(const std::string& container_json) {
  return yaml::ParseJson(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},
    "spec":{"template":{"spec":{"containers":[)" + container_json + "]}}}}");
}

const yaml::Node* Containers(const yaml::Node& d) { return d.At({"spec", "template", "spec", "containers"}); }

TEST(ServerSideApplyListTest, PortsKeyedByContainerPortAndProtocol) {
  FieldSet fs = FieldsOf(Deployment(R"({"name":"c","ports":[{"containerPort":53,"protocol":"UDP"},
                                                              {"containerPort":53}]})"));
  FieldPath c = {"f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:ports"};
  FieldPath udp = c, tcp = c;
  udp.push_back("k:{\"containerPort\":53,\"protocol\":\"UDP\"}");
  udp.push_back(".");
  tcp.push_back("k:{\"containerPort\":53,\"protocol\":\"TCP\"}");  // the default protocol
  tcp.push_back(".");
  EXPECT_TRUE(fs.count(udp));
  EXPECT_TRUE(fs.count(tcp));

  // Two managers each own one port of the same number: applying one keeps the other.
  auto r1 = ServerSideApply(yaml::Node(), Deployment(R"({"name":"c","ports":[{"containerPort":53,"protocol":"UDP"}]})"),
                            "udp", false, "t");
  auto r2 = ServerSideApply(r1.object, Deployment(R"({"name":"c","ports":[{"containerPort":53,"protocol":"TCP"}]})"),
                            "tcp", false, "t");
  ASSERT_TRUE(r2.conflicts.empty());
  const yaml::Node* ports = Containers(r2.object)->items[0].Get("ports");
  ASSERT_TRUE(ports);
  EXPECT_EQ(ports->size(), 2u);
}

TEST(ServerSideApplyListTest, EnvMergedByName) {
  auto r1 = ServerSideApply(yaml::Node(), Deployment(R"({"name":"c","env":[{"name":"A","value":"1"}]})"), "one",
                            false, "t");
  auto r2 = ServerSideApply(r1.object, Deployment(R"({"name":"c","env":[{"name":"B","value":"2"}]})"), "two",
                            false, "t");
  ASSERT_TRUE(r2.conflicts.empty());
  const yaml::Node* env = Containers(r2.object)->items[0].Get("env");
  ASSERT_TRUE(env);
  ASSERT_EQ(env->size(), 2u);
  EXPECT_EQ(env->items[0].StrAt({"name"}), "A");
  EXPECT_EQ(env->items[1].StrAt({"name"}), "B");
  // Changing another manager's item is a conflict naming the keyed path.
  auto r3 = ServerSideApply(r2.object, Deployment(R"({"name":"c","env":[{"name":"A","value":"9"}]})"), "two",
                            false, "t");
  ASSERT_EQ(r3.conflicts.size(), 1u);
  EXPECT_EQ(r3.conflicts[0].manager, "one");
  EXPECT_EQ(r3.conflicts[0].path, R"(.spec.template.spec.containers[name="c"].env[name="A"].value)");
}

TEST(ServerSideApplyListTest, AtomicBuiltInListIsReplacedWhole) {
  // args is x-kubernetes-list-type: atomic: the second manager's apply
  // replaces the list and conflicts with the first owner.
  auto r1 = ServerSideApply(yaml::Node(), Deployment(R"({"name":"c","args":["a"]})"), "one", false, "t");
  FieldSet fs = FieldsOf(r1.object);
  EXPECT_TRUE(fs.count({"f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:args"}));
  auto r2 = ServerSideApply(r1.object, Deployment(R"({"name":"c","args":["b"]})"), "two", true, "t");
  EXPECT_EQ(Containers(r2.object)->items[0].Get("args")->size(), 1u);
  EXPECT_EQ(Containers(r2.object)->items[0].Get("args")->items[0].Str(), "b");
}

yaml::Node Widget(const std::string& items_json) {
  return yaml::ParseJson(R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},
    "spec":{"items":[)" + items_json + "]}}");
}

TEST(ServerSideApplyListTest, CrdListWithoutSchemaKeysIsAtomic) {
  // Items with `name` do not make a keyed list: only the schema does.
  auto r1 = ServerSideApply(yaml::Node(), Widget(R"({"name":"a","v":1})"), "one", false, "t");
  FieldSet fs = FieldsOf(r1.object);
  EXPECT_TRUE(fs.count({"f:spec", "f:items"}));
  auto r2 = ServerSideApply(r1.object, Widget(R"({"name":"b","v":2})"), "two", false, "t");
  ASSERT_EQ(r2.conflicts.size(), 1u);
  EXPECT_EQ(r2.conflicts[0].path, ".spec.items");
  auto r3 = ServerSideApply(r1.object, Widget(R"({"name":"b","v":2})"), "two", true, "t");
  const yaml::Node* items = r3.object.At({"spec", "items"});
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ(items->items[0].StrAt({"name"}), "b");
}

TEST(ServerSideApplyListTest, CrdListKeyedByItsOpenApiSchema) {
  resource::Schema schema = resource::Schema::BuiltIn();
  schema.AddOpenApi(yaml::ParseJson(R"({"definitions":{
    "com.example.v1.Widget":{"type":"object","x-kubernetes-group-version-kind":[
        {"group":"example.com","version":"v1","kind":"Widget"}],
      "properties":{"spec":{"$ref":"#/definitions/com.example.v1.WidgetSpec"}}},
    "com.example.v1.WidgetSpec":{"type":"object","properties":{"items":{"type":"array",
      "x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
      "items":{"type":"object"}}}}}})"));
  auto r1 = ServerSideApply(yaml::Node(), Widget(R"({"name":"a","v":1})"), "one", false, "t", schema);
  auto r2 = ServerSideApply(r1.object, Widget(R"({"name":"b","v":2})"), "two", false, "t", schema);
  ASSERT_TRUE(r2.conflicts.empty());
  EXPECT_EQ(r2.object.At({"spec", "items"})->size(), 2u);
}

}  // namespace
}  // namespace capstan::cluster

#include "cluster/resources.h"

namespace capstan::cluster {
namespace {

TEST(ServerSideApplyListTest, RegisteredCrdSchemaKeysItsLists) {
  yaml::Node crd = yaml::ParseJson(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"widgets.example.com"},
    "spec":{"group":"example.com","scope":"Namespaced",
      "names":{"plural":"widgets","kind":"Widget"},
      "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{
        "type":"object","properties":{"spec":{"type":"object","properties":{
          "items":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
                   "items":{"type":"object","properties":{"name":{"type":"string"},"v":{"type":"integer"}}}}}}}}}}]}})");
  Registry registry;
  registry.AddCrd(crd);
  auto schema = registry.ApplySchema();
  auto r1 = ServerSideApply(yaml::Node(), Widget(R"({"name":"a","v":1})"), "one", false, "t", *schema);
  auto r2 = ServerSideApply(r1.object, Widget(R"({"name":"b","v":2})"), "two", false, "t", *schema);
  ASSERT_TRUE(r2.conflicts.empty());
  EXPECT_EQ(r2.object.At({"spec", "items"})->size(), 2u);

  registry.RemoveCrd(crd);
  schema = registry.ApplySchema();
  auto r4 = ServerSideApply(yaml::Node(), Widget(R"({"name":"a","v":1})"), "one", false, "t", *schema);
  auto r5 = ServerSideApply(r4.object, Widget(R"({"name":"b","v":2})"), "two", false, "t", *schema);
  EXPECT_EQ(r5.conflicts.size(), 1u);  // atomic again
}

TEST(ServerSideApplyListTest, CustomResourceOwnerReferencesKeyedByUid) {
  FieldSet fs = FieldsOf(yaml::ParseJson(R"({"apiVersion":"example.com/v1","kind":"Widget",
    "metadata":{"name":"w","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"o","uid":"u1"}]}})"));
  EXPECT_TRUE(fs.count({"f:metadata", "f:ownerReferences", "k:{\"uid\":\"u1\"}", "."}));
}

}  // namespace
}  // namespace capstan::cluster
