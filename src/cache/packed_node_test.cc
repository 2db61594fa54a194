#include "cache/packed_node.h"

#include <gtest/gtest.h>

#include "yaml/yaml.h"

namespace capstan::cache {
namespace {

// Every member, not only what operator== compares.
void ExpectIdentical(const yaml::Node& a, const yaml::Node& b) {
  ASSERT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.style, b.style);
  EXPECT_EQ(a.tag, b.tag);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.flow, b.flow);
  EXPECT_EQ(a.tagged, b.tagged);
  ASSERT_EQ(a.items.size(), b.items.size());
  for (size_t i = 0; i < a.items.size(); ++i) ExpectIdentical(a.items[i], b.items[i]);
  ASSERT_EQ(a.fields.size(), b.fields.size());
  for (size_t i = 0; i < a.fields.size(); ++i) {
    ExpectIdentical(a.fields[i].key, b.fields[i].key);
    ExpectIdentical(a.fields[i].value, b.fields[i].value);
  }
}

TEST(PackedNode, KeepsEveryMemberOfEveryNode) {
  std::string text = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 0x10
  paused: yes
  ratio: 1.50
  when: 2024-01-02
  nothing: ~
  custom: !thing {a: 1}
  forced: !!str 12
  script: |
    echo "hi"
    exit 0
  folded: >
    one
    two
  quoted: 'single'
  dq: "double\tquoted"
  list: [a, 'b', {c: d}]
  empty: {}
  long: )" + std::string(300, 'x') + "\n";
  for (const yaml::Node& doc : yaml::ParseAll(text)) {
    std::string packed = Pack(doc);
    ExpectIdentical(Unpack(packed), doc);
    EXPECT_LT(packed.size(), yaml::EmitJson(doc).size());
  }
  ExpectIdentical(Unpack(Pack(yaml::Node())), yaml::Node());
  yaml::Node json = yaml::ParseJson(R"({"a":[1,2.5,true,null,"s"],"b":{"c":{}}})");
  ExpectIdentical(Unpack(Pack(json)), json);
}

TEST(PackedNode, RefusesWhatPackDidNotMake) {
  std::string packed = Pack(yaml::ParseJson(R"({"a":"bc"})"));
  EXPECT_THROW(Unpack(packed.substr(0, packed.size() - 1)), std::invalid_argument);
  EXPECT_THROW(Unpack(packed + "x"), std::invalid_argument);
  EXPECT_THROW(Unpack(""), std::invalid_argument);
  EXPECT_THROW(Unpack(std::string("\x01\x40", 2)), std::invalid_argument);  // unknown tag index
}

}  // namespace
}  // namespace capstan::cache
