#include "diff/jq_path.h"

#include <gtest/gtest.h>

#include "yaml/yaml.h"

namespace capstan::diff {
namespace {

yaml::Node Y(std::string_view text) { return yaml::ParseOne(text); }

yaml::Node Del(std::string_view expr, std::string_view doc) {
  yaml::Node n = Y(doc);
  DeletePaths(n, JqPath::Parse(expr).Paths(n));
  return n;
}

TEST(JqPath, SimpleField) {
  auto n = Del(".spec.replicas", "spec: {replicas: 3, paused: true}");
  EXPECT_EQ(n, Y("spec: {paused: true}"));
}

TEST(JqPath, MissingFieldIsNoOp) {
  auto n = Del(".spec.nothing.here", "spec: {replicas: 3}");
  EXPECT_EQ(n, Y("spec: {replicas: 3}"));
}

TEST(JqPath, QuotedAndBracketKeys) {
  EXPECT_EQ(Del(".metadata.annotations.\"a.b/c\"", "metadata: {annotations: {a.b/c: x, d: y}}"),
            Y("metadata: {annotations: {d: y}}"));
  EXPECT_EQ(Del(".metadata.annotations[\"a.b/c\"]", "metadata: {annotations: {a.b/c: x, d: y}}"),
            Y("metadata: {annotations: {d: y}}"));
}

TEST(JqPath, IterateOptional) {
  auto n = Del(".a.b[]?.c", "a: {b: [{c: 1, d: 2}, {c: 3}]}");
  EXPECT_EQ(n, Y("a: {b: [{d: 2}, {}]}"));
  // `?` swallows iterating over null.
  EXPECT_EQ(Del(".x[]?.c", "a: 1"), Y("a: 1"));
}

TEST(JqPath, IterateOverNullIsAnError) {
  yaml::Node n = Y("a: 1");
  EXPECT_THROW(JqPath::Parse(".x[].c").Paths(n), JqError);
}

TEST(JqPath, SelectByName) {
  auto n = Del(".spec.template.spec.containers[] | select(.name == \"x\") .image",
               "spec: {template: {spec: {containers: [{name: x, image: a}, {name: y, image: b}]}}}");
  EXPECT_EQ(n, Y("spec: {template: {spec: {containers: [{name: x}, {name: y, image: b}]}}}"));
}

TEST(JqPath, SelectDeletesWholeElementsHighestIndexFirst) {
  auto n = Del(".items[] | select(.keep != true)", "items: [{a: 1}, {keep: true}, {a: 2}, {a: 3}]");
  EXPECT_EQ(n, Y("items: [{keep: true}]"));
}

TEST(JqPath, SelectWithFunctionsAndLogic) {
  const char* doc = "env: [{name: AWS_KEY, value: a}, {name: HOME, value: b}, {name: AWS_X, value: c}]";
  EXPECT_EQ(Del(".env[] | select(.name | startswith(\"AWS_\"))", doc), Y("env: [{name: HOME, value: b}]"));
  EXPECT_EQ(Del(".env[] | select(.name | test(\"^A.*Y$\"))", doc),
            Y("env: [{name: HOME, value: b}, {name: AWS_X, value: c}]"));
  EXPECT_EQ(Del(".env[] | select(.name == \"HOME\" or .value == \"c\")", doc),
            Y("env: [{name: AWS_KEY, value: a}]"));
  EXPECT_EQ(Del(".env[] | select(.name != \"HOME\" and (.value == \"a\"))", doc),
            Y("env: [{name: HOME, value: b}, {name: AWS_X, value: c}]"));
}

TEST(JqPath, IndexAndNegativeIndex) {
  EXPECT_EQ(Del(".l[0]", "l: [1, 2, 3]"), Y("l: [2, 3]"));
  EXPECT_EQ(Del(".l[-1]", "l: [1, 2, 3]"), Y("l: [1, 2]"));
}

TEST(JqPath, ParseErrorsAreOneLine) {
  for (const char* bad : {"", ".a[", "select(.a ==", ".a | foo(1)", ".a]", "..a"}) {
    try {
      JqPath::Parse(bad);
      ADD_FAILURE() << "parsed: " << bad;
    } catch (const JqError& e) {
      std::string msg = e.what();
      EXPECT_EQ(msg.find('\n'), std::string::npos);
      EXPECT_NE(msg.find("jq path expression"), std::string::npos);
    }
  }
}

TEST(JqPath, IndexPastInt64IsAParseError) {
  EXPECT_THROW(JqPath::Parse(".a[99999999999999999999]"), JqError);
  EXPECT_THROW(JqPath::Parse(".a[-99999999999999999999]"), JqError);
  EXPECT_NO_THROW(JqPath::Parse(".a[-1]"));
}

TEST(JqPath, DeepNestingIsAParseErrorNotAStackOverflow) {
  EXPECT_THROW(JqPath::Parse(std::string(100000, '(') + "."), JqError);
  EXPECT_NO_THROW(JqPath::Parse(std::string(50, '(') + "." + std::string(50, ')')));
}

}  // namespace
}  // namespace capstan::diff
