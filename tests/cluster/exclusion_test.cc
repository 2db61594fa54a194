// One local cluster per port and per data directory; `cluster down` only
// signals the process that holds the data directory; ports outside 0-65535
// are refused; bearer auth as RFC 7235 says (scheme case-insensitive).
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "cluster/cluster.h"
#include "cluster/daemon.h"
#include "tests/lib/temp_dir.h"

namespace capstan::cluster {
namespace {

using testlib::TempDir;

ServerOptions Options(const std::string& dir, int port = 0) {
  ServerOptions opt;
  opt.data_dir = dir;
  opt.port = port;
  opt.controllers = false;
  return opt;
}

std::string StartError(Server& s) {
  try {
    s.Start();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(ExclusionTest, SecondServerOnATakenPortIsRefused) {
  TempDir a("exclusion"), b("exclusion");
  Server first(Options(a.path));
  first.Start();
  Server second(Options(b.path, first.port()));
  std::string err = StartError(second);
  EXPECT_NE(err.find(std::to_string(first.port())), std::string::npos) << err;
  EXPECT_NE(err.find("in use"), std::string::npos) << err;
}

TEST(ExclusionTest, SecondServerOnTheSameDataDirIsRefused) {
  TempDir a("exclusion");
  Server first(Options(a.path));
  first.Start();
  Server second(Options(a.path));
  std::string err = StartError(second);
  EXPECT_NE(err.find(a.path), std::string::npos) << err;
  EXPECT_NE(err.find("in use by another cluster server (pid " + std::to_string(getpid()) + ")"),
            std::string::npos)
      << err;
  first.Stop();
  EXPECT_EQ(StartError(second), "") << "the directory is free once the first server stopped";
}

TEST(ExclusionTest, PortOutOfRangeIsRefused) {
  TempDir a("exclusion");
  for (int port : {70000, -1, 65536}) {
    Server s(Options(a.path, port));
    std::string err = StartError(s);
    EXPECT_NE(err.find("--port " + std::to_string(port)), std::string::npos) << err;
  }
}

TEST(ExclusionTest, StalePidFileIsNotTrusted) {
  TempDir a("exclusion");
  // An unrelated process (here: a sleeping child) named by server.pid.
  pid_t other = fork();
  if (other == 0) {
    pause();
    _exit(0);
  }
  std::ofstream(a.path + "/server.pid") << other << "\n";
  std::ofstream(a.path + "/server.lock") << other << "\n";  // not locked by anyone
  EXPECT_EQ(RunningServerPid(a.path), 0);
  StopResult r = StopServer(a.path);
  EXPECT_EQ(r.pid, 0);
  EXPECT_EQ(kill(other, 0), 0) << "cluster down signalled an unrelated process";
  kill(other, SIGKILL);
  waitpid(other, nullptr, 0);
  // A running server is found through its lock.
  Server s(Options(a.path));
  s.Start();
  EXPECT_EQ(RunningServerPid(a.path), getpid());
}

TEST(ExclusionTest, BearerSchemeIsCaseInsensitiveAndTokenMustMatch) {
  TempDir a("exclusion");
  Server s(Options(a.path));
  s.Start();
  httplib::SSLClient c("127.0.0.1", s.port());
  c.enable_server_certificate_verification(false);
  auto status = [&](const std::string& auth) {
    httplib::Headers h;
    if (!auth.empty()) h.emplace("Authorization", auth);
    auto r = c.Get("/api/v1/namespaces", h);
    return r ? r->status : -1;
  };
  EXPECT_EQ(status("Bearer " + s.token()), 200);
  EXPECT_EQ(status("bearer " + s.token()), 200);
  EXPECT_EQ(status("BEARER " + s.token()), 200);
  std::string wrong = s.token();
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(status("Bearer " + wrong), 401);
  EXPECT_EQ(status("Bearer " + s.token() + "x"), 401);
  EXPECT_EQ(status("Basic " + s.token()), 401);
  EXPECT_EQ(status(""), 401);
}

}  // namespace
}  // namespace capstan::cluster
