// capstan server: Argo CD's API server and web dashboard (src/server).
//
//   capstan server [--kubeconfig F] [--port 8080] [--address 127.0.0.1]
//                  [--insecure] [--tls-cert F --tls-key F] [--app-namespace argocd]
//
// Serves in the foreground until SIGINT/SIGTERM. On first start it prints
// the generated admin password once (also kept in the Secret
// argocd-initial-admin-secret).
#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>

#include "cli/command.h"
#include "cli/kube_flags.h"
#include "kube/client.h"
#include "server/server.h"

namespace capstan::cli {
namespace {

int Run(int argc, char** argv) {
  CLI::App cli{"Argo CD-compatible API server and web dashboard", "capstan server"};
  KubeFlags kube_flags;
  std::string port_file;
  server::ServerOptions opt;
  AddKubeFlags(&cli, &kube_flags);
  cli.add_option("--port", opt.port, "Port to listen on (default 8080; 0 picks a free one)")->check(CLI::Range(0, 65535));
  cli.add_option("--address", opt.address, "Address to listen on (default 127.0.0.1)");
  cli.add_flag("--insecure", opt.insecure, "Serve plain HTTP (behind a TLS-terminating proxy)");
  cli.add_option("--tls-cert", opt.tls_cert, "TLS certificate (PEM) instead of the argocd-server-tls Secret");
  cli.add_option("--tls-key", opt.tls_key, "TLS private key (PEM)");
  cli.add_option("--app-namespace,--namespace", opt.api.ns, "Namespace of Applications, AppProjects and settings");
  cli.add_option("--cache-dir", opt.api.cache_dir, "Git cache directory (default $CAPSTAN_HOME/cache)");
  cli.add_option("--port-file", port_file, "Write the port listened on to this file once serving");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  try {
    kube::Client client(LoadKubeConfig(kube_flags), kube::ClientOptionsFromEnv());
    server::Server server(client, opt);
    std::string password = server.Start();
    std::printf("capstan server: serving on %s\n", server.url().c_str());
    if (!password.empty())
      std::printf("capstan server: initial admin password: %s (also in Secret %s/argocd-initial-admin-secret)\n",
                  password.c_str(), opt.api.ns.c_str());
    std::fflush(stdout);
    if (!port_file.empty()) {
      std::ofstream tmp(port_file + ".tmp");
      tmp << server.port() << "\n";
      tmp.close();
      std::rename((port_file + ".tmp").c_str(), port_file.c_str());
    }
    int sig = 0;
    sigwait(&set, &sig);
    server.Stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstan server: %s\n", e.what());
    return 1;
  }
  return 0;
}

Command kCmd("server", "Argo CD-compatible API server and web dashboard", Run);

}  // namespace
}  // namespace capstan::cli
