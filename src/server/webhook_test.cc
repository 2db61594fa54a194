#include "server/webhook.h"

#include <gtest/gtest.h>

#include "server/crypto.h"
#include "yaml/yaml.h"

using namespace capstan::server;
using capstan::yaml::ParseOne;

namespace {
const char* kGithubPush = R"({"ref":"refs/heads/main","repository":{"html_url":"https://github.com/org/repo",
  "clone_url":"https://github.com/org/repo.git","default_branch":"main"},
  "commits":[{"added":["apps/web/deploy.yaml"],"modified":[],"removed":[]}]})";

std::map<std::string, std::string> GithubHeaders(const std::string& body, const std::string& secret) {
  return {{"x-github-event", "push"}, {"x-hub-signature-256", "sha256=" + Hex(HmacSha256(secret, body))}};
}
}  // namespace

TEST(Webhook, GithubSignatureChecked) {
  std::map<std::string, std::string> secrets{{"webhook.github.secret", "s"}};
  PushEvent ok = ParsePushEvent(GithubHeaders(kGithubPush, "s"), kGithubPush, secrets);
  ASSERT_EQ(ok.status, 200) << ok.error;
  EXPECT_EQ(ok.revision, "main");
  EXPECT_TRUE(ok.touched_head);
  ASSERT_EQ(ok.changed_files.size(), 1u);
  PushEvent bad = ParsePushEvent(GithubHeaders(kGithubPush, "wrong"), kGithubPush, secrets);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error, "Webhook processing failed");
  PushEvent unknown = ParsePushEvent({{"x-github-event", "issues"}}, kGithubPush, {});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.error, "Unknown webhook event");
  EXPECT_EQ(ParsePushEvent({}, kGithubPush, {}).error, "Unknown webhook event");
}

TEST(Webhook, GitlabTokenAndGogsSignature) {
  std::string body = R"({"ref":"refs/heads/dev","project":{"web_url":"https://gitlab.com/g/r","default_branch":"main"},"commits":[]})";
  std::map<std::string, std::string> secrets{{"webhook.gitlab.secret", "tok"}, {"webhook.gogs.secret", "g"}};
  EXPECT_EQ(ParsePushEvent({{"x-gitlab-event", "Push Hook"}, {"x-gitlab-token", "tok"}}, body, secrets).status, 200);
  EXPECT_EQ(ParsePushEvent({{"x-gitlab-event", "Push Hook"}, {"x-gitlab-token", "no"}}, body, secrets).status, 400);
  std::string gbody = R"({"ref":"refs/heads/main","repository":{"html_url":"https://gitea.local/o/r","default_branch":"main"}})";
  auto ev = ParsePushEvent({{"x-gogs-event", "push"}, {"x-github-event", "push"}, {"x-gogs-signature", Hex(HmacSha256("g", gbody))}},
                           gbody, secrets);
  EXPECT_EQ(ev.status, 200);
  EXPECT_EQ(ev.provider, "gogs");  // Gogs/Gitea before GitHub
}

TEST(Webhook, RepoUrlForms) {
  EXPECT_TRUE(RepoUrlMatches("https://github.com/org/repo", "https://github.com/org/repo.git"));
  EXPECT_TRUE(RepoUrlMatches("https://github.com/org/repo", "git@github.com:org/repo.git"));
  EXPECT_TRUE(RepoUrlMatches("https://github.com/org/repo", "ssh://git@altssh.github.com:443/org/repo"));
  EXPECT_FALSE(RepoUrlMatches("https://github.com/org/repo", "https://github.com/org/repo2"));
  EXPECT_TRUE(RepoUrlMatches("file:///tmp/x/remote.git", "file:///tmp/x/remote"));
}

TEST(Webhook, AppMatchingByRevisionAndPaths) {
  PushEvent ev = ParsePushEvent(GithubHeaders(kGithubPush, "s"), kGithubPush, {{"webhook.github.secret", "s"}});
  auto app = [](const std::string& rev, const std::string& paths) {
    return ParseOne("metadata:\n  annotations:\n    argocd.argoproj.io/manifest-generate-paths: '" + paths +
                    "'\nspec:\n  source:\n    repoURL: git@github.com:org/repo.git\n    path: apps/web\n    targetRevision: '" +
                    rev + "'\n");
  };
  EXPECT_TRUE(PushMatchesApp(ev, app("HEAD", ".")));
  EXPECT_TRUE(PushMatchesApp(ev, app("main", "")));
  EXPECT_TRUE(PushMatchesApp(ev, app("refs/heads/main", "/apps")));
  EXPECT_FALSE(PushMatchesApp(ev, app("dev", ".")));
  EXPECT_FALSE(PushMatchesApp(ev, app("HEAD", "/other;../db")));
  EXPECT_TRUE(PushMatchesApp(ev, app("HEAD", "/other;/apps/web/*.yaml")));
}
