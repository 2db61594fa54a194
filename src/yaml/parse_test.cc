#include <gtest/gtest.h>

#include <string>

#include "yaml/yaml.h"

namespace capstan::yaml {
namespace {

TEST(ParseTest, MultiDocumentStreamDropsEmptyDocuments) {
  auto docs = ParseAll("# only a comment\n---\na: 1\n---\n---\n# c\n---\nnull\n---\n- x\n...\n");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].Get("a")->value, "1");
  EXPECT_TRUE(docs[1].IsSeq());
  EXPECT_TRUE(ParseAll("").empty());
  EXPECT_TRUE(ParseAll("# nothing\n").empty());
  EXPECT_TRUE(ParseOne("").IsNull());
  EXPECT_TRUE(ParseOne("---\n").IsNull());
}

TEST(ParseTest, ScalarTagsAndStyles) {
  Node n = ParseOne(
      "plain: yes\nint: 10\nfloat: 1.5\nbool: True\nnull1:\nnull2: ~\n"
      "dq: \"1\"\nsq: 'true'\nlit: |\n  a\n  b\nfold: >-\n  a\n  b\n"
      "tagged: !!str 1\nforced: !!int \"2\"\ncustom: !Ref x\n");
  auto tag = [&](const char* k) { return n.Get(k)->tag; };
  auto style = [&](const char* k) { return n.Get(k)->style; };
  EXPECT_EQ(tag("plain"), kStrTag);
  EXPECT_EQ(tag("int"), kIntTag);
  EXPECT_EQ(tag("float"), kFloatTag);
  EXPECT_EQ(tag("bool"), kBoolTag);
  EXPECT_TRUE(n.Get("null1")->IsNull());
  EXPECT_EQ(n.Get("null1")->value, "");
  EXPECT_TRUE(n.Get("null2")->IsNull());
  EXPECT_EQ(n.Get("null2")->value, "~");
  EXPECT_EQ(tag("dq"), kStrTag);
  EXPECT_EQ(style("dq"), Style::kDoubleQuoted);
  EXPECT_EQ(tag("sq"), kStrTag);
  EXPECT_EQ(style("sq"), Style::kSingleQuoted);
  EXPECT_EQ(n.Get("lit")->value, "a\nb\n");
  EXPECT_EQ(style("lit"), Style::kLiteral);
  EXPECT_EQ(n.Get("fold")->value, "a b");
  EXPECT_EQ(style("fold"), Style::kFolded);
  EXPECT_EQ(tag("tagged"), kStrTag);
  EXPECT_TRUE(n.Get("tagged")->tagged);
  EXPECT_EQ(tag("forced"), kIntTag);
  EXPECT_EQ(n.Get("forced")->AsInt(), 2);
  EXPECT_EQ(tag("custom"), "!Ref");
  EXPECT_EQ(style("plain"), Style::kPlain);
}

TEST(ParseTest, FlowCollectionsAndKeyOrder) {
  Node n = ParseOne("z: [1, 2]\na: {b: c}\nm: 1\n");
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(n.fields[0].key.value, "z");
  EXPECT_EQ(n.fields[2].key.value, "m");
  EXPECT_TRUE(n.Get("z")->flow);
  EXPECT_TRUE(n.Get("a")->flow);
  EXPECT_EQ(n.Get("z")->items.size(), 2u);
}

TEST(ParseTest, AnchorsAreExpanded) {
  Node n = ParseOne("a: &x {k: v}\nb: *x\nc: &s hello\nd: *s\n");
  EXPECT_EQ(*n.Get("a"), *n.Get("b"));
  EXPECT_EQ(n.Get("d")->value, "hello");
  // Editing the copy does not touch the original.
  n.Get("b")->Set("k", Node::String("changed"));
  EXPECT_EQ(n.StrAt({"a", "k"}), "v");
}

// Same result as kubectl kustomize for merge keys (see kubectl_probe_test):
// own keys first in their order, then keys only in the merged maps; own
// values win, and in a list of maps the earlier map wins.
TEST(ParseTest, MergeKeysLikeKyaml) {
  Node n = ParseOne(
      "base: &base {x: 1, y: 2, z: 3}\nother: &other {w: 0, y: 20}\n"
      "m1:\n  a: 0\n  <<: *base\n  y: 9\n"
      "m2:\n  <<: [*other, *base]\n  q: 1\n");
  const Node& m1 = *n.Get("m1");
  ASSERT_EQ(m1.size(), 4u);
  EXPECT_EQ(m1.fields[0].key.value, "a");
  EXPECT_EQ(m1.fields[1].key.value, "y");
  EXPECT_EQ(m1.Get("y")->value, "9");
  EXPECT_EQ(m1.Get("x")->value, "1");
  const Node& m2 = *n.Get("m2");
  ASSERT_EQ(m2.size(), 5u);
  EXPECT_EQ(m2.Get("y")->value, "20");
  EXPECT_EQ(m2.Get("w")->value, "0");
  EXPECT_EQ(m2.Get("z")->value, "3");
  EXPECT_FALSE(m2.Has("<<"));
  EXPECT_THROW(ParseOne("a: 1\nb:\n  <<: *x\n"), ParseError);  // unknown anchor
  EXPECT_THROW(ParseOne("a: &a 1\nb:\n  <<: *a\n"), ParseError);  // not a map
  // A quoted "<<" is an ordinary key.
  EXPECT_TRUE(ParseOne("'<<': 1\n").Has("<<"));
}

TEST(ParseTest, BillionLaughsFailsFast) {
  std::string doc = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i) {
    doc += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) doc += (j ? ", *a" : "*a") + std::to_string(i - 1);
    doc += "]\n";
  }
  try {
    ParseAll(doc, "laughs.yaml");
    FAIL() << "expected a ParseError";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("laughs.yaml: line "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("alias"), std::string::npos) << e.what();
  }
  ParseLimits small;
  small.max_alias_expansion = 5;
  EXPECT_THROW(ParseOne("a: &a [1, 2, 3]\nb: *a\nc: *a\n", "x", small), ParseError);
  EXPECT_NO_THROW(ParseOne("a: &a [1, 2, 3]\nb: *a\n", "x", small));
}

TEST(ParseTest, DepthAndSizeLimits) {
  std::string deep(600, '[');
  deep += std::string(600, ']');
  EXPECT_THROW(ParseOne(deep), ParseError);
  ParseLimits limits;
  limits.max_depth = 3;
  EXPECT_NO_THROW(ParseOne("a: {b: {c: 1}}", "x", limits));
  EXPECT_THROW(ParseOne("a: {b: {c: {d: 1}}}", "x", limits), ParseError);
  limits.max_bytes = 4;
  EXPECT_THROW(ParseOne("a: 12345", "x", limits), ParseError);
}

TEST(ParseTest, ErrorsAreOneLineWithPosition) {
  try {
    ParseAll("a: 1\nb: [1, 2\nc: 3\n", "deploy.yaml");
    FAIL();
  } catch (const ParseError& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.rfind("deploy.yaml: line ", 0), 0u) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_GE(e.line(), 2);
    EXPECT_GE(e.column(), 1);
  }
  try {
    ParseAll("key: value\n  bad: indent\n", "f.yaml");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(std::string(e.what()), "f.yaml: line 2 column 6: mapping values are not allowed in this context");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 6);
  }
  EXPECT_THROW(ParseAll("a: *nope\n"), ParseError);
  // As go-yaml words it (kustomize's MalformedYAMLError); from the corpus.
  try {
    ParseAll(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: kapacitor\nspec:\n  selector:\n"
        "    app.kubernetes.io/name: tick-kapacitor\n    - name: http\n      port: 9092\n",
        "service.yaml");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(e.go_message(), "yaml: line 6: did not find expected key");
  }
  try {
    ParseAll("a: b\nc: 'unterminated\n", "x.yaml");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(e.go_message(), "yaml: line 2: found unexpected end of stream");
  }
  EXPECT_THROW(ParseAll("\t- tab\n"), ParseError);
}

TEST(ParseTest, JsonIsYaml) {
  Node n = ParseOne(R"({"a": 1, "b": "1", "c": [true, null, 1.5], "d": {}})");
  EXPECT_TRUE(n.Get("a")->IsInt());
  EXPECT_TRUE(n.Get("b")->IsString());
  EXPECT_TRUE(n.Get("c")->items[0].IsBool());
  EXPECT_TRUE(n.Get("c")->items[1].IsNull());
  EXPECT_TRUE(n.Get("c")->items[2].IsFloat());
  EXPECT_TRUE(n.Get("d")->IsMap());
  EXPECT_EQ(n, ParseJson(R"({"a": 1, "b": "1", "c": [true, null, 1.5], "d": {}})"));
}

TEST(ParseTest, CrLfAndBom) {
  Node n = ParseOne("\xEF\xBB\xBF" "a: 1\r\nb: |\r\n  x\r\n  y\r\n");
  EXPECT_EQ(n.Get("a")->value, "1");
  EXPECT_EQ(n.Get("b")->value, "x\ny\n");
}

TEST(ParseTest, Unicode) {
  Node n = ParseOne("name: \"h\\u00e9llo \\U0001F600\"\nplain: wörld\n");
  EXPECT_EQ(n.Get("name")->value, "h\xC3\xA9llo \xF0\x9F\x98\x80");
  EXPECT_EQ(n.Get("plain")->value, "w\xC3\xB6rld");
  EXPECT_THROW(ParseOne("a: \xFF\xFE\n"), ParseError);  // not UTF-8
}

// Defect: invalid UTF-8 was reported at line 1 whatever its place.
TEST(ParseTest, InvalidUtf8IsReportedAtItsLine) {
  try {
    ParseAll("a: 1\nb: 2\n---\nc: \"x\xFF\"\n", "f.yaml");
    FAIL() << "accepted invalid UTF-8";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), 6);
    EXPECT_NE(std::string(e.what()).find("f.yaml: line 4 column 6: invalid leading UTF-8 octet"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace capstan::yaml
