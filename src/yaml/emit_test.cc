#include <gtest/gtest.h>

#include "yaml/yaml.h"

namespace capstan::yaml {
namespace {

std::string Canon(const char* text) { return EmitYamlStream(ParseAll(text)); }
std::string Keep(const char* text) { return EmitYamlStreamPreserving(ParseAll(text)); }

TEST(EmitYamlTest, LayoutLikeKustomize) {
  EXPECT_EQ(Canon("spec:\n  containers:\n    - name: x\n      args: [a, b]\n"),
            "spec:\n  containers:\n  - args:\n    - a\n    - b\n    name: x\n");
  EXPECT_EQ(Canon("- - a\n  - b\n- {}\n- []\n- k: v\n"), "- - a\n  - b\n- {}\n- []\n- k: v\n");
  EXPECT_EQ(Canon("a: 1\n---\nb: 2\n"), "a: 1\n---\nb: 2\n");
  EXPECT_EQ(Canon("just a string\n"), "just a string\n");
  EXPECT_EQ(Canon("[]\n"), "[]\n");
}

TEST(EmitYamlTest, CanonicalScalars) {
  EXPECT_EQ(Canon("a: 1.0\nb: 0x10\nc: 1e3\nd: .5\ne: TRUE\nf: ~\ng:\nh: 2024-01-02\n"),
            "a: 1\nb: 16\nc: 1000\nd: 0.5\ne: true\nf: null\ng: null\n"
            "h: \"2024-01-02T00:00:00Z\"\n");
  EXPECT_EQ(Canon("a: yes\nb: 'no'\nc: \"1\"\nd: \"\"\ne: on\nf: 1:20\ng: '*'\n"),
            "a: \"yes\"\nb: \"no\"\nc: \"1\"\nd: \"\"\ne: \"on\"\nf: \"1:20\"\ng: '*'\n");
  EXPECT_EQ(Canon("a: !Ref x\nb: !!str 1\nc: !!int \"2\"\n"), "a: x\nb: \"1\"\nc: 2\n");
  // Checked against kubectl kustomize.
  EXPECT_EQ(Canon("a: !!binary aGVsbG8=\nb: !!float 1\nc: !!str true\nd: !!null \"\"\n"
                  "e: !!timestamp 2024-01-02\nf: !!int 0x10\n"),
            "a: hello\nb: 1\nc: \"true\"\nd: null\ne: \"2024-01-02T00:00:00Z\"\nf: 16\n");
  EXPECT_EQ(Canon("a: 2024-02-30\nb: \"2024-02-30\"\nc: 2024-02-29\nd: 2001-12-14T24:00:00Z\n"
                  "e: 2001-12-14t21:59:43.10-05:00\n"),
            "a: 2024-02-30\nb: 2024-02-30\nc: \"2024-02-29T00:00:00Z\"\nd: 2001-12-14T24:00:00Z\n"
            "e: \"2001-12-14T21:59:43.1-05:00\"\n");
}

TEST(EmitYamlTest, BlockScalars) {
  EXPECT_EQ(Canon("a: \"x\\ny\\n\"\nb: \"x\\ny\"\nc: \"x\\n\\n\"\nd: \"  x\\ny\\n\"\n"),
            "a: |\n  x\n  y\nb: |-\n  x\n  y\nc: |+\n  x\n\nd: |2\n    x\n  y\n");
  // Trailing spaces before a line break cannot be a block scalar.
  EXPECT_EQ(Canon("a: \"x  \\ny\"\n"), "a: \"x  \\ny\"\n");
  EXPECT_EQ(Canon("- \"x\\ny\\n\"\n"), "- |\n  x\n  y\n");
  // Literal lines are never folded.
  std::string long_line(100, 'x');
  EXPECT_EQ(EmitYaml(ParseOne("a: \"" + long_line + " y\\n\"")),
            "a: |\n  " + long_line + " y\n");
}

// Checked against kubectl kustomize: a space past column 80 becomes a line
// break; in double quotes a following space is kept with "\ ".
TEST(EmitYamlTest, FoldsLongScalarsAtColumn80) {
  const char* input = R"yaml(apiVersion: v1
kind: ConfigMap
metadata:
  name: fold
data:
  plain: word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word12 word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23 word24
  single: 'it''s word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word12 word13 word14 word15'
  double: "tab\t word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word12  word13 word14 word15"
  double2: "tab\t word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word1  word13 word14 word15"
)yaml";
  const char* expected = R"yaml(apiVersion: v1
data:
  double: "tab\t word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word12
    \ word13 word14 word15"
  double2: "tab\t word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word1
    \ word13 word14 word15"
  plain: word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11
    word12 word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23
    word24
  single: it's word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11
    word12 word13 word14 word15
kind: ConfigMap
metadata:
  name: fold
)yaml";
  EXPECT_EQ(EmitYaml(ParseOne(input)), expected);
}

TEST(EmitYamlTest, CodeBuiltNodes) {
  Node n = Node::Map();
  n.Set("s", Node::String("true"));
  n.Set("y", Node::String("y"));
  n.Set("i", Node::Int(3));
  n.Set("n", Node());
  n.Set("f", Node::Float(2.5));
  n.Set("empty", Node::String(""));
  n.Set("multi", Node::String("a\nb"));
  n.Set("m", Node::Map());
  EXPECT_EQ(EmitYaml(n),
            "empty: \"\"\nf: 2.5\ni: 3\nm: {}\nmulti: |-\n  a\n  b\n\"n\": null\ns: \"true\"\n"
            "\"y\": \"y\"\n");
  EXPECT_EQ(EmitYamlPreserving(n),
            "s: \"true\"\n\"y\": \"y\"\ni: 3\n\"n\": null\nf: 2.5\nempty: \"\"\nmulti: |-\n  a\n  b\n"
            "m: {}\n");
}

// go-yaml v3 node encoding. (Its folded writer adds a blank line before a
// final line break; reading it back gives the same value.)
TEST(EmitYamlTest, PreservingKeepsOrderStylesTagsAndFlow) {
  const char* text =
      "z: 1.0\n"
      "a: 'single'\n"
      "b: \"double\"\n"
      "c: yes\n"
      "d: [x, 'y', {k: v}]\n"
      "e: {}\n"
      "f: !Ref name\n"
      "g: !!str 1\n"
      "h: >\n  folded\n  text\n"
      "i:\n"
      "j: ~\n"
      "k: 0x10\n"
      "l:\n- 1\n- two\n";
  EXPECT_EQ(Keep(text),
            "z: 1.0\na: 'single'\nb: \"double\"\nc: yes\nd: [x, 'y', {k: v}]\ne: {}\n"
            "f: !Ref name\ng: !!str 1\nh: >\n  folded text\n\ni:\nj: ~\nk: 0x10\nl:\n- 1\n- two\n");
}

TEST(EmitYamlTest, PreservingBreaksLongFlowSequences) {
  std::string items;
  for (int i = 0; i < 12; ++i) items += (i ? ", " : "") + std::string("item-number-") + std::to_string(i);
  std::string out = EmitYamlPreserving(ParseOne("key: [" + items + "]\n"));
  EXPECT_EQ(out,
            "key: [item-number-0, item-number-1, item-number-2, item-number-3, item-number-4, item-number-5,\n"
            "  item-number-6, item-number-7, item-number-8, item-number-9, item-number-10, item-number-11]\n");
  EXPECT_EQ(ParseOne(out), ParseOne("key: [" + items + "]\n"));
}

TEST(EmitYamlTest, PreservingComplexKeysInFlowMappings) {
  Node n = ParseOne("{? {a: b} : c, ? [x] : y, k: v}");
  std::string out = EmitYamlPreserving(n);
  EXPECT_EQ(out, "{? {a: b} : c, ? [x] : y, k: v}\n");
  EXPECT_EQ(ParseOne(out), n);
}

TEST(EmitYamlTest, PreservingTaggedDocuments) {
  EXPECT_EQ(Keep("!foo {}\n"), "!foo {}\n");
  EXPECT_EQ(Keep("!foo [a]\n"), "!foo [a]\n");
  EXPECT_EQ(Keep("!foo\na: b\n"), "!foo\na: b\n");
  EXPECT_EQ(Keep("!foo x\n"), "!foo x\n");
  EXPECT_EQ(Keep("!!binary%1a; x\n"), "!!binary%1A; x\n");  // fuzz finding: control char in tag
  EXPECT_EQ(Keep("- !foo {}\n- !bar\n  a: b\n"), "- !foo {}\n- !bar\n  a: b\n");
}

TEST(EmitYamlTest, KeysThatNeedQuoting) {
  EXPECT_EQ(Canon("'': a\n'1': b\n'on': c\n'a: b': d\n'-': e\n"),
            "\"\": a\n'-': e\n\"1\": b\n'a: b': d\n\"on\": c\n");
  std::string long_key(130, 'k');
  EXPECT_EQ(EmitYaml(ParseOne(long_key + ": v")), "? " + long_key + "\n: v\n");
}

TEST(EmitYamlTest, InvalidUtf8FromCodeIsReplacedLikeJsonMarshal) {
  Node n = Node::Map();
  n.Set("k", Node::String("a\xFF" "b"));
  EXPECT_EQ(EmitYaml(n), "k: a\xEF\xBF\xBD" "b\n");
  EXPECT_NO_THROW(ParseOne(EmitYamlPreserving(n)));  // !!binary there
}

// Checked against kubectl kustomize (JSON input): multi-line keys, quoted
// keys, U+2028 kept raw in single quotes, U+0085 folded into a space.
TEST(EmitYamlTest, OddKeysAndLineSeparators) {
  Node n = ParseJson(
      R"({"data": {"a\nb": "multikey", "t ": "trail", "- a": "dash", "x": "v\u2028w", "y": "a\u0085b",)"
      R"( "z": {"a\nb": {"c": [1, {"d": "e"}]}}}})");
  EXPECT_EQ(EmitYaml(n),
            "data:\n  '- a': dash\n  ? |-\n    a\n    b\n  : multikey\n  't ': trail\n"
            "  x: 'v\xE2\x80\xA8    w'\n  \"y\": a b\n  z:\n    ? |-\n      a\n      b\n"
            "    : c:\n      - 1\n      - d: e\n");
}

TEST(EmitYamlTest, EscapesInDoubleQuotes) {
  EXPECT_EQ(Canon("a: \"tab\\there\"\nb: \"\\u00e9\\U0001F600\"\nc: \"x\\u0007y\"\n"),
            "a: \"tab\\there\"\nb: \"\xC3\xA9\\U0001F600\"\nc: \"x\\ay\"\n");
  EXPECT_EQ(EmitYamlPreserving(ParseOne("c: \"x\\u0085y\"\n")), "c: \"x\\Ny\"\n");
}

}  // namespace
}  // namespace capstan::yaml
