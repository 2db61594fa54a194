#include <gtest/gtest.h>

#include "appset/appset.h"
#include "appset/generators.h"
#include "appset/template.h"
#include "yaml/yaml.h"

namespace capstan::appset {
namespace {

using yaml::Node;

TEST(Template, FastTemplate) {
  Params p{{"path.basename", "auth"}, {"path[1]", "auth"}, {"name", "x"}};
  EXPECT_EQ(RenderString("{{path.basename}}-{{ name }}", p, {}), "auth-x");
  EXPECT_EQ(RenderString("{{unknown}}/{{path[1]}}", p, {}), "{{unknown}}/auth");  // unknown keys stay
}

TEST(Template, GoTemplate) {
  TemplateOptions go{true, false};
  Params p{{"path", "apps/Auth_Svc"},          {"path.basename", "Auth_Svc"},
           {"path.segments[0]", "apps"},       {"path.segments[1]", "Auth_Svc"},
           {"path[0]", "apps"},                {"path[1]", "Auth_Svc"},
           {"env", "dev"},                     {"metadata.labels.tier", "web"}};
  EXPECT_EQ(RenderString("{{ .path.basename | upper }}", p, go), "AUTH_SVC");
  EXPECT_EQ(RenderString("{{ .path.basename | lower }}", p, go), "auth_svc");
  EXPECT_EQ(RenderString("{{ .path.path }}", p, go), "apps/Auth_Svc");  // "path" beside "path.*"
  EXPECT_EQ(RenderString("{{ .path.basename | normalize }}", p, go), "auth-svc");
  EXPECT_EQ(RenderString("{{ index .path.segments 1 }}-{{ .env }}", p, go), "Auth_Svc-dev");
  EXPECT_EQ(RenderString("{{ len .path.segments }}", p, go), "2");
  EXPECT_EQ(RenderString("{{ if eq .env \"dev\" }}small{{ else }}big{{ end }}", p, go), "small");
  EXPECT_EQ(RenderString("{{ range .path.segments }}[{{ . }}]{{ end }}", p, go), "[apps][Auth_Svc]");
  EXPECT_EQ(RenderString("{{ printf \"%s-%03d\" .env 7 }}", p, go), "dev-007");
  EXPECT_EQ(RenderString("{{ .metadata.labels.tier | quote }}", p, go), "\"web\"");
  EXPECT_EQ(RenderString("{{ .missing | default \"fallback\" }}", p, go), "fallback");
  EXPECT_EQ(RenderString("{{ .missing }}", p, go), "<no value>");
  // Sprig and Argo CD's additions.
  EXPECT_EQ(RenderString("{{ \"a,b\" | splitList \",\" | join \"+\" }}", p, go), "a+b");
  EXPECT_EQ(RenderString("{{ slugify \"Hello, World & Co\" }}", p, go), "hello-world-co");
  EXPECT_EQ(RenderString("{{ slugify 11 true \"hello wonderful world\" }}", p, go), "hello");
  EXPECT_EQ(RenderString("{{ slugify 11 false \"hello wonderful world\" }}", p, go), "hello-wonde");
  EXPECT_EQ(RenderString("{{ (fromYaml \"a: {b: c}\").a.b }}", p, go), "c");
  EXPECT_EQ(RenderString("{{ index (fromYamlArray \"[x, z]\") 1 }}", p, go), "z");
  EXPECT_EQ(RenderString("{{ dict \"k\" .env | toYaml }}", p, go), "k: dev");
  EXPECT_THROW(RenderString("{{ env \"HOME\" }}", p, go), TemplateError);  // excluded, as Argo CD
  EXPECT_THROW(RenderString("{{ expandenv \"$HOME\" }}", p, go), TemplateError);
  EXPECT_THROW(RenderString("{{ getHostByName \"x\" }}", p, go), TemplateError);
  // missingkey=error.
  TemplateOptions strict{true, true};
  EXPECT_EQ(RenderString("{{ .path.basename }}", p, strict), "Auth_Svc");
  try {
    RenderString("{{ .missing }}", p, strict);
    ADD_FAILURE() << "no error";
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find("map has no entry for key \"missing\""), std::string::npos) << e.what();
  }
  EXPECT_THROW(RenderString("{{ index .path.segments 5 }}", p, strict), TemplateError);
  EXPECT_THROW(RenderString("{{ .env", p, go), TemplateError);
  EXPECT_THROW(RenderString("{{ nosuchfunc .env }}", p, go), TemplateError);
}

TEST(Template, GoTemplateKeysAndNesting) {
  Node tmpl = yaml::ParseOne(R"(metadata:
  name: '{{ .name }}'
  labels:
    '{{ .name }}-label': '{{ .env | upper }}'
spec:
  items: ['{{ .env }}', plain]
)");
  Node out = RenderNode(tmpl, Params{{"name", "a"}, {"env", "dev"}}, {true, false});
  EXPECT_EQ(out.StrAt({"metadata", "name"}), "a");
  EXPECT_EQ(out.StrAt({"metadata", "labels", "a-label"}), "DEV");
  EXPECT_EQ(out.At({"spec", "items"})->items[0].value, "dev");
  EXPECT_EQ(out.At({"spec", "items"})->items[1].value, "plain");
}

TEST(AppSet, GoTemplateMissingKeyNamesTheSet) {
  auto set = yaml::ParseOne(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: strict, namespace: argocd}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
  - list: {elements: [{env: dev}]}
  template:
    metadata: {name: '{{ .env }}-{{ .nope }}'}
    spec: {project: default}
)");
  GeneratorContext c;
  try {
    GenerateApplications(set, c);
    ADD_FAILURE() << "no error";
  } catch (const TemplateError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("ApplicationSet argocd/strict"), std::string::npos) << m;
    EXPECT_NE(m.find("nope"), std::string::npos) << m;
  }
  set.GetOrCreateMap("spec").GetOrCreateMap("template").GetOrCreateMap("metadata").Set("name", Node::String("{{ .env | upper | lower }}-app"));
  auto apps = GenerateApplications(set, c);
  ASSERT_EQ(apps.size(), 1u);
  EXPECT_EQ(apps[0].StrAt({"metadata", "name"}), "dev-app");
}

TEST(Generators, Glob) {
  EXPECT_TRUE(GlobMatch("apps/*/overlays/*/kustomization.yaml", "apps/auth/overlays/dev/kustomization.yaml"));
  EXPECT_FALSE(GlobMatch("apps/*", "apps/auth/overlays"));
  EXPECT_TRUE(GlobMatch("apps/**/kustomization.yaml", "apps/auth/overlays/dev/kustomization.yaml"));
  EXPECT_TRUE(GlobMatch("apps/a?th", "apps/auth"));
  EXPECT_FALSE(GlobMatch("apps/a?th", "apps/a/th"));
}

TEST(Generators, MatrixAndMerge) {
  GeneratorContext c;
  c.where = "ApplicationSet argocd/t";
  auto gen = yaml::ParseOne(R"(matrix:
  generators:
  - list: {elements: [{env: dev}, {env: prod}]}
  - list: {elements: [{svc: a}, {svc: b}]}
)");
  auto out = Generate(gen, c);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[3].at("env") + out[3].at("svc"), "prodb");
  auto merge = yaml::ParseOne(R"(merge:
  mergeKeys: [svc]
  generators:
  - list: {elements: [{svc: a, replicas: "1"}, {svc: b, replicas: "1"}]}
  - list: {elements: [{svc: b, replicas: "3"}, {svc: c, replicas: "9"}]}
)");
  out = Generate(merge, c);
  ASSERT_EQ(out.size(), 2u);  // c is not in the base
  EXPECT_EQ(out[0].at("replicas"), "1");
  EXPECT_EQ(out[1].at("replicas"), "3");
  EXPECT_THROW(Generate(yaml::ParseOne("scmProvider: {}"), c), TemplateError);
  EXPECT_THROW(Generate(yaml::ParseOne("matrix: {generators: [{list: {elements: []}}]}"), c), TemplateError);
}

TEST(AppSet, GeneratesOwnedApplications) {
  auto set = yaml::ParseOne(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: s, namespace: argocd, uid: u-1}
spec:
  syncPolicy: {preserveResourcesOnDeletion: true}
  generators:
  - clusters: {}
  template:
    metadata:
      name: '{{name}}-guestbook'
      finalizers: [resources-finalizer.argocd.argoproj.io]
    spec:
      project: default
      destination: {server: '{{server}}', namespace: guestbook}
)");
  GeneratorContext c;
  c.clusters.push_back({"in-cluster", "https://kubernetes.default.svc", "", {}, {}});
  auto apps = GenerateApplications(set, c);
  ASSERT_EQ(apps.size(), 1u);
  EXPECT_EQ(apps[0].StrAt({"metadata", "name"}), "in-cluster-guestbook");
  EXPECT_EQ(apps[0].StrAt({"spec", "destination", "server"}), "https://kubernetes.default.svc");
  EXPECT_EQ(apps[0].At({"metadata", "finalizers"}), nullptr);  // preserved resources
  EXPECT_EQ(apps[0].At({"metadata", "ownerReferences"})->items[0].StrAt({"uid"}), "u-1");
  auto dup = set;
  dup.GetOrCreateMap("spec").Get("generators")->items.push_back(yaml::ParseOne("clusters: {}"));
  EXPECT_THROW(GenerateApplications(dup, c), TemplateError);  // two apps, one name
}

}  // namespace
}  // namespace capstan::appset
