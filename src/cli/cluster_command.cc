// capstan cluster up|down|status: a local Kubernetes API server.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "cli/command.h"
#include "cluster/cluster.h"

namespace {

std::string ReadSmall(const std::string& path) {
  std::ifstream f(path);
  std::string s;
  std::getline(f, s);
  return s;
}

// Pid of the running server for `dir`, or 0.
pid_t RunningPid(const std::string& dir) {
  std::string s = ReadSmall(dir + "/server.pid");
  if (s.empty()) return 0;
  pid_t pid = static_cast<pid_t>(std::atol(s.c_str()));
  if (pid <= 0 || kill(pid, 0) != 0) return 0;
  return pid;
}

int Serve(capstan::cluster::ServerOptions opt, int ready_fd) {
  // Block termination signals in every thread; the main thread waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  capstan::cluster::Server server(opt);
  try {
    server.Start();
  } catch (const std::exception& e) {
    std::string msg = std::string("error ") + e.what() + "\n";
    if (ready_fd >= 0) {
      (void)!write(ready_fd, msg.data(), msg.size());
      close(ready_fd);
    } else {
      std::fprintf(stderr, "capstan cluster up: %s\n", e.what());
    }
    return 1;
  }
  {
    std::ofstream(opt.data_dir + "/server.pid") << getpid() << "\n";
    std::ofstream(opt.data_dir + "/port") << server.port() << "\n";
  }
  std::string ok = "ok " + std::to_string(server.port()) + "\n";
  if (ready_fd >= 0) {
    (void)!write(ready_fd, ok.data(), ok.size());
    close(ready_fd);
  } else {
    std::printf("capstan cluster: serving on %s\nexport KUBECONFIG=%s\n", server.server_url().c_str(),
                server.kubeconfig_path().c_str());
    std::fflush(stdout);
  }
  int sig = 0;
  sigwait(&set, &sig);
  server.Stop();
  unlink((opt.data_dir + "/server.pid").c_str());
  return 0;
}

int Up(capstan::cluster::ServerOptions opt, bool foreground) {
  if (pid_t pid = RunningPid(opt.data_dir)) {
    std::fprintf(stderr, "capstan cluster up: already running in %s (pid %d)\n",
                 opt.data_dir.c_str(), pid);
    return 1;
  }
  mkdir(opt.data_dir.c_str(), 0700);
  if (opt.port == 0) {
    // Reuse the previous port so an existing kubeconfig keeps working.
    std::string prev = ReadSmall(opt.data_dir + "/port");
    if (!prev.empty()) opt.port = std::atoi(prev.c_str());
  }
  if (foreground) return Serve(opt, -1);
  int fds[2];
  if (pipe(fds) != 0) {
    std::perror("capstan cluster up: pipe");
    return 1;
  }
  pid_t child = fork();
  if (child < 0) {
    std::perror("capstan cluster up: fork");
    return 1;
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
    _exit(Serve(opt, fds[1]));
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
    std::fprintf(stderr, "capstan cluster up: %s\n",
                 msg.empty() ? "server exited during start-up" : msg.c_str());
    // A port remembered from an earlier run may be taken now: say so.
    return 1;
  }
  int port = std::atoi(msg.c_str() + 3);
  std::printf("capstan cluster: serving on https://127.0.0.1:%d (data %s)\nexport KUBECONFIG=%s/kubeconfig\n",
              port, opt.data_dir.c_str(), opt.data_dir.c_str());
  return 0;
}

int Down(const std::string& dir) {
  pid_t pid = RunningPid(dir);
  if (!pid) {
    std::fprintf(stderr, "capstan cluster down: not running (%s)\n", dir.c_str());
    return 0;
  }
  kill(pid, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    if (kill(pid, 0) != 0) {
      std::printf("capstan cluster: stopped (pid %d)\n", pid);
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGKILL);
  unlink((dir + "/server.pid").c_str());
  std::fprintf(stderr, "capstan cluster down: pid %d did not stop in 10s; killed\n", pid);
  return 1;
}

int Status(const std::string& dir) {
  pid_t pid = RunningPid(dir);
  if (!pid) {
    std::printf("stopped (%s)\n", dir.c_str());
    return 1;
  }
  std::printf("running pid %d on https://127.0.0.1:%s\nexport KUBECONFIG=%s/kubeconfig\n", pid,
              ReadSmall(dir + "/port").c_str(), dir.c_str());
  return 0;
}

int Run(int argc, char** argv) {
  CLI::App app{"A local Kubernetes API server (kubectl works against it)", "capstan cluster"};
  app.require_subcommand(1);
  capstan::cluster::ServerOptions opt;
  std::string data = capstan::cluster::DefaultDataDir();
  bool foreground = false;
  auto* up = app.add_subcommand("up", "Start the cluster (daemonizes unless --foreground)");
  up->add_option("--data", data, "Data directory (state, certificates, kubeconfig)");
  up->add_option("--port", opt.port, "Port on 127.0.0.1 (default: previous port, else a free one)");
  up->add_option("--nodes", opt.nodes, "Simulated nodes")->check(CLI::Range(1, 1000));
  up->add_option("--rules", opt.rules_file, "Failure-simulation rules (YAML)")->check(CLI::ExistingFile);
  up->add_option("--openapi-dir", opt.openapi_dir, "Serve /openapi/v3 from this directory");
  up->add_option("--speed", opt.speed, "Simulated time runs this many times faster")->check(CLI::PositiveNumber);
  up->add_option("--pod-start-seconds", opt.pod_start_seconds, "Simulated seconds until a pod is ready");
  up->add_flag("--foreground", foreground, "Stay in the foreground");
  auto* down = app.add_subcommand("down", "Stop the cluster");
  down->add_option("--data", data, "Data directory");
  auto* status = app.add_subcommand("status", "Is the cluster running?");
  status->add_option("--data", data, "Data directory");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  opt.data_dir = data;
  if (*up) return Up(opt, foreground);
  if (*down) return Down(data);
  return Status(data);
}

capstan::cli::Command kCmd("cluster", "Run a local Kubernetes API server (up, down, status)", Run);

}  // namespace
