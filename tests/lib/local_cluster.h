// For end-to-end tests: the local cluster (src/cluster) in a fresh temp dir,
// a Kubernetes client of it (through its kubeconfig, as any cluster) and a
// sync target over that client. The destructor stops the cluster and
// removes the dir.
#ifndef CAPSTAN_TESTS_LIB_LOCAL_CLUSTER_H_
#define CAPSTAN_TESTS_LIB_LOCAL_CLUSTER_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "app/kube_target.h"
#include "cluster/cluster.h"
#include "kube/client.h"

namespace capstan::e2e {

struct LocalCluster {
  // The dir is /tmp/capstan-<name>-XXXXXX; options.data_dir becomes its
  // cluster/ and, when `rules` is given, options.rules_file its rules.yaml.
  LocalCluster(const std::string& name, cluster::ServerOptions options, const std::string& rules = "") {
    std::string tmpl = "/tmp/capstan-" + name + "-XXXXXX";
    root = mkdtemp(tmpl.data());
    try {
      if (!rules.empty()) {
        std::ofstream(root / "rules.yaml") << rules;
        options.rules_file = (root / "rules.yaml").string();
      }
      options.data_dir = (root / "cluster").string();
      server = std::make_unique<cluster::Server>(options);
      server->Start();
      kube::KubeconfigOptions ko;
      ko.explicit_path = server->kubeconfig_path();
      client = std::make_unique<kube::Client>(kube::LoadKubeconfig(ko));
      target = std::make_unique<app::KubeTarget>(*client, &client->discovery());
    } catch (...) {
      Stop();
      throw;
    }
  }
  ~LocalCluster() { Stop(); }
  LocalCluster(const LocalCluster&) = delete;
  LocalCluster& operator=(const LocalCluster&) = delete;

  std::filesystem::path root;
  std::unique_ptr<cluster::Server> server;
  std::unique_ptr<kube::Client> client;
  std::unique_ptr<app::KubeTarget> target;

 private:
  void Stop() {
    target.reset();
    client.reset();
    if (server) server->Stop();
    server.reset();
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
  }
};

}  // namespace capstan::e2e

#endif  // CAPSTAN_TESTS_LIB_LOCAL_CLUSTER_H_
