#include <gtest/gtest.h>

#include "resource/patch.h"
#include "resource/test_util.h"
#include "yaml/yaml.h"

namespace capstan::resource {
namespace {

yaml::Node J(const char* text) { return yaml::ParseJson(text); }

void ExpectPatch(const char* doc, const char* patch, const char* want) {
  yaml::Node got = ApplyJsonPatch(J(doc), J(patch));
  EXPECT_EQ(got, J(want)) << patch << " gave " << yaml::EmitJson(got);
}

std::string PatchError(const char* doc, const char* patch) {
  try {
    ApplyJsonPatch(J(doc), J(patch));
  } catch (const resource::PatchError& e) {
    return e.what();
  }
  return "";
}

// RFC 6902 Appendix A.
TEST(JsonPatch, A1AddObjectMember) {
  ExpectPatch(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux"}])", R"({"baz":"qux","foo":"bar"})");
}
TEST(JsonPatch, A2AddArrayElement) {
  ExpectPatch(R"({"foo":["bar","baz"]})", R"([{"op":"add","path":"/foo/1","value":"qux"}])",
              R"({"foo":["bar","qux","baz"]})");
}
TEST(JsonPatch, A3RemoveObjectMember) {
  ExpectPatch(R"({"baz":"qux","foo":"bar"})", R"([{"op":"remove","path":"/baz"}])", R"({"foo":"bar"})");
}
TEST(JsonPatch, A4RemoveArrayElement) {
  ExpectPatch(R"({"foo":["bar","qux","baz"]})", R"([{"op":"remove","path":"/foo/1"}])", R"({"foo":["bar","baz"]})");
}
TEST(JsonPatch, A5ReplaceValue) {
  ExpectPatch(R"({"baz":"qux","foo":"bar"})", R"([{"op":"replace","path":"/baz","value":"boo"}])",
              R"({"baz":"boo","foo":"bar"})");
}
TEST(JsonPatch, A6MoveValue) {
  ExpectPatch(R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
              R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])",
              R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})");
}
TEST(JsonPatch, A7MoveArrayElement) {
  ExpectPatch(R"({"foo":["all","grass","cows","eat"]})", R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])",
              R"({"foo":["all","cows","eat","grass"]})");
}
TEST(JsonPatch, A8TestSuccess) {
  ExpectPatch(R"({"baz":"qux","foo":["a",2,"c"]})",
              R"([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}])",
              R"({"baz":"qux","foo":["a",2,"c"]})");
}
TEST(JsonPatch, A9TestError) {
  std::string err = PatchError(R"({"baz":"qux"})", R"([{"op":"test","path":"/baz","value":"bar"}])");
  EXPECT_NE(err.find("test"), std::string::npos) << err;
  EXPECT_NE(err.find("/baz"), std::string::npos) << err;
}
TEST(JsonPatch, A10AddNestedMember) {
  ExpectPatch(R"({"foo":"bar"})", R"([{"op":"add","path":"/child","value":{"grandchild":{}}}])",
              R"({"foo":"bar","child":{"grandchild":{}}})");
}
TEST(JsonPatch, A11IgnoreUnrecognizedElements) {
  ExpectPatch(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux","xyz":123}])",
              R"({"foo":"bar","baz":"qux"})");
}
TEST(JsonPatch, A12AddToNonexistentTarget) {
  std::string err = PatchError(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz/bat","value":"qux"}])");
  EXPECT_NE(err.find("add /baz/bat"), std::string::npos) << err;
}
TEST(JsonPatch, A14EscapeOrdering) {
  ExpectPatch(R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":10}])", R"({"/":9,"~1":10})");
}
TEST(JsonPatch, A15StringsAndNumbersDiffer) {
  EXPECT_NE(PatchError(R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":"10"}])"), "");
}
TEST(JsonPatch, A16AddArrayValue) {
  ExpectPatch(R"({"foo":["bar"]})", R"([{"op":"add","path":"/foo/-","value":["abc","def"]}])",
              R"({"foo":["bar",["abc","def"]]})");
}

// RFC 6901 section 5 pointers, checked through "test".
TEST(JsonPatch, Rfc6901Pointers) {
  const char* doc = R"({"foo":["bar","baz"],"":0,"a/b":1,"c%d":2,"e^f":3,"g|h":4,"i\\j":5,"k\"l":6," ":7,"m~n":8})";
  ExpectPatch(doc,
              R"([{"op":"test","path":"","value":)"
              R"({"foo":["bar","baz"],"":0,"a/b":1,"c%d":2,"e^f":3,"g|h":4,"i\\j":5,"k\"l":6," ":7,"m~n":8}},
                  {"op":"test","path":"/foo","value":["bar","baz"]},
                  {"op":"test","path":"/foo/0","value":"bar"},
                  {"op":"test","path":"/","value":0},
                  {"op":"test","path":"/a~1b","value":1},
                  {"op":"test","path":"/c%d","value":2},
                  {"op":"test","path":"/e^f","value":3},
                  {"op":"test","path":"/g|h","value":4},
                  {"op":"test","path":"/i\\j","value":5},
                  {"op":"test","path":"/k\"l","value":6},
                  {"op":"test","path":"/ ","value":7},
                  {"op":"test","path":"/m~0n","value":8}])",
              doc);
}

TEST(JsonPatch, ArrayIndexRules) {
  // "-" appends; size is a valid add position; beyond is not.
  ExpectPatch(R"({"a":[1,2]})", R"([{"op":"add","path":"/a/2","value":3}])", R"({"a":[1,2,3]})");
  EXPECT_NE(PatchError(R"({"a":[1,2]})", R"([{"op":"add","path":"/a/3","value":3}])"), "");
  EXPECT_NE(PatchError(R"({"a":[1,2]})", R"([{"op":"replace","path":"/a/2","value":3}])"), "");
  EXPECT_NE(PatchError(R"({"a":[1,2]})", R"([{"op":"remove","path":"/a/-"}])"), "");
  EXPECT_NE(PatchError(R"({"a":[1,2]})", R"([{"op":"add","path":"/a/01","value":3}])"), "");
  EXPECT_NE(PatchError(R"({"a":[1,2]})", R"([{"op":"add","path":"/a/x","value":3}])"), "");
  // Negative indices count from the end, as kustomize's json-patch library allows.
  ExpectPatch(R"({"a":[1,2,3]})", R"([{"op":"remove","path":"/a/-1"}])", R"({"a":[1,2]})");
}

TEST(JsonPatch, ErrorsNameOperationAndPath) {
  std::string err = PatchError(R"({"a":1})", R"([{"op":"replace","path":"/b","value":2}])");
  EXPECT_EQ(err.find('\n'), std::string::npos);
  EXPECT_NE(err.find("operation 0 (replace /b)"), std::string::npos) << err;
  EXPECT_NE(PatchError(R"({"a":1})", R"([{"op":"remove","path":"/b"}])"), "");
  EXPECT_NE(PatchError(R"({"a":1})", R"([{"op":"frobnicate","path":"/a"}])").find("unknown operation"),
            std::string::npos);
  EXPECT_NE(PatchError(R"({"a":1})", R"([{"op":"add","path":"/b"}])").find("value"), std::string::npos);
  EXPECT_NE(PatchError(R"({"a":1})", R"([{"path":"/b"}])"), "");
  EXPECT_NE(PatchError(R"({"a":1})", R"({"op":"add"})"), "");
  EXPECT_NE(PatchError(R"({"a":1})", R"([{"op":"add","path":"b","value":1}])"), "");
  EXPECT_NE(PatchError(R"({"a":{"b":1}})", R"([{"op":"move","from":"/a","path":"/a/c"}])"), "");
  EXPECT_NE(PatchError(R"({"a":1})", R"([{"op":"copy","from":"/x","path":"/y"}])"), "");
}

TEST(JsonPatch, CopyReplaceRootAndAtomicity) {
  ExpectPatch(R"({"a":{"b":1}})", R"([{"op":"copy","from":"/a","path":"/c"}])", R"({"a":{"b":1},"c":{"b":1}})");
  ExpectPatch(R"({"a":1})", R"([{"op":"replace","path":"","value":[1]}])", R"([1])");
  ExpectPatch(R"({"a":1})", R"([{"op":"move","from":"/a","path":"/a"}])", R"({"a":1})");
  yaml::Node doc = J(R"({"a":1})");
  EXPECT_THROW(ApplyJsonPatch(doc, J(R"([{"op":"add","path":"/b","value":2},{"op":"remove","path":"/zz"}])")),
               resource::PatchError);
  EXPECT_EQ(doc, J(R"({"a":1})"));  // input untouched
}

TEST(JsonPatch, KeepsStylesOfUntouchedValues) {
  yaml::Node doc = yaml::ParseOne("a: '007'\nb: [1, 2]\n");
  yaml::Node out = ApplyJsonPatch(doc, yaml::ParseOne("- {op: add, path: /c, value: x}\n"));
  EXPECT_EQ(out.Get("a")->style, yaml::Style::kSingleQuoted);
  EXPECT_TRUE(out.Get("a")->IsString());
  EXPECT_TRUE(out.Get("b")->flow);
  EXPECT_EQ(out.fields.back().key.Str(), "c");
}

}  // namespace
}  // namespace capstan::resource
