// capstan cluster up|down|status: a local Kubernetes API server
// (src/cluster/daemon.h runs it; this file parses flags and prints).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "cli/command.h"
#include "cluster/cluster.h"
#include "cluster/daemon.h"

namespace {

namespace cluster = capstan::cluster;

int Up(const cluster::ServerOptions& opt, bool foreground) {
  auto ready = [](const cluster::Server& s) {
    std::printf("capstan cluster: serving on %s\nexport KUBECONFIG=%s\n", s.server_url().c_str(),
                s.kubeconfig_path().c_str());
    std::fflush(stdout);
  };
  cluster::StartResult r = cluster::StartServer(opt, foreground, ready);
  if (r.already_running) {
    std::fprintf(stderr, "capstan cluster up: already running in %s (pid %d)\n", opt.data_dir.c_str(),
                 r.already_running);
    return 1;
  }
  if (!r.error.empty()) {
    std::fprintf(stderr, "capstan cluster up: %s\n", r.error.c_str());
    return 1;
  }
  if (!foreground)
    std::printf("capstan cluster: serving on https://127.0.0.1:%d (data %s)\nexport KUBECONFIG=%s/kubeconfig\n",
                r.port, opt.data_dir.c_str(), opt.data_dir.c_str());
  return 0;
}

int Down(const std::string& dir) {
  cluster::StopResult r = cluster::StopServer(dir);
  if (!r.pid) {
    std::fprintf(stderr, "capstan cluster down: not running (%s)\n", dir.c_str());
    return 0;
  }
  if (r.killed) {
    std::fprintf(stderr, "capstan cluster down: pid %d did not stop in 10s; killed\n", r.pid);
    return 1;
  }
  std::printf("capstan cluster: stopped (pid %d)\n", r.pid);
  return 0;
}

int Status(const std::string& dir) {
  pid_t pid = cluster::RunningServerPid(dir);
  if (!pid) {
    std::printf("stopped (%s)\n", dir.c_str());
    return 1;
  }
  std::printf("running pid %d on https://127.0.0.1:%s\nexport KUBECONFIG=%s/kubeconfig\n", pid,
              cluster::RecordedPort(dir).c_str(), dir.c_str());
  return 0;
}

int Run(int argc, char** argv) {
  CLI::App app{"A local Kubernetes API server (kubectl works against it)", "capstan cluster"};
  app.require_subcommand(1);
  cluster::ServerOptions opt;
  std::string data = cluster::DefaultDataDir();
  bool foreground = false;
  auto* up = app.add_subcommand("up", "Start the cluster (daemonizes unless --foreground)");
  up->add_option("--data", data, "Data directory (state, certificates, kubeconfig)");
  up->add_option("--port", opt.port, "Port on 127.0.0.1 (default: previous port, else a free one)")
      ->check(CLI::Range(0, 65535));
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
