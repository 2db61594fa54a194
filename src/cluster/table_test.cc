#include "cluster/table.h"

#include <gtest/gtest.h>

#include "yaml/yaml.h"

namespace capstan::cluster {
namespace {

std::vector<std::string> ColumnNames(const yaml::Node& table) {
  std::vector<std::string> out;
  for (const auto& c : table.Get("columnDefinitions")->items) out.push_back(c.StrAt({"name"}));
  return out;
}

const yaml::Node& Cells(const yaml::Node& table, size_t row) {
  return *table.Get("rows")->items[row].Get("cells");
}

ResourceInfo Builtin(const std::string& kind) {
  ResourceInfo r;
  r.kind = kind;
  return r;
}

TEST(TableTest, DeploymentColumnsAndRow) {
  yaml::Node d = yaml::ParseJson(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
    "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
            "template":{"spec":{"containers":[{"name":"c","image":"nginx:1"}]}}},
    "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}})");
  yaml::Node t = ToTable(Builtin("Deployment"), {d}, "None", "7", "");
  EXPECT_EQ(ColumnNames(t), (std::vector<std::string>{"Name", "Ready", "Up-to-date", "Available", "Age",
                                                      "Containers", "Images", "Selector"}));
  const yaml::Node& cells = Cells(t, 0);
  ASSERT_EQ(cells.size(), 8u);
  EXPECT_EQ(cells.items[0].Str(), "web");
  EXPECT_EQ(cells.items[1].Str(), "2/3");
  EXPECT_EQ(cells.items[6].Str(), "nginx:1");
  EXPECT_EQ(cells.items[7].Str(), "app=web");
  EXPECT_EQ(t.StrAt({"metadata", "resourceVersion"}), "7");
  EXPECT_FALSE(t.Get("rows")->items[0].Has("object"));
}

TEST(TableTest, SecretAndConfigMapCountEntries) {
  yaml::Node s = yaml::ParseJson(R"({"kind":"Secret","metadata":{"name":"s"},"type":"kubernetes.io/tls",
    "data":{"tls.crt":"eA==","tls.key":"eA=="}})");
  yaml::Node t = ToTable(Builtin("Secret"), {s}, "Metadata", "", "");
  EXPECT_EQ(ColumnNames(t), (std::vector<std::string>{"Name", "Type", "Data", "Age"}));
  EXPECT_EQ(Cells(t, 0).items[1].Str(), "kubernetes.io/tls");
  EXPECT_EQ(Cells(t, 0).items[2].Str(), "2");
  EXPECT_EQ(t.Get("rows")->items[0].StrAt({"object", "kind"}), "PartialObjectMetadata");
  yaml::Node cm = yaml::ParseJson(R"({"kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}})");
  yaml::Node t2 = ToTable(Builtin("ConfigMap"), {cm}, "None", "", "");
  EXPECT_EQ(ColumnNames(t2), (std::vector<std::string>{"Name", "Data", "Age"}));
  EXPECT_EQ(Cells(t2, 0).items[1].Str(), "1");
}

TEST(TableTest, KindWithoutPrinterGetsNameAndCreatedAt) {
  yaml::Node o = yaml::ParseJson(R"({"kind":"Role","metadata":{"name":"r","creationTimestamp":"2024-01-01T00:00:00Z"}})");
  yaml::Node t = ToTable(Builtin("Role"), {o}, "None", "", "");
  EXPECT_EQ(ColumnNames(t), (std::vector<std::string>{"Name", "Created At"}));
  EXPECT_EQ(Cells(t, 0).items[1].Str(), "2024-01-01T00:00:00Z");
}

TEST(TableTest, CustomResourceUsesPrinterColumns) {
  ResourceInfo r;
  r.kind = "Widget";
  r.custom = true;
  r.columns.push_back({"Size", "integer", "", "widget size", ".spec.size", 0});
  yaml::Node o = yaml::ParseJson(R"({"kind":"Widget","metadata":{"name":"w"},"spec":{"size":4}})");
  yaml::Node t = ToTable(r, {o}, "None", "", "");
  EXPECT_EQ(ColumnNames(t), (std::vector<std::string>{"Name", "Size"}));
  EXPECT_EQ(Cells(t, 0).items[1].Str(), "4");
}

}  // namespace
}  // namespace capstan::cluster
