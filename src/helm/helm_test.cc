// Helm behaviour users rely on: --set parsing, value coalescing, output
// format and ordering, hooks, schema validation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "gotemplate/convert.h"
#include "helm/helm.h"
#include "helm/values.h"

namespace capstan::helm {
namespace {

namespace fs = std::filesystem;

std::string SetJson(const std::vector<std::string>& sets, SetKind kind = SetKind::kTyped) {
  gt::Value v = gt::Value::NewMap();
  for (const auto& s : sets) ParseSet(s, v, kind);
  return gt::ToJson(v);
}

TEST(Strvals, ParsesLikeHelm) {
  EXPECT_EQ(SetJson({"a.b=1,c=true,d=null,e=0,f=007"}), "{\"a\":{\"b\":1},\"c\":true,\"d\":null,\"e\":0,\"f\":\"007\"}");
  EXPECT_EQ(SetJson({"l[1]=x", "l[0]=y"}), "{\"l\":[\"y\",\"x\"]}");
  EXPECT_EQ(SetJson({"name={a,b}"}), "{\"name\":[\"a\",\"b\"]}");
  EXPECT_EQ(SetJson({"a\\.b=1"}), "{\"a.b\":1}");
  EXPECT_EQ(SetJson({"a=1"}, SetKind::kString), "{\"a\":\"1\"}");
  EXPECT_EQ(SetJson({"a={\"b\":[1,2]}"}, SetKind::kJson), "{\"a\":{\"b\":[1,2]}}");
  EXPECT_THROW(SetJson({"a"}), HelmError);
  EXPECT_THROW(SetJson({"a,b=1"}), HelmError);
  EXPECT_THROW(SetJson({"l[70000]=1"}), HelmError);
}

class ChartDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("capstan-helm-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "templates");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  std::string Render(TemplateOptions o = {}) {
    o.release_name = "rel";
    o.chart_path = dir_.string();
    return Template(o).output;
  }
  fs::path dir_;
};

TEST_F(ChartDir, OutputFormatKindOrderAndHooks) {
  Write("Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
  Write("templates/a.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n");
  Write("templates/b.yaml", "# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n");
  Write("templates/_helpers.tpl", "{{ define \"x\" }}ignored{{ end }}");
  Write("templates/NOTES.txt", "notes are not printed");
  EXPECT_EQ(Render(),
            "---\n# Source: c/templates/b.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rel\n"
            "---\n# Source: c/templates/a.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"
            "---\n# Source: c/templates/b.yaml\n# only a comment\n"
            "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n");
  TemplateOptions o;
  o.skip_tests = true;
  o.show_only = {"templates/a.yaml"};
  EXPECT_EQ(Render(o), "---\n# Source: c/templates/a.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n");
}

TEST_F(ChartDir, ValuesCoalesceGlobalsSubchartsAndNullDeletes) {
  Write("Chart.yaml", "apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n- name: sub\n  version: 0.1.0\n  condition: sub.enabled\n");
  Write("values.yaml", "keep: 1\ndrop: 2\nglobal:\n  g: top\nsub:\n  x: fromparent\n");
  Write("templates/cm.yaml", "v: {{ .Values | toJson }}\n");
  Write("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n");
  Write("charts/sub/values.yaml", "x: default\nz: default\n");
  Write("charts/sub/templates/cm.yaml", "s: {{ .Values | toJson }}\n");
  TemplateOptions o;
  o.set = {"drop=null"};
  std::string out = Render(o);
  EXPECT_NE(out.find("v: {\"global\":{\"g\":\"top\"},\"keep\":1,\"sub\":{\"global\":{\"g\":\"top\"},\"x\":\"fromparent\",\"z\":\"default\"}}"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("# Source: parent/charts/sub/templates/cm.yaml\ns: {\"global\":{\"g\":\"top\"},\"x\":\"fromparent\",\"z\":\"default\"}"),
            std::string::npos)
      << out;
  o.set = {"sub.enabled=false"};
  EXPECT_EQ(Render(o).find("charts/sub"), std::string::npos);
}

TEST_F(ChartDir, ErrorsNameTheTemplate) {
  Write("Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
  Write("templates/cm.yaml", "x: {{ required \"x is required\" .Values.x }}\n");
  try {
    Render();
    FAIL() << "no error";
  } catch (const RenderError& e) {
    EXPECT_EQ(std::string(e.what()), "execution error at (c/templates/cm.yaml:1:6): x is required");
  }
  Write("templates/cm.yaml", "a: b: c\n");
  try {
    Render();
    FAIL() << "no error";
  } catch (const RenderError& e) {
    EXPECT_NE(std::string(e.what()).find("YAML parse error on c/templates/cm.yaml"), std::string::npos);
  }
}

// Helm parses every template (in its order: deeper paths first, then names
// descending) before executing any, so the first parse error wins over any
// execution error, even when capstan parses a manifest only when it runs.
TEST_F(ChartDir, FirstParseErrorComesBeforeExecutionErrors) {
  Write("Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
  auto error_of = [&] {
    try {
      Render();
    } catch (const RenderError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  // z.yaml runs first and fails; a.yaml, run later, does not parse.
  Write("templates/z.yaml", "{{ fail \"boom\" }}\n");
  Write("templates/a.yaml", "{{ if }}{{ end }}\n");
  EXPECT_EQ(error_of(), "parse error at (c/templates/a.yaml:1): missing value for if");
  // Without the parse error, the execution error.
  Write("templates/a.yaml", "a: b\n");
  EXPECT_EQ(error_of(), "execution error at (c/templates/z.yaml:1:3): boom");
  // A file with a define is parsed up front; a plain file sorting before it
  // with a parse error is still the one reported.
  Write("templates/y.yaml", "{{ define \"d\" }}{{ range }}{{ end }}{{ end }}\n");
  Write("templates/z.yaml", "{{ end }}\n");
  EXPECT_EQ(error_of().rfind("parse error at (c/templates/z.yaml:1)", 0), 0u) << error_of();
  Write("templates/z.yaml", "z: {{ .Values.x }}\n");
  EXPECT_EQ(error_of().rfind("parse error at (c/templates/y.yaml:1)", 0), 0u) << error_of();
  // A plain file after it in Helm's order does not take precedence.
  Write("templates/b.yaml", "{{ end }}\n");
  EXPECT_EQ(error_of().rfind("parse error at (c/templates/y.yaml:1)", 0), 0u) << error_of();
}

TEST(Schema, ReportsLikeHelm) {
  std::string schema = R"({"type":"object","required":["name"],"properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0},
    "mode":{"enum":["a","b"]}},"additionalProperties":false})";
  gt::Value v = gt::ParseYamlValue("age: -1\nmode: c\nextra: 1\n", "v");
  std::vector<std::string> errs = ValidateSchema(schema, v);
  ASSERT_EQ(errs.size(), 4u);
  EXPECT_EQ(errs[0], "(root): name is required");
  EXPECT_EQ(errs[1], "age: Must be greater than or equal to 0");
  EXPECT_EQ(errs[2], "mode: must be one of the following: \"a\", \"b\"");
  EXPECT_EQ(errs[3], "(root): Additional property extra is not allowed");
  EXPECT_TRUE(ValidateSchema(schema, gt::ParseYamlValue("name: x\nage: 3\n", "v")).empty());
}

}  // namespace
}  // namespace capstan::helm
