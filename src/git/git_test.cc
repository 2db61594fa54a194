#include "git/git.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/lib/shell.h"

namespace fs = std::filesystem;
using capstan::git::Credentials;
using capstan::git::GitError;
using capstan::git::RedactUrl;
using capstan::git::RepoCache;

namespace {

using capstan::testlib::Sh;
using capstan::testlib::Write;

// A bare "remote" repository with a work dir to commit from.
class GitRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/capstan-git-test-XXXXXX";
    root_ = mkdtemp(tmpl);
    work_ = root_ / "work";
    bare_ = root_ / "remote.git";
    Sh("git init -q -b main " + work_.string());
    Git("config user.email t@example.com");
    Git("config user.name Test");
    Write(work_ / "apps/a/kustomization.yaml", "resources:\n- cm.yaml\n");
    Write(work_ / "apps/a/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
    Git("add -A");
    Git("commit -q -m first");
    first_ = Git("rev-parse HEAD");
    Git("tag v1");
    Write(work_ / "apps/a/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n");
    Git("commit -q -am second");
    second_ = Git("rev-parse HEAD");
    Sh("git clone -q --bare " + work_.string() + " " + bare_.string());
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string Git(const std::string& args) { return Sh("git -C " + work_.string() + " " + args); }
  std::string Url() const { return "file://" + bare_.string(); }

  fs::path root_, work_, bare_;
  std::string first_, second_;
};

TEST_F(GitRepoTest, ResolvesBranchTagShaAndHead) {
  RepoCache cache((root_ / "cache").string());
  EXPECT_EQ(cache.Resolve(Url(), "main"), second_);
  EXPECT_EQ(cache.Resolve(Url(), "HEAD", false), second_);
  EXPECT_EQ(cache.Resolve(Url(), "", false), second_);
  EXPECT_EQ(cache.Resolve(Url(), "v1", false), first_);
  EXPECT_EQ(cache.Resolve(Url(), first_, false), first_);
  EXPECT_EQ(cache.Resolve(Url(), first_.substr(0, 10), false), first_);
}

TEST_F(GitRepoTest, UnknownRevisionIsAClearError) {
  RepoCache cache((root_ / "cache").string());
  try {
    cache.Resolve(Url(), "no-such-branch");
    FAIL() << "expected GitError";
  } catch (const GitError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-branch"), std::string::npos) << e.what();
  }
}

TEST_F(GitRepoTest, FetchSeesNewCommits) {
  RepoCache cache((root_ / "cache").string());
  EXPECT_EQ(cache.Resolve(Url(), "main"), second_);
  Write(work_ / "apps/a/extra.yaml", "x: 1\n");
  Git("add -A");
  Git("commit -q -m third");
  std::string third = Git("rev-parse HEAD");
  Git("push -q " + bare_.string() + " main");
  EXPECT_EQ(cache.Resolve(Url(), "main", false), second_);  // no fetch: cached
  EXPECT_EQ(cache.Resolve(Url(), "main"), third);
}

TEST_F(GitRepoTest, SnapshotHoldsTheTreeOfEachCommit) {
  RepoCache cache((root_ / "cache").string());
  cache.Resolve(Url(), "main");
  fs::path a = cache.Snapshot(Url(), first_);
  fs::path b = cache.Snapshot(Url(), second_);
  std::ifstream fa(a / "apps/a/cm.yaml"), fb(b / "apps/a/cm.yaml");
  std::string ta((std::istreambuf_iterator<char>(fa)), {}), tb((std::istreambuf_iterator<char>(fb)), {});
  EXPECT_NE(ta.find("name: a"), std::string::npos);
  EXPECT_NE(tb.find("name: b"), std::string::npos);
  EXPECT_TRUE(fs::exists(a / "apps/a/kustomization.yaml"));
  EXPECT_EQ(cache.Snapshot(Url(), first_), a.string());  // built once
  EXPECT_EQ(cache.ReadFile(Url(), first_, "apps/a/cm.yaml"), ta);
  EXPECT_THROW(cache.ReadFile(Url(), first_, "apps/nope.yaml"), GitError);
  EXPECT_EQ(cache.Info(Url(), second_).summary, "second");
}

TEST_F(GitRepoTest, LocalPathWorksLikeFileUrl) {
  RepoCache cache((root_ / "cache").string());
  EXPECT_EQ(cache.Resolve(bare_.string(), "main"), second_);
}

// Defect: the check normalised "/"+path, so a leading ".." was dropped and
// apps/a/l -> ../../../x passed as "/x".
TEST_F(GitRepoTest, SnapshotRefusesSymlinksLeavingTheRepository) {
  fs::create_directory_symlink("../../../outside", work_ / "apps/a/l");
  Git("add -A");
  Git("commit -q -m escape");
  std::string escape = Git("rev-parse HEAD");
  Sh("git -C " + bare_.string() + " fetch -q " + work_.string() + " main:main");
  RepoCache cache((root_ / "cache").string());
  EXPECT_EQ(cache.Resolve(Url(), "main"), escape);
  try {
    cache.Snapshot(Url(), escape);
    FAIL() << "snapshot with an escaping symlink";
  } catch (const GitError& e) {
    EXPECT_NE(std::string(e.what()).find("apps/a/l: symlink points outside the repository"), std::string::npos)
        << e.what();
  }
  // Inside the repository is fine.
  Git("rm -q apps/a/l");
  fs::create_directory_symlink("../a", work_ / "apps/a/self");
  Git("add -A");
  Git("commit -q -m inside");
  Sh("git -C " + bare_.string() + " fetch -q " + work_.string() + " main:main");
  std::string inside = cache.Resolve(Url(), "main");
  EXPECT_TRUE(fs::is_symlink(fs::path(cache.Snapshot(Url(), inside)) / "apps/a/self"));
}

// Defect: an empty or relative repoURL gave a filesystem exception's text.
TEST(GitUrls, EmptyOrRelativeRepoUrlIsAClearError) {
  char tmpl[] = "/tmp/capstan-git-url-XXXXXX";
  fs::path dir = mkdtemp(tmpl);
  RepoCache cache((dir / "cache").string());
  for (std::string url : {"", "relative/repo", "./repo.git"}) {
    try {
      cache.Resolve(url, "main");
      ADD_FAILURE() << "accepted repoURL \"" << url << "\"";
    } catch (const GitError& e) {
      std::string m = e.what();
      EXPECT_TRUE(m.find(url.empty() ? "repository URL is empty" : "is neither a URL") != std::string::npos) << m;
    }
  }
  fs::remove_all(dir);
}

TEST(GitCredentials, RedactsUserinfo) {
  EXPECT_EQ(RedactUrl("https://bob:s3cret@gitlab.com/x/y.git"), "https://gitlab.com/x/y.git");
  EXPECT_EQ(RedactUrl("https://gitlab.com/x/y.git"), "https://gitlab.com/x/y.git");
  EXPECT_EQ(RedactUrl("ssh://git@host/repo"), "ssh://host/repo");
}

TEST(GitCredentials, LoadsFileAndMatchesLongestPrefix) {
  char tmpl[] = "/tmp/capstan-cred-XXXXXX";
  int fd = mkstemp(tmpl);
  close(fd);
  std::ofstream(tmpl) << "# comment\n"
                         "https://bob:t%40ken@gitlab.com\n"
                         "https://alice:other@gitlab.com/ta-microservices\n"
                         "ssh://git@github.com key=/keys/id_ed25519\n";
  Credentials c = Credentials::Load(tmpl);
  auto* bob = c.Find("https://gitlab.com/other/repo.git");
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->username, "bob");
  EXPECT_EQ(bob->password, "t@ken");
  auto* alice = c.Find("https://gitlab.com/ta-microservices/gitops.git");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->username, "alice");
  auto* ssh = c.Find("ssh://git@github.com/org/repo.git");
  ASSERT_NE(ssh, nullptr);
  EXPECT_EQ(ssh->ssh_private_key, "/keys/id_ed25519");
  EXPECT_EQ(c.Find("https://example.com/x"), nullptr);

  std::ofstream(tmpl) << "https://bob:hunter2@gitlab.com bogus=1\n";
  try {
    Credentials::Load(tmpl);
    FAIL();
  } catch (const GitError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("line 1"), std::string::npos);
    EXPECT_EQ(msg.find("hunter2"), std::string::npos) << "secret leaked: " << msg;
  }
  unlink(tmpl);
}

TEST(GitCredentials, AuthFailureDoesNotLeakToken) {
  char tmpl[] = "/tmp/capstan-cache-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  RepoCache cache(dir);
  try {
    cache.Resolve("https://user:supersecret@127.0.0.1:1/nothing.git", "main");
    FAIL();
  } catch (const GitError& e) {
    EXPECT_EQ(std::string(e.what()).find("supersecret"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

}  // namespace
