// base's injectable environment: the real filesystem and clock, and the fakes.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "base/clock.h"
#include "base/file_system.h"

namespace capstan::base {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "capstan-env-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

TEST(RealFileSystem, WriteAtomicThenReadStatList) {
  TempDir dir;
  std::string file = dir.path + "/a.txt", err;
  ASSERT_TRUE(WriteFileAtomic(file, std::string("one\0two", 7), &err, 0600)) << err;
  std::string got;
  ASSERT_TRUE(ReadFile(file, &got, &err)) << err;
  EXPECT_EQ(got, std::string("one\0two", 7));
  ASSERT_TRUE(WriteFileAtomic(file, "replaced", &err)) << err;
  ASSERT_TRUE(ReadFile(file, &got, &err));
  EXPECT_EQ(got, "replaced");
  struct stat st;
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  FileStat s = RealFileSystem().Stat(file);
  EXPECT_TRUE(s.exists);
  EXPECT_FALSE(s.is_dir);
  EXPECT_EQ(s.size, 8);
  EXPECT_TRUE(RealFileSystem().Stat(dir.path).is_dir);
  std::vector<std::string> names;
  ASSERT_TRUE(RealFileSystem().ListDir(dir.path, &names, &err));
  EXPECT_EQ(names, std::vector<std::string>{"a.txt"});  // no temporary file left behind
}

TEST(RealFileSystem, ErrorsNameThePath) {
  TempDir dir;
  std::string got, err;
  EXPECT_FALSE(ReadFile(dir.path + "/missing", &got, &err));
  EXPECT_EQ(err, dir.path + "/missing: No such file or directory");
  EXPECT_FALSE(ReadFile(dir.path, &got, &err));
  EXPECT_EQ(err, dir.path + ": is a directory");
  EXPECT_FALSE(WriteFileAtomic(dir.path + "/no/such/dir/f", "x", &err));
  EXPECT_NE(err.find(dir.path + "/no/such/dir/f: "), std::string::npos);
  EXPECT_FALSE(RealFileSystem().Stat(dir.path + "/missing").exists);
}

TEST(FakeFileSystem, FilesAndDirectories) {
  FakeFileSystem fs;
  std::string err, got;
  ASSERT_TRUE(fs.WriteFileAtomic("/r/b/x.yaml", "x", &err));
  ASSERT_TRUE(fs.WriteFileAtomic("/r/a.yaml", "a", &err));
  ASSERT_TRUE(fs.WriteFileAtomic("/r/b-c", "c", &err));
  ASSERT_TRUE(fs.ReadFile("/r/a.yaml", &got, &err));
  EXPECT_EQ(got, "a");
  EXPECT_FALSE(fs.ReadFile("/r/none", &got, &err));
  EXPECT_TRUE(fs.Stat("/r/b").is_dir);
  EXPECT_FALSE(fs.Stat("/r/bb").exists);
  std::vector<std::string> names;
  ASSERT_TRUE(fs.ListDir("/r", &names, &err));
  EXPECT_EQ(names, (std::vector<std::string>{"a.yaml", "b", "b-c"}));
  EXPECT_LT(fs.Stat("/r/b/x.yaml").mtime_ns, fs.Stat("/r/b-c").mtime_ns);
}

TEST(Clock, FakeRecordsSleepsAndMovesBothClocks) {
  FakeClock clock(1000);
  auto m0 = clock.Monotonic();
  clock.SleepMs(250);
  clock.Advance(50);
  EXPECT_EQ(clock.NowMs(), 1300);
  EXPECT_EQ(clock.Monotonic() - m0, std::chrono::milliseconds(300));
  EXPECT_EQ(clock.sleeps, std::vector<int64_t>{250});
}

TEST(Clock, RealIsMonotonicAndFormatsRfc3339) {
  Clock& c = RealClock();
  auto a = c.Monotonic();
  EXPECT_LE(a, c.Monotonic());
  EXPECT_GT(c.NowMs(), 1700000000000);
  EXPECT_EQ(FormatTime(1767225600000), "2026-01-01T00:00:00Z");
  EXPECT_EQ(FormatTime(1767225601999), "2026-01-01T00:00:01Z");
}

}  // namespace
}  // namespace capstan::base
