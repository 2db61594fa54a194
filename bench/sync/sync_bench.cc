// Sync throughput: N generated Applications (5 resources each: Namespace
// via CreateNamespace aside, ServiceAccount, ConfigMap, Secret, Service,
// Deployment) from one local Git repository, synced into a cluster reached
// through a kubeconfig (the local cluster, run out of process by run.sh so
// its CPU is not counted) by --workers parallel operations (as
// `capstan app sync -l`), or one after another into the in-memory fake
// target (--fake) to isolate the engine. The client throttle comes from
// ARGOCD_K8S_CLIENT_QPS/_BURST (default 50/100, as Argo CD).
//
// Prints apps/second for store and sync, the engine's CPU time
// (getrusage of this process: Git, render, compare, plan, client) and its
// peak RSS.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "app/kube_target.h"
#include "app/manager.h"
#include "app/sync_many.h"
#include "kube/client.h"
#include "lib/process_usage.h"
#include "sync/fake_target.h"
#include "yaml/yaml.h"

namespace fs = std::filesystem;
using namespace capstan;

namespace {

using capstan::bench::CpuSeconds;
using capstan::bench::PeakRssKb;

double Now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

void Run(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "sync_bench: failed: %s\n", cmd.c_str());
    std::exit(1);
  }
}

std::string Manifests(const std::string& n) {
  return "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: " + n +
         "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + n +
         "-config\ndata:\n  log-level: info\n  url: postgres://db:5432/" + n +
         "\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: " + n +
         "-secret\ntype: Opaque\nstringData:\n  token: not-a-real-token\n"
         "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: " + n +
         "\nspec:\n  selector:\n    app: " + n + "\n  ports:\n  - port: 80\n    targetPort: 80\n    name: http\n"
         "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + n +
         "\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: " + n +
         "\n  template:\n    metadata:\n      labels:\n        app: " + n +
         "\n    spec:\n      serviceAccountName: " + n + "\n      containers:\n      - name: app\n"
         "        image: registry.example.com/" + n + ":v1\n        ports:\n        - containerPort: 80\n";
}

}  // namespace

int main(int argc, char** argv) {
  int apps = 1000;
  std::string kubeconfig, workdir = "/tmp/capstan-sync-bench";
  bool fake = false;
  int workers = app::kDefaultSyncWorkers;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--apps" && i + 1 < argc) apps = std::atoi(argv[++i]);
    else if (a == "--kubeconfig" && i + 1 < argc) kubeconfig = argv[++i];
    else if (a == "--workdir" && i + 1 < argc) workdir = argv[++i];
    else if (a == "--fake") fake = true;
    else if (a == "--workers" && i + 1 < argc) workers = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: sync_bench [--apps N] [--kubeconfig FILE | --fake] [--workers N] [--workdir DIR]\n");
      return 2;
    }
  }
  fs::remove_all(workdir);
  fs::path work = fs::path(workdir) / "work", bare = fs::path(workdir) / "repo.git";
  for (int i = 0; i < apps; ++i) {
    std::string n = "svc-" + std::to_string(i);
    Write(work / "apps" / n / "manifests.yaml", Manifests(n));
  }
  Run("git init -q -b main " + work.string() + " && git -C " + work.string() +
      " -c user.name=b -c user.email=b@example.com add -A && git -C " + work.string() +
      " -c user.name=b -c user.email=b@example.com commit -q -m bench && git init -q --bare -b main " +
      bare.string() + " && git -C " + work.string() + " push -q " + bare.string() + " main");

  std::unique_ptr<kube::Client> client;
  std::unique_ptr<sync::Target> target;
  app::KubeTarget* kube_target = nullptr;
  kube::ClientOptions co = kube::ClientOptionsFromEnv();
  if (fake) {
    target = std::make_unique<sync::FakeTarget>();
    workers = 1;  // the fake is single-threaded
  } else {
    kube::KubeconfigOptions ko;
    ko.explicit_path = kubeconfig;
    co.max_idle_handles = 2 * workers;
    client = std::make_unique<kube::Client>(kube::LoadKubeconfig(ko), co);
    auto kt = std::make_unique<app::KubeTarget>(*client, &client->discovery());
    kube_target = kt.get();
    target = std::move(kt);
  }
  app::ManagerOptions mo;
  mo.cache_dir = workdir + "/cache";
  mo.engine.wave_delay_ms = 0;
  mo.fetch_interval_ms = 60000;  // one fetch for the whole run, as a controller would
  app::Manager m(*target, mo);

  double cpu0 = CpuSeconds(), t0 = Now();
  for (int i = 0; i < apps; ++i) {
    std::string n = "svc-" + std::to_string(i);
    m.Store(yaml::ParseOne("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " + n +
                           "\nspec:\n  source:\n    repoURL: file://" + bare.string() +
                           "\n    targetRevision: main\n    path: apps/" + n +
                           "\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: " + n +
                           "\n  syncPolicy:\n    syncOptions:\n    - CreateNamespace=true\n"),
            "bench");
  }
  double t1 = Now(), cpu1 = CpuSeconds();
  std::vector<app::Application> all = m.List();
  if (kube_target) kube_target->Prefetch(app::kInstanceLabel);
  std::vector<app::SyncRequest> requests(all.size());
  std::vector<app::SyncOutcome> outs = app::SyncMany(m, all, requests, workers);
  int failed = 0;
  for (size_t i = 0; i < outs.size(); ++i) {
    if (outs[i].result.phase != "Succeeded" && ++failed <= 3)
      std::fprintf(stderr, "%s: %s\n", all[i].name.c_str(), outs[i].result.message.c_str());
  }
  double t2 = Now(), cpu2 = CpuSeconds();
  std::printf("target: %s, %d worker(s), client throttle %s\napps: %d (5 resources each + namespace), failed: %d\n",
              fake ? "in-memory fake" : "cluster via kubeconfig", workers,
              fake ? "-" : co.qps > 0 ? (std::to_string(static_cast<int>(co.qps)) + " QPS / burst " +
                                         std::to_string(co.burst)).c_str() : "off",
              apps, failed);
  std::printf("store: %.2f s (%.0f apps/s), engine CPU %.2f s\n", t1 - t0, apps / (t1 - t0), cpu1 - cpu0);
  std::printf("sync:  %.2f s (%.1f apps/s), engine CPU %.2f s (%.2f ms/app)\n", t2 - t1, apps / (t2 - t1),
              cpu2 - cpu1, (cpu2 - cpu1) * 1000 / apps);
  std::printf("peak RSS of the engine process: %ld MB\n", PeakRssKb() / 1024);
  fs::remove_all(workdir);
  return failed ? 1 : 0;
}
