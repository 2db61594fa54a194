#include "lint/lint.h"

#include <gtest/gtest.h>

#include <set>

#include "lint/internal.h"
#include "yaml/yaml.h"

namespace capstan::lint {
namespace {

std::set<std::string> Checks(const std::string& yaml_text, const Options& options = {}) {
  std::set<std::string> out;
  for (const Finding& f : Lint(yaml::ParseAll(yaml_text), options)) out.insert(f.check);
  return out;
}

TEST(Lint, RegistryIdsAreUnique) {
  std::set<std::string> ids;
  for (const CheckInfo& c : AllChecks()) EXPECT_TRUE(ids.insert(c.id).second) << c.id;
  EXPECT_NE(FindCheck("container-resources"), nullptr);
  EXPECT_EQ(FindCheck("no-such-check"), nullptr);
}

TEST(Lint, LabelSelectors) {
  yaml::Node labels = yaml::ParseOne("{app: web, tier: front}");
  auto sel = [](const char* s) { return yaml::ParseOne(s); };
  yaml::Node s1 = sel("{matchExpressions: [{key: tier, operator: In, values: [front, back]}]}");
  yaml::Node s2 = sel("{matchExpressions: [{key: tier, operator: NotIn, values: [front]}]}");
  yaml::Node s3 = sel("{matchExpressions: [{key: env, operator: DoesNotExist}], matchLabels: {app: web}}");
  yaml::Node s4 = sel("{matchLabels: {app: web, env: prod}}");
  EXPECT_TRUE(LabelSelectorMatches(&s1, &labels));
  EXPECT_FALSE(LabelSelectorMatches(&s2, &labels));
  EXPECT_TRUE(LabelSelectorMatches(&s3, &labels));
  EXPECT_FALSE(LabelSelectorMatches(&s4, &labels));
  yaml::Node svc = sel("{app: web}");
  EXPECT_TRUE(MapSelectorMatches(&svc, &labels));
  yaml::Node empty = sel("{}");
  EXPECT_FALSE(MapSelectorMatches(&empty, &labels));  // an empty Service selector selects nothing
}

TEST(Lint, ImageTags) {
  auto pod = [](const std::string& image) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: '" + image + "'}]\n";
  };
  EXPECT_TRUE(Checks(pod("nginx")).count("container-image-tag"));
  EXPECT_TRUE(Checks(pod("nginx:latest")).count("container-image-tag"));
  EXPECT_TRUE(Checks(pod("registry:5000/team/nginx")).count("container-image-tag"));  // the port is no tag
  EXPECT_FALSE(Checks(pod("registry:5000/team/nginx:1.27")).count("container-image-tag"));
  EXPECT_FALSE(Checks(pod("nginx@sha256:0123456789abcdef")).count("container-image-tag"));
}

TEST(Lint, IgnoreAnnotationOnThePodTemplate) {
  std::string d = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  replicas: 1
  template:
    metadata:
      annotations: {kube-score/ignore: "container-image-tag, container-resources"}
    spec:
      containers: [{name: c, image: nginx}]
)";
  std::set<std::string> found = Checks(d);
  EXPECT_FALSE(found.count("container-image-tag"));
  EXPECT_FALSE(found.count("container-resources"));
  EXPECT_FALSE(found.count("container-ephemeral-storage-request-and-limit"));  // follows container-resources
  EXPECT_TRUE(found.count("container-image-pull-policy"));
  Options disable;
  disable.disable.insert("container-image-pull-policy");
  EXPECT_FALSE(Checks(d, disable).count("container-image-pull-policy"));
}

TEST(Lint, NonObjectsAreSkipped) {
  EXPECT_TRUE(Checks("- a\n---\n42\n---\n{kind: Deployment, spec: {template: {spec: []}}}\n").empty());
}

}  // namespace
}  // namespace capstan::lint
