// The Git cache shared by several processes (controller, `capstan app sync`
// runs, the API server) on one cache directory: its cross-process locks.
// Each concern is tested with real processes (fork), not threads, since the
// locks are flock(2) on files in the cache.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "git/git.h"
#include "tests/lib/shell.h"

namespace fs = std::filesystem;
using capstan::git::RepoCache;

namespace {

using capstan::testlib::Sh;

std::string ReadAll(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Every regular file under `dir` (skipping .git) as "path\0content\0", in
// path order: two trees are equal iff their fingerprints are.
std::string Fingerprint(const fs::path& dir) {
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) files.push_back(fs::relative(it->path(), dir).string());
  }
  std::sort(files.begin(), files.end());
  std::string out;
  for (const auto& f : files) out += f + '\0' + ReadAll(dir / f) + '\0';
  return out;
}

// Runs `body` in a child process; returns its wait status. The child exits
// 0 on success, 1 on an exception, and is killed by SIGALRM after
// `timeout_s` so a stuck lock fails the test instead of hanging it.
template <typename F>
pid_t Spawn(int timeout_s, F body) {
  fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    alarm(timeout_s);
    int rc = 0;
    try {
      rc = body() ? 0 : 1;
    } catch (const std::exception& e) {
      fprintf(stderr, "child %d: %s\n", getpid(), e.what());
      rc = 1;
    }
    _exit(rc);
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

bool ExitedOk(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

std::vector<fs::path> Leftovers(const fs::path& trees) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(trees))
    if (e.path().filename().string().rfind(".tmp-", 0) == 0) out.push_back(e.path());
  return out;
}

// A remote with a tree big enough (~2 MB in 800 files) that building
// its snapshot takes long enough for other processes to collide with it.
class GitConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/capstan-git-concurrency-XXXXXX";
    root_ = mkdtemp(tmpl);
    work_ = root_ / "work";
    bare_ = root_ / "remote.git";
    cache_ = root_ / "cache";
    Sh("git init -q -b main " + work_.string());
    Git("config user.email t@example.com");
    Git("config user.name Test");
    std::string filler(2048, 'x');
    for (int d = 0; d < 20; ++d) {
      fs::path dir = work_ / "apps" / ("app-" + std::to_string(d));
      fs::create_directories(dir);
      for (int f = 0; f < 40; ++f) {
        std::ofstream(dir / ("cm-" + std::to_string(f) + ".yaml"))
            << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-" << d << "-" << f
            << "\ndata:\n  filler: " << filler << "\n";
      }
    }
    Git("add -A");
    Git("commit -q -m tree");
    sha_ = Git("rev-parse HEAD");
    Sh("git clone -q --bare " + work_.string() + " " + bare_.string());
    expected_ = Fingerprint(work_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string Git(const std::string& args) { return Sh("git -C " + work_.string() + " " + args); }
  std::string Url() const { return "file://" + bare_.string(); }

  fs::path root_, work_, bare_, cache_;
  std::string sha_, expected_;
};

TEST_F(GitConcurrencyTest, ProcessesSnapshottingOneCommitTogetherGetOneCompleteTree) {
  // Eight processes start at once on an empty cache: all clone, resolve and
  // snapshot the same commit. Each checks the tree it was handed is whole.
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  std::vector<pid_t> kids;
  for (int i = 0; i < 8; ++i) {
    kids.push_back(Spawn(120, [&, i] {
      close(go[1]);
      char c;
      (void)!read(go[0], &c, 1);  // returns 0 when the parent closes the pipe
      RepoCache cache(cache_.string());
      // Half fetch, half only read what another process is cloning.
      std::string sha = cache.Resolve(Url(), "main", /*fetch=*/i % 2 == 0);
      std::string dir = cache.Snapshot(Url(), sha);
      if (sha != sha_ || dir != (cache_ / "trees" / sha_).string()) {
        fprintf(stderr, "child %d: got %s at %s\n", i, sha.c_str(), dir.c_str());
        return false;
      }
      if (Fingerprint(dir) != expected_) {
        fprintf(stderr, "child %d: snapshot %s is not the commit's tree\n", i, dir.c_str());
        return false;
      }
      return true;
    }));
  }
  close(go[0]);
  close(go[1]);
  for (pid_t k : kids) EXPECT_TRUE(ExitedOk(Wait(k))) << "child " << k;
  EXPECT_EQ(Fingerprint(cache_ / "trees" / sha_), expected_);
  EXPECT_TRUE(Leftovers(cache_ / "trees").empty()) << "a temporary tree was left behind";
}

TEST_F(GitConcurrencyTest, KilledSnapshotHolderNeitherBlocksNorLeaksAHalfTree) {
  // Fetch once, so the only work left is building the snapshot.
  ASSERT_EQ(RepoCache(cache_.string()).Resolve(Url(), "main"), sha_);
  const fs::path trees = cache_ / "trees";
  const fs::path final_dir = trees / sha_;

  // kill -9 a process while it holds the snapshot lock and has written part
  // of the tree (its temporary directory exists, the final one does not).
  // On a very fast machine it may finish first; try a few times.
  bool killed_mid_build = false;
  for (int attempt = 0; attempt < 10 && !killed_mid_build; ++attempt) {
    fs::remove_all(final_dir);
    const size_t before = Leftovers(trees).size();  // earlier attempts' trees
    pid_t holder = Spawn(120, [&] {
      RepoCache(cache_.string()).Snapshot(Url(), sha_);
      return true;
    });
    for (int spin = 0; spin < 200000; ++spin) {
      if (Leftovers(trees).size() > before || fs::exists(final_dir)) break;
      usleep(50);
    }
    kill(holder, SIGKILL);
    int status = Wait(holder);
    killed_mid_build = WIFSIGNALED(status) && !fs::exists(final_dir) && Leftovers(trees).size() > before;
  }
  ASSERT_TRUE(killed_mid_build) << "could not catch the snapshot holder mid-build";

  // The half-written tree is not served, and the next process is not stuck
  // behind the dead holder's lock (it would die of SIGALRM).
  pid_t next = Spawn(60, [&] {
    std::string dir = RepoCache(cache_.string()).Snapshot(Url(), sha_);
    return dir == final_dir.string() && Fingerprint(dir) == expected_;
  });
  int status = Wait(next);
  EXPECT_TRUE(ExitedOk(status)) << (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM
                                        ? "snapshot lock stuck after its holder was killed"
                                        : "snapshot after a killed holder is wrong");
  EXPECT_EQ(Fingerprint(final_dir), expected_);
}

TEST_F(GitConcurrencyTest, KilledFetchHolderDoesNotBlockTheNextFetch) {
  // kill -9 a process in the middle of its first clone of the remote, then
  // a new commit upstream: the next fetch must neither hang on the dead
  // process's lock nor keep serving the old commit.
  const fs::path repos = cache_ / "repos";
  pid_t holder = Spawn(120, [&] {
    RepoCache(cache_.string()).Fetch(Url());
    return true;
  });
  for (int spin = 0; spin < 200000; ++spin) {
    if (fs::exists(repos) && !fs::is_empty(repos)) break;
    usleep(50);
  }
  kill(holder, SIGKILL);
  Wait(holder);

  std::ofstream(work_ / "apps/new.yaml") << "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n";
  Git("add -A");
  Git("commit -q -m next");
  std::string next_sha = Git("rev-parse HEAD");
  Git("push -q " + bare_.string() + " main");

  pid_t next = Spawn(60, [&] {
    RepoCache cache(cache_.string());
    std::string sha = cache.Resolve(Url(), "main");
    if (sha != next_sha) {
      fprintf(stderr, "resolved %s, want %s\n", sha.c_str(), next_sha.c_str());
      return false;
    }
    return fs::exists(fs::path(cache.Snapshot(Url(), sha)) / "apps/new.yaml");
  });
  int status = Wait(next);
  EXPECT_TRUE(ExitedOk(status)) << (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM
                                        ? "fetch lock stuck after its holder was killed"
                                        : "fetch after a killed holder failed");
}

TEST_F(GitConcurrencyTest, FetchAfterOneKilledMidRefUpdateIsNotRefused) {
  // A process killed while libgit2 updates refs leaves `<ref>.lock` files in
  // the mirror (the moment is too short to hit with kill -9 reliably, so
  // they are left here by hand, as the dead process would). libgit2 refuses
  // to update a locked ref: without cleanup the mirror would be stuck on
  // its old commit for good.
  RepoCache cache(cache_.string());
  ASSERT_EQ(cache.Resolve(Url(), "main"), sha_);
  std::vector<fs::path> mirrors;
  for (const auto& e : fs::directory_iterator(cache_ / "repos"))
    if (e.is_directory()) mirrors.push_back(e.path());
  ASSERT_EQ(mirrors.size(), 1u);
  std::ofstream(mirrors[0] / "refs/heads/main.lock") << "";
  std::ofstream(mirrors[0] / "packed-refs.lock") << "";

  std::ofstream(work_ / "apps/new.yaml") << "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n";
  Git("add -A");
  Git("commit -q -m next");
  std::string next_sha = Git("rev-parse HEAD");
  Git("push -q " + bare_.string() + " main");
  EXPECT_EQ(cache.Resolve(Url(), "main"), next_sha);
}

}  // namespace
