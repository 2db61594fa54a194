#include "git/worktree.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/lib/shell.h"

namespace fs = std::filesystem;

namespace capstan::git {
namespace {

using capstan::testlib::Sh;

class WorktreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/capstan-worktree-XXXXXX";
    root_ = mkdtemp(tmpl);
    setenv("GIT_AUTHOR_NAME", "Bot", 1);
    setenv("GIT_AUTHOR_EMAIL", "bot@example.com", 1);
    bare_ = (root_ / "origin.git").string();
    Sh("git init -q --bare -b main " + bare_);
    for (const char* w : {"a", "b"}) {
      std::string dir = (root_ / w).string();
      Sh("git clone -q file://" + bare_ + " " + dir + " 2>/dev/null");
      Sh("git -C " + dir + " config user.name T && git -C " + dir + " config user.email t@e");
    }
    Write("a/f.txt", "one\n");
    Sh("git -C " + (root_ / "a").string() + " add f.txt && git -C " + (root_ / "a").string() +
       " commit -qm init && git -C " + (root_ / "a").string() + " push -q origin main");
    Sh("git -C " + (root_ / "b").string() + " pull -q origin main");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text) { std::ofstream(root_ / rel) << text; }
  fs::path root_;
  std::string bare_;
};

TEST_F(WorktreeTest, CommitPushRejectFetchRebase) {
  Worktree a((root_ / "a" / ".").string());
  EXPECT_EQ(a.Branch(), "main");
  EXPECT_TRUE(a.Changes().empty());
  Write("a/f.txt", "two\n");
  EXPECT_EQ(a.Changes(), std::vector<std::string>{"f.txt"});
  std::string c = a.Commit({"f.txt"}, "bump\n");
  EXPECT_EQ(c, a.HeadSha());
  EXPECT_EQ(Sh("git -C " + (root_ / "a").string() + " log -1 --format='%an <%ae>|%s'"), "Bot <bot@example.com>|bump");
  EXPECT_TRUE(a.Changes().empty());

  // b pushes another file first: a's push is rejected, not an error.
  Write("b/g.txt", "other\n");
  Sh("git -C " + (root_ / "b").string() + " add g.txt && git -C " + (root_ / "b").string() +
     " commit -qm other && git -C " + (root_ / "b").string() + " push -q origin main");
  EXPECT_FALSE(a.Push());
  std::string upstream = a.Fetch();
  EXPECT_EQ(upstream, Sh("git -C " + bare_ + " rev-parse main"));
  std::string rebased = a.RebaseOnto(upstream, {"f.txt"});
  EXPECT_NE(rebased, c);
  EXPECT_TRUE(a.Push());
  EXPECT_EQ(Sh("git -C " + bare_ + " show main:f.txt"), "two");
  EXPECT_EQ(Sh("git -C " + bare_ + " show main:g.txt"), "other");

  // Upstream changed the same file: refused, HEAD unchanged.
  Sh("git -C " + (root_ / "b").string() + " pull -q origin main");
  Write("b/f.txt", "three\n");
  Sh("git -C " + (root_ / "b").string() + " commit -qam edit && git -C " + (root_ / "b").string() +
     " push -q origin main");
  Write("a/f.txt", "four\n");
  std::string mine = a.Commit({"f.txt"}, "mine\n");
  EXPECT_FALSE(a.Push());
  EXPECT_THROW(a.RebaseOnto(a.Fetch(), {"f.txt"}), GitError);
  EXPECT_EQ(a.HeadSha(), mine);
}

TEST_F(WorktreeTest, PushTellsWhetherAnythingWasSent) {
  Worktree a((root_ / "a").string());
  bool sent = true;
  EXPECT_TRUE(a.Push("origin", &sent));
  EXPECT_FALSE(sent);  // origin already has main at this commit
  Write("a/f.txt", "two\n");
  a.Commit({"f.txt"}, "bump\n");
  EXPECT_TRUE(a.Push("origin", &sent));
  EXPECT_TRUE(sent);
  EXPECT_EQ(Sh("git -C " + bare_ + " show main:f.txt"), "two");
}

TEST_F(WorktreeTest, RebaseRefusesToDropOtherLocalCommits) {
  Worktree a((root_ / "a").string());
  // An unpushed local commit of the user's, then capstan's own.
  Write("a/notes.txt", "mine\n");
  Sh("git -C " + (root_ / "a").string() + " add notes.txt && git -C " + (root_ / "a").string() +
     " commit -qm notes");
  Write("a/f.txt", "two\n");
  std::string head = a.Commit({"f.txt"}, "bump\n");
  Write("b/g.txt", "other\n");
  Sh("git -C " + (root_ / "b").string() + " add g.txt && git -C " + (root_ / "b").string() +
     " commit -qm other && git -C " + (root_ / "b").string() + " push -q origin main");
  EXPECT_FALSE(a.Push());
  try {
    a.RebaseOnto(a.Fetch(), {"f.txt"});
    FAIL() << "rebase dropped the notes commit";
  } catch (const GitError& e) {
    EXPECT_NE(std::string(e.what()).find("the branch has other commits"), std::string::npos) << e.what();
  }
  EXPECT_EQ(a.HeadSha(), head);
  EXPECT_EQ(Sh("cat " + (root_ / "a" / "notes.txt").string()), "mine");
}

TEST_F(WorktreeTest, RebaseRefusesAHeadCommitTouchingOtherFiles) {
  Worktree a((root_ / "a").string());
  Write("a/f.txt", "two\n");
  Write("a/notes.txt", "mine\n");
  Sh("git -C " + (root_ / "a").string() + " add f.txt notes.txt && git -C " + (root_ / "a").string() +
     " commit -qm both");
  std::string head = a.HeadSha();
  Write("b/g.txt", "other\n");
  Sh("git -C " + (root_ / "b").string() + " add g.txt && git -C " + (root_ / "b").string() +
     " commit -qm other && git -C " + (root_ / "b").string() + " push -q origin main");
  EXPECT_FALSE(a.Push());
  try {
    a.RebaseOnto(a.Fetch(), {"f.txt"});
    FAIL() << "rebase dropped notes.txt";
  } catch (const GitError& e) {
    EXPECT_NE(std::string(e.what()).find("also changes notes.txt"), std::string::npos) << e.what();
  }
  EXPECT_EQ(a.HeadSha(), head);
}

TEST_F(WorktreeTest, NotARepository) {
  EXPECT_THROW({ Worktree w("/"); }, GitError);
  EXPECT_THROW({ Worktree w(bare_); }, GitError);
}

}  // namespace
}  // namespace capstan::git
