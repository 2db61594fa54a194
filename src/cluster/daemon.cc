#include "cluster/daemon.h"

#include "cluster/data_dir_lock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace capstan::cluster {
namespace {

std::string ReadFirstLine(const std::string& path) {
  std::ifstream f(path);
  std::string s;
  std::getline(f, s);
  return s;
}

void WriteAll(int fd, const std::string& s) { (void)!write(fd, s.data(), s.size()); }

}  // namespace

pid_t RunningServerPid(const std::string& dir) {
  // Only the holder of the data directory's lock is the server: a stale
  // server.pid may name an unrelated process by now.
  pid_t pid = DataDirLock::Holder(dir);
  if (pid <= 0 || kill(pid, 0) != 0) return 0;
  return pid;
}

std::string RecordedPort(const std::string& dir) { return ReadFirstLine(dir + "/port"); }

int ServeUntilSignalled(const ServerOptions& opt, const std::function<void(const Server&)>& ready,
                        const std::function<void(const std::string&)>& failed) {
  // Block termination signals in every thread; this thread waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  Server server(opt);
  try {
    server.Start();
  } catch (const std::exception& e) {
    if (failed) failed(e.what());
    return 1;
  }
  {
    std::ofstream(opt.data_dir + "/server.pid") << getpid() << "\n";
    std::ofstream(opt.data_dir + "/port") << server.port() << "\n";
  }
  if (ready) ready(server);
  int sig = 0;
  sigwait(&set, &sig);
  server.Stop();
  unlink((opt.data_dir + "/server.pid").c_str());
  return 0;
}

StartResult StartServer(ServerOptions opt, bool foreground, const std::function<void(const Server&)>& ready) {
  StartResult result;
  if (pid_t pid = RunningServerPid(opt.data_dir)) {
    result.already_running = pid;
    return result;
  }
  mkdir(opt.data_dir.c_str(), 0700);
  if (opt.port == 0) {
    // Reuse the previous port so an existing kubeconfig keeps working.
    std::string prev = RecordedPort(opt.data_dir);
    if (!prev.empty()) opt.port = std::atoi(prev.c_str());
  }
  if (foreground) {
    auto on_ready = [&](const Server& s) {
      result.port = s.port();
      if (ready) ready(s);
    };
    ServeUntilSignalled(opt, on_ready, [&](const std::string& e) { result.error = e; });
    return result;
  }
  int fds[2];
  if (pipe(fds) != 0) {
    result.error = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  pid_t child = fork();
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    result.error = std::string("fork: ") + std::strerror(errno);
    return result;
  }
  if (child == 0) {
    close(fds[0]);
    setsid();
    if (fork() > 0) _exit(0);  // the grandchild is not a session leader
    int log = open((opt.data_dir + "/server.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (log >= 0) {
      dup2(log, 1);
      dup2(log, 2);
    }
    int ready_fd = fds[1];
    int rc = ServeUntilSignalled(
        opt,
        [&](const Server& s) {
          WriteAll(ready_fd, "ok " + std::to_string(s.port()) + "\n");
          close(ready_fd);
        },
        [&](const std::string& e) {
          WriteAll(ready_fd, "error " + e + "\n");
          close(ready_fd);
        });
    _exit(rc);
  }
  close(fds[1]);
  waitpid(child, nullptr, 0);
  std::string msg;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) msg.append(buf, n);
  close(fds[0]);
  if (msg.rfind("ok ", 0) != 0) {
    if (msg.rfind("error ", 0) == 0) msg = msg.substr(6);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    result.error = msg.empty() ? "server exited during start-up" : msg;
    return result;
  }
  result.port = std::atoi(msg.c_str() + 3);
  return result;
}

StopResult StopServer(const std::string& dir) {
  StopResult result;
  result.pid = RunningServerPid(dir);
  if (!result.pid) return result;
  kill(result.pid, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    if (kill(result.pid, 0) != 0) return result;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (DataDirLock::Holder(dir) != result.pid) return result;  // gone meanwhile
  kill(result.pid, SIGKILL);
  unlink((dir + "/server.pid").c_str());
  result.killed = true;
  return result;
}

}  // namespace capstan::cluster
