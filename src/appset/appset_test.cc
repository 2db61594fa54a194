#include <gtest/gtest.h>

#include "appset/appset.h"
#include "appset/generators.h"
#include "appset/template.h"
#include "yaml/yaml.h"

namespace capstan::appset {
namespace {

TEST(Template, FastTemplate) {
  Params p{{"path.basename", "auth"}, {"path[1]", "auth"}, {"name", "x"}};
  EXPECT_EQ(RenderString("{{path.basename}}-{{ name }}", p, {}), "auth-x");
  EXPECT_EQ(RenderString("{{unknown}}/{{path[1]}}", p, {}), "{{unknown}}/auth");  // unknown keys stay
}

TEST(Template, GoTemplateSubset) {
  TemplateOptions go{true, false};
  Params p{{"path.basename", "Auth_Svc"}, {"path[1]", "auth"}, {"env", "dev"}};
  EXPECT_EQ(RenderString("{{ .path.basename | lower }}", p, go), "auth_svc");
  EXPECT_EQ(RenderString("{{ .path.basename | normalize }}", p, go), "auth-svc");
  EXPECT_EQ(RenderString("{{ index .path 1 }}-{{ .env }}", p, go), "auth-dev");
  EXPECT_EQ(RenderString("{{ printf \"%s-%s\" .env .path.basename }}", p, go), "dev-Auth_Svc");
  EXPECT_EQ(RenderString("{{ .missing | default \"fallback\" }}", p, go), "fallback");
  EXPECT_EQ(RenderString("{{ .missing }}", p, go), "<no value>");
  TemplateOptions strict{true, true};
  EXPECT_THROW(RenderString("{{ .missing }}", p, strict), TemplateError);
  EXPECT_THROW(RenderString("{{ range .x }}", p, go), TemplateError);
  EXPECT_THROW(RenderString("{{ .env", p, go), TemplateError);
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
