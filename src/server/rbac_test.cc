#include "server/rbac.h"

#include <gtest/gtest.h>

#include "yaml/yaml.h"

using namespace capstan::server;
using capstan::yaml::ParseOne;

namespace {

Rbac WithBuiltin(const std::string& csv, const std::string& extra_yaml = "") {
  Rbac r;
  r.AddCsv(kBuiltinPolicy, "builtin");
  std::string doc = "policy.csv: |\n";
  std::string line;
  for (char c : csv) {
    line += c;
    if (c == '\n') {
      doc += "  " + line;
      line.clear();
    }
  }
  if (!line.empty()) doc += "  " + line + "\n";
  doc += extra_yaml;
  r.LoadConfigMap(ParseOne(doc));
  return r;
}

}  // namespace

TEST(Glob, StarCrossesSlashesAndAlternatives) {
  EXPECT_TRUE(GlobMatch("*", "a/b/c"));
  EXPECT_TRUE(GlobMatch("team-*/*", "team-a/app"));
  EXPECT_FALSE(GlobMatch("team-*/*", "other/app"));
  EXPECT_TRUE(GlobMatch("{dev,prod}/*", "prod/x"));
  EXPECT_FALSE(GlobMatch("{dev,prod}/*", "qa/x"));
  EXPECT_TRUE(GlobMatch("app-?", "app-1"));
  EXPECT_FALSE(GlobMatch("app-?", "app-12"));
  EXPECT_TRUE(GlobMatch("[a-c]x", "bx"));
  EXPECT_FALSE(GlobMatch("[!a-c]x", "bx"));
  EXPECT_FALSE(GlobMatch("abc", "abcd"));
}

TEST(Rbac, BuiltinRoles) {
  Rbac r = WithBuiltin("");
  EXPECT_TRUE(r.Enforce({"admin"}, "applications", "sync", "default/guestbook"));
  EXPECT_TRUE(r.Enforce({"admin"}, "projects", "create", "x"));
  EXPECT_TRUE(r.Enforce({"role:readonly"}, "applications", "get", "p/a"));
  EXPECT_FALSE(r.Enforce({"role:readonly"}, "applications", "sync", "p/a"));
  EXPECT_FALSE(r.Enforce({"alice"}, "applications", "get", "p/a"));  // no default role
}

TEST(Rbac, DefaultRoleGroupsAndDenyWins) {
  Rbac r = WithBuiltin(
      "p, role:dev, applications, *, team-a/*, allow\n"
      "p, role:dev, applications, delete, team-a/prod-*, deny\n"
      "g, alice, role:dev\n"
      "g, devs, role:dev\n",
      "policy.default: role:readonly\n");
  EXPECT_TRUE(r.Enforce({"alice"}, "applications", "sync", "team-a/web"));
  EXPECT_TRUE(r.Enforce({"alice"}, "applications", "delete", "team-a/web"));
  EXPECT_FALSE(r.Enforce({"alice"}, "applications", "delete", "team-a/prod-web"));
  EXPECT_FALSE(r.Enforce({"alice"}, "applications", "sync", "team-b/web"));
  EXPECT_TRUE(r.Enforce({"bob", "devs"}, "applications", "sync", "team-a/x"));
  // policy.default grants readonly to everyone.
  EXPECT_TRUE(r.Enforce({"nobody"}, "applications", "get", "team-b/web"));
  EXPECT_FALSE(r.Enforce({"nobody"}, "applications", "sync", "team-b/web"));
}

TEST(Rbac, RegexMode) {
  Rbac r = WithBuiltin("p, carol, applications, get, ^team-(a|b)/.*$, allow\n", "policy.matchMode: regex\n");
  EXPECT_TRUE(r.Enforce({"carol"}, "applications", "get", "team-b/x"));
  EXPECT_FALSE(r.Enforce({"carol"}, "applications", "get", "team-c/x"));
}

TEST(Rbac, MalformedLinesAreReportedAndSkipped) {
  Rbac r = WithBuiltin("p, too, few\nx, a, b\np, dave, applications, get, */*, maybe\n");
  ASSERT_EQ(r.errors().size(), 3u);
  EXPECT_NE(r.errors()[0].find("policy.csv line 1"), std::string::npos);
  EXPECT_NE(r.errors()[2].find("maybe"), std::string::npos);
  EXPECT_FALSE(r.Enforce({"dave"}, "applications", "get", "p/a"));
}

TEST(Rbac, ProjectRolesStayInTheirProject) {
  Rbac r;
  r.AddCsv(kBuiltinPolicy, "builtin");
  r.AddProjectRoles("team-a", ParseOne(R"(
- name: ci
  policies:
  - p, proj:team-a:ci, applications, sync, team-a/*, allow
  - p, proj:team-a:ci, applications, get, team-b/*, allow
  groups: [ci-bots]
)"));
  EXPECT_TRUE(r.Enforce({"proj:team-a:ci"}, "applications", "sync", "team-a/web"));
  EXPECT_TRUE(r.Enforce({"proj:team-a:ci"}, "projects", "get", "team-a"));
  EXPECT_FALSE(r.Enforce({"proj:team-a:ci"}, "applications", "get", "team-b/web"));  // outside: dropped
  EXPECT_FALSE(r.Enforce({"proj:team-a:ci"}, "projects", "get", "team-b"));
  EXPECT_TRUE(r.Enforce({"someone", "ci-bots"}, "applications", "sync", "team-a/x"));
  EXPECT_EQ(r.errors().size(), 1u);
}

TEST(Rbac, ScopesFromConfigMap) {
  Rbac r;
  r.LoadConfigMap(ParseOne("scopes: '[groups, email]'\n"));
  ASSERT_EQ(r.scopes().size(), 2u);
  EXPECT_EQ(r.scopes()[1], "email");
}
