#include <gtest/gtest.h>

#include "resource/patch.h"
#include "resource/test_util.h"
#include "yaml/yaml.h"

namespace capstan::resource {
namespace {

yaml::Node J(const char* text) { return yaml::ParseJson(text); }

struct Rfc7386Case {
  const char* target;
  const char* patch;
  const char* result;
};

// RFC 7386 Appendix A.
TEST(MergePatch, Rfc7386AppendixA) {
  const Rfc7386Case cases[] = {
      {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
      {R"({"a":"b"})", R"({"a":null})", R"({})"},
      {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
      {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
      {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
      {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
      {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
      {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
      {R"({"a":"foo"})", R"(null)", R"(null)"},
      {R"({"a":"foo"})", R"("bar")", R"("bar")"},
      {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
      {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
      {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
  };
  for (const auto& c : cases) {
    yaml::Node got = ApplyMergePatch(J(c.target), J(c.patch));
    EXPECT_EQ(got, J(c.result)) << c.target << " + " << c.patch << " gave " << yaml::EmitJson(got);
  }
}

TEST(MergePatch, KeepsOrderTagsAndStylesOfUntouchedValues) {
  yaml::Node target = yaml::ParseOne("b: '1'\na: yes\nc:\n  d: 0x1F\n  e: old\n");
  yaml::Node patch = yaml::ParseOne("c:\n  e: new\nf: 2\n");
  yaml::Node out = ApplyMergePatch(target, patch);
  ASSERT_EQ(out.fields.size(), 4u);
  EXPECT_EQ(out.fields[0].key.Str(), "b");
  EXPECT_EQ(out.fields[1].key.Str(), "a");
  EXPECT_EQ(out.fields[3].key.Str(), "f");
  EXPECT_TRUE(out.Get("b")->IsString());
  EXPECT_EQ(out.Get("b")->style, yaml::Style::kSingleQuoted);
  EXPECT_TRUE(out.Get("a")->IsString());  // "yes" is a string in YAML 1.2
  EXPECT_EQ(out.At({"c", "d"})->value, "0x1F");
  EXPECT_EQ(out.StrAt({"c", "e"}), "new");
}

TEST(MergePatch, DoesNotModifyInputs) {
  yaml::Node target = J(R"({"a":{"b":1}})");
  yaml::Node patch = J(R"({"a":{"b":null}})");
  yaml::Node t2 = target, p2 = patch;
  ApplyMergePatch(target, patch);
  EXPECT_EQ(target, t2);
  EXPECT_EQ(patch, p2);
}

}  // namespace
}  // namespace capstan::resource
