#include <gtest/gtest.h>

#include "yaml/json_string.h"
#include "yaml/yaml.h"

namespace capstan::yaml {
namespace {

TEST(JsonTest, ParseKeepsTypesTextAndOrder) {
  Node n = ParseJson(
      R"({"z": 1, "a": -0, "f": 1.0, "e": 1E+3, "big": 123456789012345678901234567890,)"
      R"( "s": "q\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "t": true, "n": null, "arr": [1, "1", []], "o": {}})");
  ASSERT_TRUE(n.IsMap());
  EXPECT_EQ(n.fields[0].key.value, "z");
  EXPECT_EQ(n.fields[1].key.value, "a");
  EXPECT_TRUE(n.Get("z")->IsInt());
  EXPECT_EQ(n.Get("a")->value, "-0");
  EXPECT_TRUE(n.Get("f")->IsFloat());
  EXPECT_EQ(n.Get("f")->value, "1.0");
  EXPECT_EQ(n.Get("e")->value, "1E+3");
  EXPECT_TRUE(n.Get("big")->IsInt());
  EXPECT_EQ(n.Get("big")->value, "123456789012345678901234567890");
  EXPECT_EQ(n.Get("s")->value, "q\"\\/\b\f\n\r\t\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_TRUE(n.Get("t")->AsBool());
  EXPECT_TRUE(n.Get("n")->IsNull());
  EXPECT_TRUE(n.Get("arr")->items[1].IsString());
  EXPECT_TRUE(n.Get("arr")->items[2].IsSeq());
  EXPECT_TRUE(n.Get("o")->IsMap());
}

TEST(JsonTest, ScalarDocuments) {
  EXPECT_EQ(ParseJson("42").value, "42");
  EXPECT_TRUE(ParseJson(" \"x\" ").IsString());
  EXPECT_TRUE(ParseJson("null").IsNull());
  EXPECT_TRUE(ParseJson("false").IsBool());
}

TEST(JsonTest, RejectsInvalidJson) {
  const char* bad[] = {"", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "[01]", "[1.]", "[.5]",
                       "{\"a\" 1}", "[1] [2]", "nul", "[\"\\x\"]", "[1e]", "tru", "{\"a\":1}}",
                       "\"\xFF\"", "\"x\" y", "1 2", "true false", "null x"};
  for (const char* text : bad) {
    EXPECT_THROW(ParseJson(text, "body.json"), ParseError) << text;
  }
  try {
    ParseJson("{\n  \"a\": [1, 2,]\n}", "body.json");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("body.json: line ", 0), 0u) << e.what();
  }
}

TEST(JsonTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  EXPECT_THROW(ParseJson(deep), ParseError);
  deep += std::string(100000, ']');
  EXPECT_THROW(ParseJson(deep), ParseError);
}

TEST(JsonTest, AppendJsonStringEscapesAsGoBefore122) {
  std::string out = "x";
  AppendJsonString(&out, std::string("q\"\\\n\r\t\b\f\x01\x1f<&> \xc3\xa9", 16));
  EXPECT_EQ(out, "x\"q\\\"\\\\\\n\\r\\t\\u0008\\u000c\\u0001\\u001f<&> \xc3\xa9\"");
  std::string nul;
  AppendJsonString(&nul, std::string_view("\0", 1));
  EXPECT_EQ(nul, "\"\\u0000\"");
}

TEST(JsonTest, EmitCompactAndIndented) {
  Node n = ParseOne("b: 1\na: [x, 2.5, true, null, {}, []]\nc: {d: \"q\\\"\\n\\t\\u0001\"}\n");
  EXPECT_EQ(EmitJson(n), R"({"b":1,"a":["x",2.5,true,null,{},[]],"c":{"d":"q\"\n\t\u0001"}})");
  EXPECT_EQ(EmitJson(n, 2),
            "{\n  \"b\": 1,\n  \"a\": [\n    \"x\",\n    2.5,\n    true,\n    null,\n    {},\n"
            "    []\n  ],\n  \"c\": {\n    \"d\": \"q\\\"\\n\\t\\u0001\"\n  }\n}");
}

TEST(JsonTest, EmitScalarsByTag) {
  Node n = ParseOne(
      "hex: 0x10\noct: 0o17\nunder: 1_000\nplus: +5\nf1: 1.\nf2: .5\nf3: 1e3\nbool: True\n"
      "inf: .inf\nstr: '1'\nts: 2024-01-02\ncustom: !Ref x\nnull: ~\nyes: yes\n");
  EXPECT_EQ(EmitJson(n),
            R"({"hex":16,"oct":15,"under":1000,"plus":5,"f1":1,"f2":0.5,"f3":1e3,"bool":true,)"
            R"("inf":".inf","str":"1","ts":"2024-01-02","custom":"x","null":null,"yes":"yes"})");
  EXPECT_EQ(EmitJson(Node::String("a\xC3\xA9")), "\"a\xC3\xA9\"");
  EXPECT_EQ(EmitJson(Node()), "null");
}

// What kubectl stores in last-applied-configuration: Go json.Marshal of the
// object (sorted keys, HTML-safe escapes, numbers from their value).
TEST(JsonTest, EmitSortedLikeGo) {
  Node n = ParseOne(
      "spec:\n  z: 1.0\n  a: 0x10\n  f: 1234567.5\n  g: 1e-7\n  h: 1e21\n  t: 2024-01-02\n"
      "  s: \"<a&b>\\u2028\"\n  b: yes\n  n: ~\n  l: [2, 1]\n"
      "kind: X\napiVersion: v1\n");
  EXPECT_EQ(EmitJsonSorted(n),
            R"({"apiVersion":"v1","kind":"X","spec":{"a":16,"b":"yes","f":1234567.5,"g":1e-7,)"
            R"("h":1e+21,"l":[2,1],"n":null,"s":"\u003ca\u0026b\u003e\u2028",)"
            R"("t":"2024-01-02T00:00:00Z","z":1}})");
}

TEST(JsonTest, RoundTrip) {
  const char* text = R"({"a":[1,-2.5e-3,"x\"y",{"b":null}],"c":true,"big":123456789012345678901234})";
  EXPECT_EQ(EmitJson(ParseJson(text)), text);
  EXPECT_EQ(EmitJson(ParseOne(text)), text);
}

}  // namespace
}  // namespace capstan::yaml
