#include <gtest/gtest.h>

#include <cmath>

#include "yaml/yaml.h"

namespace capstan::yaml {
namespace {

TEST(NodeTest, Constructors) {
  EXPECT_TRUE(Node::Null().IsNull());
  EXPECT_TRUE(Node().IsNull());
  EXPECT_TRUE(Node::String("1").IsString());
  EXPECT_EQ(Node::String("x").value, "x");
  EXPECT_EQ(Node::Int(-42).value, "-42");
  EXPECT_TRUE(Node::Int(1).IsInt());
  EXPECT_EQ(Node::Bool(true).value, "true");
  EXPECT_TRUE(Node::Map().IsMap());
  EXPECT_TRUE(Node::Seq().IsSeq());
  EXPECT_TRUE(Node::Scalar("", kNullTag).IsNull());
  EXPECT_TRUE(Node::Scalar("5", kIntTag).IsInt());
}

TEST(NodeTest, FloatsPrintLikeGo) {
  EXPECT_EQ(Node::Float(1.5).value, "1.5");
  EXPECT_EQ(Node::Float(1).value, "1");
  EXPECT_EQ(Node::Float(1e6).value, "1e+06");
  EXPECT_EQ(Node::Float(123456).value, "123456");
  EXPECT_EQ(Node::Float(0.0001).value, "0.0001");
  EXPECT_EQ(Node::Float(0.00001).value, "1e-05");
  EXPECT_EQ(Node::Float(1234567.5).value, "1.2345675e+06");
  EXPECT_EQ(Node::Float(-2.25).value, "-2.25");
  EXPECT_EQ(Node::Float(INFINITY).value, ".inf");
  EXPECT_EQ(Node::Float(-INFINITY).value, "-.inf");
  EXPECT_EQ(Node::Float(NAN).value, ".nan");
}

TEST(NodeTest, ScalarAccessors) {
  EXPECT_EQ(Node::Scalar("0x10", kIntTag).AsInt(), 16);
  EXPECT_EQ(Node::Scalar("017", kIntTag).AsInt(), 15);
  EXPECT_EQ(Node::Scalar("0o17", kIntTag).AsInt(), 15);
  EXPECT_EQ(Node::Scalar("-0b11", kIntTag).AsInt(), -3);
  EXPECT_EQ(Node::Scalar("1_000", kIntTag).AsInt(), 1000);
  EXPECT_EQ(Node::Scalar("-9223372036854775808", kIntTag).AsInt(), INT64_MIN);
  EXPECT_EQ(Node::Scalar("99999999999999999999", kIntTag).AsInt(7), 7);
  EXPECT_EQ(Node::String("12").AsInt(7), 7);  // a string is not an int
  EXPECT_DOUBLE_EQ(Node::Scalar("1e3", kFloatTag).AsFloat(), 1000);
  EXPECT_DOUBLE_EQ(Node::Scalar("3", kIntTag).AsFloat(), 3);
  EXPECT_TRUE(std::isinf(Node::Scalar("-.inf", kFloatTag).AsFloat()));
  EXPECT_TRUE(std::isnan(Node::Scalar(".NaN", kFloatTag).AsFloat()));
  EXPECT_DOUBLE_EQ(Node::String("1.5").AsFloat(-1), -1);
  EXPECT_TRUE(Node::Scalar("True", kBoolTag).AsBool());
  EXPECT_FALSE(Node::Scalar("FALSE", kBoolTag).AsBool(true));
  EXPECT_TRUE(Node::String("true").AsBool(true));
  EXPECT_FALSE(Node::String("true").AsBool(false));
}

TEST(NodeTest, MappingEditing) {
  Node n;  // null turns into a mapping on Set
  n.Set("b", Node::Int(1));
  n.Set("a", Node::String("x"));
  n.Set("b", Node::Int(2));  // replaced in place
  ASSERT_TRUE(n.IsMap());
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n.fields[0].key.value, "b");
  EXPECT_EQ(n.Get("b")->value, "2");
  EXPECT_EQ(n.Get("missing"), nullptr);
  EXPECT_TRUE(n.Has("a"));
  Node& meta = n.GetOrCreateMap("metadata");
  meta.Set("name", Node::String("web"));
  EXPECT_EQ(n.StrAt({"metadata", "name"}), "web");
  EXPECT_EQ(n.StrAt({"metadata", "namespace"}, "default"), "default");
  EXPECT_EQ(n.At({"metadata", "name", "deeper"}), nullptr);
  EXPECT_EQ(n.StrAt({"metadata"}, "fallback"), "fallback");  // not a scalar
  EXPECT_TRUE(n.Remove("a"));
  EXPECT_FALSE(n.Remove("a"));
  EXPECT_EQ(n.size(), 2u);
  EXPECT_EQ(Node::String("x").Get("a"), nullptr);
  // GetOrCreateMap turns a null field into a mapping.
  Node m = Node::Map();
  m.Set("labels", Node::Null());
  m.GetOrCreateMap("labels").Set("app", Node::String("x"));
  EXPECT_EQ(m.StrAt({"labels", "app"}), "x");
}

TEST(NodeTest, Equality) {
  Node a = ParseOne("x: 1\ny: [a, b]\nz: {p: q}\n");
  Node b = ParseOne("z:\n  p: q\ny:\n- a\n- b\nx: 1\n");
  EXPECT_EQ(a, b);  // key order and style do not matter
  EXPECT_NE(a, ParseOne("x: '1'\ny: [a, b]\nz: {p: q}\n"));  // int vs string
  EXPECT_NE(a, ParseOne("x: 1\ny: [b, a]\nz: {p: q}\n"));    // sequence order matters
  EXPECT_NE(a, ParseOne("x: 1\ny: [a, b]\n"));
  EXPECT_EQ(ParseOne("a: 0x10"), ParseOne("a: 16"));
  EXPECT_EQ(ParseOne("a: 1.0"), ParseOne("a: 1"));
  EXPECT_EQ(ParseOne("a: TRUE"), ParseOne("a: true"));
  EXPECT_EQ(ParseOne("a: ~"), ParseOne("a: null"));
  EXPECT_NE(ParseOne("a: 1.5"), ParseOne("a: 1"));
}

}  // namespace
}  // namespace capstan::yaml
