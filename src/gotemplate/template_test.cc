// Go text/template semantics that charts rely on.
#include <gtest/gtest.h>

#include "gotemplate/derive_password.h"

#include "gotemplate/convert.h"
#include "gotemplate/semver.h"
#include "gotemplate/sprig.h"
#include "gotemplate/template.h"

namespace capstan::gotemplate {
namespace {

const FuncMap& Funcs() {
  static const FuncMap m = [] {
    FuncMap f;
    AddBuiltins(&f);
    AddSprig(&f);
    return f;
  }();
  return m;
}

std::string Render(const std::string& text, const Value& dot = Value::NewMap()) {
  TemplateSet set(&Funcs());
  set.Parse("t", text);
  ExecState st;
  std::string out;
  Execute(set, "t", dot, st, &out);
  return out;
}

Value Values(const std::string& yaml) { return ParseYamlValue(yaml, "values.yaml"); }

// RFC 7914's test vectors (section 12).
TEST(GoTemplate, ScryptMatchesRfc7914) {
  auto hex = [](const std::string& s) {
    static const char* h = "0123456789abcdef";
    std::string r;
    for (unsigned char c : s) { r += h[c >> 4]; r += h[c & 15]; }
    return r;
  };
  EXPECT_EQ(hex(Scrypt("", "", 16, 1, 1, 64)),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
            "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
  EXPECT_EQ(hex(Scrypt("password", "NaCl", 1024, 8, 16, 64)),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
  EXPECT_THROW(Scrypt("p", "s", 1000, 8, 1, 64), std::runtime_error);  // N not a power of two
}

// Master Password as Sprig computes it (the values Helm 3.17 prints).
TEST(GoTemplate, DerivePasswordIsSprigs) {
  EXPECT_EQ(Render("{{ derivePassword 1 \"long\" \"password\" \"user\" \"example.com\" }}"), "ZedaFaxcZaso9*");
  std::string pin = Render("{{ derivePassword 2 \"pin\" \"password\" \"user\" \"example.com\" }}");
  EXPECT_EQ(pin.size(), 4u);
  EXPECT_EQ(pin.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(Render("{{ derivePassword 1 \"nope\" \"p\" \"u\" \"s\" }}"), "cannot find password template nope");
  EXPECT_THROW(Render("{{ derivePassword -1 \"long\" \"p\" \"u\" \"s\" }}"), ExecError);
}

TEST(GoTemplate, WhitespaceTrimAndComments) {
  EXPECT_EQ(Render("a  {{- 1 -}}  b"), "a1b");
  EXPECT_EQ(Render("a {{/* c */}} b"), "a  b");
  EXPECT_EQ(Render("a\n{{- /* c */ -}}\nb"), "ab");
}

TEST(GoTemplate, IfElseRangeWithVariables) {
  Value v = Values("l: [a, b]\nm: {q: 2, p: 1}\nn: 0\n");
  Value dot = Value::NewMap();
  (*dot.map)["Values"] = v;
  EXPECT_EQ(Render("{{ range $i, $e := .Values.l }}{{ $i }}={{ $e }};{{ end }}", dot), "0=a;1=b;");
  EXPECT_EQ(Render("{{ range $k, $v := .Values.m }}{{ $k }}{{ $v }}{{ end }}", dot), "p1q2");
  EXPECT_EQ(Render("{{ if .Values.n }}t{{ else if .Values.l }}l{{ else }}f{{ end }}", dot), "l");
  EXPECT_EQ(Render("{{ with .Values.missing }}x{{ else }}none{{ end }}", dot), "none");
  EXPECT_EQ(Render("{{ $x := 1 }}{{ range .Values.l }}{{ $x = 2 }}{{ end }}{{ $x }}", dot), "2");
  EXPECT_EQ(Render("{{ range .Values.l }}{{ if eq . \"b\" }}{{ break }}{{ end }}{{ . }}{{ end }}", dot), "a");
}

TEST(GoTemplate, DefineTemplateBlockAndRedefinition) {
  EXPECT_EQ(Render("{{ define \"x\" }}[{{ . }}]{{ end }}{{ template \"x\" 3 }}"), "[3]");
  EXPECT_EQ(Render("{{ block \"b\" 1 }}<{{ . }}>{{ end }}"), "<1>");
}

TEST(GoTemplate, MissingValuesAndNilPointerErrors) {
  Value dot = Value::NewMap();
  (*dot.map)["Values"] = Values("a: 1\n");
  EXPECT_EQ(Render("{{ .Values.missing }}", dot), "<no value>");
  EXPECT_THROW(Render("{{ .Values.missing.deeper }}", dot), ExecError);
  try {
    Render("{{ .Values.missing.deeper }}", dot);
  } catch (const ExecError& e) {
    EXPECT_NE(std::string(e.what()).find("nil pointer evaluating interface {}.deeper"), std::string::npos);
  }
}

TEST(GoTemplate, FloatValuesPrintAsGoDoes) {
  Value dot = Value::NewMap();
  (*dot.map)["Values"] = Values("big: 1000000\nf: 1.5\nint: 3\nsmall: 0.0000001\n");
  EXPECT_EQ(Render("{{ .Values.big }} {{ .Values.f }} {{ .Values.int }} {{ .Values.small }}", dot), "1e+06 1.5 3 1e-07");
  EXPECT_THROW(Render("{{ eq .Values.int 3 }}", dot), ExecError);  // float64 vs int
  EXPECT_EQ(Render("{{ eq .Values.int 3.0 }}", dot), "true");
}

TEST(GoTemplate, Printf) {
  EXPECT_EQ(Render("{{ printf \"%d|%5d|%-5d|%05d\" 42 42 42 42 }}"), "42|   42|42   |00042");
  EXPECT_EQ(Render("{{ printf \"%s %s\" \"one\" }}"), "one %!s(MISSING)");
  EXPECT_EQ(Render("{{ printf \"%d\" \"s\" }}"), "%!d(string=s)");
  EXPECT_EQ(Render("{{ printf \"%q|%x|%v\" \"a\" 255 (list 1 \"b\") }}"), "\"a\"|ff|[1 b]");
  EXPECT_EQ(Render("{{ printf \"%.2f|%e\" 3.14159 3.14159 }}"), "3.14|3.141590e+00");
}

TEST(GoTemplate, AndOrShortCircuit) {
  Value dot = Value::NewMap();
  (*dot.map)["Values"] = Values("a: {}\n");
  EXPECT_EQ(Render("{{ and .Values.x .Values.x.y }}", dot), "<no value>");
  EXPECT_EQ(Render("{{ or 0 \"\" \"z\" }}"), "z");
}

TEST(Sprig, StringsListsDicts) {
  EXPECT_EQ(Render("{{ \"hello\" | upper | quote }}"), "\"HELLO\"");
  EXPECT_EQ(Render("{{ trunc 3 \"abcdef\" }}|{{ trimSuffix \"-\" \"a-\" }}|{{ indent 2 \"a\\nb\" }}"), "abc|a|  a\n  b");
  EXPECT_EQ(Render("{{ list 3 1 2 | sortAlpha | join \",\" }}"), "1,2,3");
  EXPECT_EQ(Render("{{ $d := dict \"a\" 1 }}{{ $_ := set $d \"b\" 2 }}{{ keys $d | sortAlpha }}"), "[a b]");
  EXPECT_EQ(Render("{{ merge (dict \"a\" 1) (dict \"a\" 2 \"b\" 3) | toJson }}"), "{\"a\":1,\"b\":3}");
  EXPECT_EQ(Render("{{ mergeOverwrite (dict \"a\" 1) (dict \"a\" 2) | toJson }}"), "{\"a\":2}");
  EXPECT_EQ(Render("{{ default \"d\" \"\" }}|{{ default \"d\" \"x\" }}|{{ empty 0 }}"), "d|x|true");
  EXPECT_EQ(Render("{{ regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\" }}"), "-W-xxW-");
  EXPECT_EQ(Render("{{ b64enc \"hi\" }}|{{ sha256sum \"abc\" | trunc 8 }}"), "aGk=|ba7816bf");
}

TEST(Sprig, SemverConstraints) {
  SemVersion v;
  ASSERT_TRUE(ParseSemver("v1.32.0", &v));
  EXPECT_TRUE(SemverSatisfies(">=1.19-0", v));
  EXPECT_FALSE(SemverSatisfies("<1.19-0", v));
  EXPECT_TRUE(SemverSatisfies("^1.2.0", v));
  EXPECT_TRUE(SemverSatisfies("~1.32.0 || <1.0", v));
  EXPECT_FALSE(SemverSatisfies(">=1.20.0, <1.30.0", v));
  ASSERT_TRUE(ParseSemver("1.33.0-rc.1", &v));
  EXPECT_FALSE(SemverSatisfies(">=1.20.0", v));  // prereleases need a prerelease constraint
  EXPECT_TRUE(SemverSatisfies(">=1.20.0-0", v));
}

TEST(GoTemplate, ParseErrors) {
  EXPECT_THROW(Render("{{ if 1 }}"), ParseError);
  EXPECT_THROW(Render("{{ nosuchfunc 1 }}"), ParseError);
  EXPECT_THROW(Render("{{ $undefined }}"), ParseError);
  EXPECT_THROW(Render("{{ 1 "), ParseError);
}

TEST(GoTemplate, BoundedWork) {
  TemplateSet set(&Funcs());
  set.Parse("t", "{{ define \"r\" }}{{ template \"r\" . }}{{ end }}{{ template \"r\" . }}");
  ExecState st;
  st.limits.max_depth = 50;
  std::string out;
  EXPECT_THROW(Execute(set, "t", Value::Nil(), st, &out), ExecError);
  TemplateSet big(&Funcs());
  big.Parse("t", "{{ range until 1000 }}{{ repeat 1000 \"x\" }}{{ end }}");
  ExecState st2;
  st2.limits.max_output = 10000;
  out.clear();
  EXPECT_THROW(Execute(big, "t", Value::Nil(), st2, &out), ExecError);
}

TEST(Sprig, FuzzFindingsStayFixed) {
  // float64 beyond int64 converts as Go on amd64 does (no UB)
  EXPECT_EQ(Render("{{ int 8.8e20 }}"), "-9223372036854775808");
  // invalid UTF-8 becomes U+FFFD in JSON, as encoding/json does
  EXPECT_EQ(ToJson(Value::String("a\xff\xed\xa0\x80" "b")), "\"a\\ufffd\\ufffd\\ufffd\\ufffdb\"");
}

TEST(Convert, ToYamlSortsKeysAndQuotesLikeGoYaml) {
  Value v = Values("b: 'yes'\na: [1, x]\nc: 1.5\n");
  EXPECT_EQ(ToYaml(v), "a:\n- 1\n- x\nb: \"yes\"\nc: 1.5\n");
  EXPECT_EQ(ToJson(Values("x: <a&b>\n")), "{\"x\":\"\\u003ca\\u0026b\\u003e\"}");
}

}  // namespace
}  // namespace capstan::gotemplate
