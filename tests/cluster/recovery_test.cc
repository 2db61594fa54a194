// Recovery of the local cluster's database (LevelDB's recovery_test in
// spirit): a server killed with SIGKILL restarts with every acknowledged
// write; a damaged state.db (garbage in the middle, zero bytes) refuses to
// start with an error naming the file instead of serving part of the data.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "cluster/cluster.h"
#include "cluster/store.h"
#include "tests/lib/temp_dir.h"
#include "yaml/yaml.h"

namespace capstan::cluster {
namespace {

namespace fs = std::filesystem;

using testlib::TempDir;

yaml::Node ConfigMap(int i, size_t payload) {
  yaml::Node n = yaml::ParseJson(
      "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-" +
      std::to_string(i) + "\",\"namespace\":\"default\"},\"data\":{\"k\":\"" +
      std::string(payload, 'x') + "\"}}");
  return n;
}

void Fill(const std::string& db, int count, size_t payload) {
  Store s(db, 100);
  for (int i = 0; i < count; ++i) {
    yaml::Node n = ConfigMap(i, payload);
    ASSERT_EQ(s.Create("/configmaps", "default", "cm-" + std::to_string(i), n), WriteResult::kOk);
  }
}

std::string OpenError(const std::string& db) {
  try {
    Store s(db, 100);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(RecoveryTest, GarbageInTheMiddleOfStateDbRefusesToStart) {
  TempDir dir("recovery");
  std::string db = dir.path + "/state.db";
  Fill(db, 400, 2000);  // about 1 MB: many pages of the objects table
  size_t size = fs::file_size(db);
  ASSERT_GT(size, 200000u);
  {
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    std::string garbage(8192, '\0');
    for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 131 + 7) & 0xff);
    f.write(garbage.data(), garbage.size());
  }
  std::string err = OpenError(db);
  EXPECT_NE(err.find(db), std::string::npos) << err;
  EXPECT_NE(err.find("corrupt"), std::string::npos) << err;
  EXPECT_NE(err.find("refusing to start"), std::string::npos) << err;
}

TEST(RecoveryTest, ZeroByteStateDbRefusesToStart) {
  TempDir dir("recovery");
  std::string db = dir.path + "/state.db";
  std::ofstream(db).close();
  std::string err = OpenError(db);
  EXPECT_NE(err.find(db), std::string::npos) << err;
  EXPECT_NE(err.find("empty"), std::string::npos) << err;
  // Through the server as `capstan cluster up` starts it: the same error.
  ServerOptions opt;
  opt.data_dir = dir.path;
  opt.controllers = false;
  Server server(opt);
  try {
    server.Start();
    FAIL() << "server started on a zero-byte state.db";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(db), std::string::npos) << e.what();
  }
  EXPECT_EQ(fs::file_size(db), 0u) << "the damaged file must be left as it was";
}

TEST(RecoveryTest, GarbageHeaderIsNotADatabase) {
  TempDir dir("recovery");
  std::string db = dir.path + "/state.db";
  std::ofstream(db) << std::string(10000, 'z');
  std::string err = OpenError(db);
  EXPECT_NE(err.find(db), std::string::npos) << err;
}

TEST(RecoveryTest, DatabaseFilesAreOwnerOnly) {
  TempDir dir("recovery");
  std::string db = dir.path + "/state.db";
  umask(022);
  Fill(db, 3, 10);
  struct stat st;
  ASSERT_EQ(stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Store s(db, 100);  // open: the -wal/-shm files exist now
  for (const char* suffix : {"-wal", "-shm"}) {
    std::string p = db + suffix;
    if (stat(p.c_str(), &st) == 0) EXPECT_EQ(st.st_mode & 0777, 0600u) << p;
  }
}

TEST(RecoveryTest, KillNineKeepsEveryAcknowledgedWrite) {
  TempDir dir("recovery");
  std::string db = dir.path + "/state.db";
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    Store s(db, 100);
    for (int i = 0;; ++i) {
      yaml::Node n = ConfigMap(i, 100);
      if (s.Create("/configmaps", "default", "cm-" + std::to_string(i), n) != WriteResult::kOk) _exit(2);
      // Acknowledge after the write returned (committed).
      if (write(fds[1], &i, sizeof i) != sizeof i) _exit(3);
    }
  }
  close(fds[1]);
  int acked = -1, i;
  while (acked < 300 && read(fds[0], &i, sizeof i) == sizeof i) acked = i;
  kill(child, SIGKILL);
  while (read(fds[0], &i, sizeof i) == sizeof i) acked = i;  // acks sent before death
  close(fds[0]);
  waitpid(child, nullptr, 0);
  ASSERT_GE(acked, 300);
  Store s(db, 100);
  EXPECT_GE(s.CurrentRv(), acked + 1);
  EXPECT_GE(s.Count("/configmaps"), static_cast<size_t>(acked + 1));
  for (int k = 0; k <= acked; ++k)
    ASSERT_TRUE(s.Get("/configmaps", "default", "cm-" + std::to_string(k))) << "lost cm-" << k;
  // Writes go on where they stopped.
  yaml::Node n = ConfigMap(100000, 1);
  EXPECT_EQ(s.Create("/configmaps", "default", "cm-100000", n), WriteResult::kOk);
  EXPECT_EQ(s.CurrentRv(), static_cast<int64_t>(s.Count("/configmaps")));
}

TEST(RecoveryTest, ServerKilledWithSigkillRestartsOnTheSameDataDir) {
  TempDir dir("recovery");
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    ServerOptions opt;
    opt.data_dir = dir.path;
    Server s(opt);
    s.Start();
    char ok = 1;
    if (write(fds[1], &ok, 1) != 1) _exit(3);
    pause();
    _exit(0);
  }
  close(fds[1]);
  char ok = 0;
  ASSERT_EQ(read(fds[0], &ok, 1), 1);
  close(fds[0]);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  ServerOptions opt;
  opt.data_dir = dir.path;
  opt.controllers = false;
  Server s(opt);
  EXPECT_NO_THROW(s.Start()) << "the lock of a killed server must not outlive it";
  s.Stop();
}

}  // namespace
}  // namespace capstan::cluster
