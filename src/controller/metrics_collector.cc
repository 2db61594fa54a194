// The controller's metrics: Argo CD's names, labels and buckets
// (controller/metrics/metrics.go, clustercollector.go, the repo server's
// Git metrics for capstan's own fetches, controller-runtime's workqueue
// series), process metrics, and capstan's per-app success metrics.
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <dirent.h>
#include <fstream>
#include <sstream>

#include "controller/controller.h"
#include "base/clock.h"
#include "controller/deploy_stats.h"

namespace capstan::controller {
namespace {

const std::vector<double> kReconcileBuckets = {0.25, 0.5, 1, 2, 4, 8, 16};
const std::vector<double> kGitBuckets = {0.1, 0.25, 0.5, 1, 2, 4, 10, 20};
const std::vector<double> kDeployBuckets = {1, 2, 5, 10, 30, 60, 120, 300, 600, 1800};

struct Process {
  double cpu_seconds = 0, rss_bytes = 0, vm_bytes = 0, open_fds = 0, max_fds = 0, threads = 0;
};

Process ReadProcess() {
  Process p;
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  if (close != std::string::npos) {
    std::istringstream in(text.substr(close + 2));
    std::vector<std::string> f;
    std::string x;
    while (in >> x) f.push_back(x);
    // Fields after the command: state(0) ... utime(11) stime(12) ... num_threads(17) ... vsize(20) rss(21).
    long tick = sysconf(_SC_CLK_TCK);
    if (f.size() > 21) {
      p.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / double(tick);
      p.threads = std::stod(f[17]);
      p.vm_bytes = std::stod(f[20]);
      p.rss_bytes = std::stod(f[21]) * double(sysconf(_SC_PAGESIZE));
    }
  }
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) p.open_fds += 1;
    closedir(d);
    p.open_fds -= 2;
  }
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) p.max_fds = double(rl.rlim_cur);
  return p;
}

// Argo CD's NormalizeGitURL, roughly: lowercase, no trailing .git or slash.
std::string NormalizeRepo(std::string url) {
  for (auto& c : url) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.ends_with(".git")) url.resize(url.size() - 4);
  return url;
}

}  // namespace

void Controller::DeclareMetrics() {
  using T = MetricType;
  Registry& m = metrics_;
  m.Declare("argocd_app_info", T::kGauge, "Information about application.");
  m.Declare("argocd_app_sync_total", T::kCounter, "Number of application syncs.");
  m.Declare("argocd_app_sync_duration_seconds_total", T::kCounter, "Application sync performance in seconds total.");
  m.Declare("argocd_app_k8s_request_total", T::kCounter, "Number of kubernetes requests executed during application reconciliation.");
  m.Declare("argocd_app_reconcile", T::kHistogram, "Application reconciliation performance in seconds.", kReconcileBuckets);
  m.Declare("argocd_app_orphaned_resources_count", T::kGauge, "Number of orphaned resources per application");
  m.Declare("argocd_kubectl_exec_pending", T::kGauge, "Number of pending kubectl executions");
  m.Declare("argocd_kubectl_exec_total", T::kCounter, "Number of kubectl executions");
  m.Declare("argocd_cluster_info", T::kGauge, "Information about cluster.");
  m.Declare("argocd_cluster_api_resource_objects", T::kGauge, "Number of k8s resource objects in the cache.");
  m.Declare("argocd_cluster_api_resources", T::kGauge, "Number of monitored kubernetes API resources.");
  m.Declare("argocd_cluster_cache_age_seconds", T::kGauge, "Cluster cache age in seconds.");
  m.Declare("argocd_cluster_connection_status", T::kGauge, "The k8s cluster current connection status.");
  m.Declare("argocd_cluster_events_total", T::kCounter, "Number of processes k8s resource events.");
  m.Declare("argocd_resource_events_processing", T::kHistogram, "Time to process resource events in seconds.", kReconcileBuckets);
  m.Declare("argocd_git_request_total", T::kCounter, "Number of git requests performed by repo server");
  m.Declare("argocd_git_request_duration_seconds", T::kHistogram, "Git requests duration seconds.", kGitBuckets);
  m.Declare("argocd_git_fetch_fail_total", T::kCounter, "Number of git fetch requests failures by repo server");
  m.Declare("workqueue_depth", T::kGauge, "Current depth of workqueue");
  m.Declare("workqueue_adds_total", T::kCounter, "Total number of adds handled by workqueue");
  m.Declare("process_cpu_seconds_total", T::kCounter, "Total user and system CPU time spent in seconds.");
  m.Declare("process_resident_memory_bytes", T::kGauge, "Resident memory size in bytes.");
  m.Declare("process_virtual_memory_bytes", T::kGauge, "Virtual memory size in bytes.");
  m.Declare("process_start_time_seconds", T::kGauge, "Start time of the process since unix epoch in seconds.");
  m.Declare("process_open_fds", T::kGauge, "Number of open file descriptors.");
  m.Declare("process_max_fds", T::kGauge, "Maximum number of open file descriptors.");
  m.Declare("process_threads", T::kGauge, "Number of OS threads in the process.");
  // Not Go, but the same meaning, so the dashboard's Memory panel works:
  // bytes of allocated heap objects (malloc's in-use bytes).
  m.Declare("go_memstats_heap_alloc_bytes", T::kGauge, "Number of heap bytes allocated and still in use (malloc in-use bytes).");
  m.Declare("capstan_app_deploy_success_rate", T::kGauge, "Succeeded / all sync operations of the application (status.capstan.deployments).");
  m.Declare("capstan_app_time_to_deploy_seconds", T::kGauge, "Last time to deploy: commit first seen (else sync start) to Synced and Healthy at it (status.capstan.deployments).");
  m.Declare("capstan_app_time_to_rollback_seconds", T::kGauge, "Last time to roll back: rollback start to Synced and Healthy (status.capstan.deployments).");
  m.Declare("capstan_shard_held", T::kGauge, "1 for each shard whose apps this replica processes (its own and adopted ones).");
  m.Declare("capstan_leader", T::kGauge, "1 when this controller holds the lease (or runs without leader election).");
  m.Declare("capstan_app_deploy_total", T::kCounter, "Sync operations per application by final phase (deployment success rate = Succeeded / all).");
  m.Declare("capstan_app_commit_to_healthy_seconds", T::kHistogram, "Time from a new commit first seen by the controller to the application Synced and Healthy at it.", kDeployBuckets);
  m.Declare("capstan_manifests_reused_total", T::kCounter, "New commits whose manifests were reused without rendering (manifest-generate-paths unchanged).");
  m.Declare("capstan_app_rollback_seconds", T::kHistogram, "Duration of rollback operations (syncs to a history entry's source).", kDeployBuckets);
}

std::string Controller::RenderMetrics() {
  Registry& m = metrics_;
  for (const char* f : {"argocd_app_info", "argocd_cluster_info", "argocd_cluster_api_resource_objects",
                        "argocd_cluster_api_resources", "argocd_cluster_cache_age_seconds",
                        "argocd_cluster_connection_status", "workqueue_depth", "workqueue_adds_total",
                        "argocd_kubectl_exec_pending", "argocd_app_orphaned_resources_count",
                        "capstan_app_deploy_success_rate", "capstan_app_time_to_deploy_seconds",
                        "capstan_app_time_to_rollback_seconds"})
    m.Clear(f);
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [name, e] : apps_) {
      if (!Mine(name)) continue;  // as Argo CD: each replica reports the apps it processes
      const AppInfo& i = e.info;
      auto or_unknown = [](std::string s) { return s.empty() ? std::string("Unknown") : s; };
      std::string op;
      if (i.deleting) op = "delete";
      else if (i.operation) op = "sync";
      m.Set("argocd_app_info",
            {{"namespace", i.ns}, {"name", name}, {"project", i.project},
             {"autosync_enabled", i.autosync ? "true" : "false"},
             {"repo", NormalizeRepo(i.repo_url)},
             {"dest_server", i.dest_server},
             {"dest_namespace", i.dest_namespace},
             {"sync_status", or_unknown(i.sync_status)},
             {"health_status", or_unknown(i.health_status)}, {"operation", op}},
            1);
      m.Set("argocd_app_orphaned_resources_count", {{"namespace", i.ns}, {"name", name}, {"project", i.project}}, 0);
      // The success metrics kept in status (deploy_stats.h).
      Labels al{{"namespace", i.ns}, {"name", name}, {"project", i.project}};
      if (i.success_rate >= 0) m.Set("capstan_app_deploy_success_rate", al, i.success_rate);
      if (i.time_to_deploy_s >= 0) m.Set("capstan_app_time_to_deploy_seconds", al, i.time_to_deploy_s);
      if (i.time_to_rollback_s >= 0) m.Set("capstan_app_time_to_rollback_seconds", al, i.time_to_rollback_s);
    }
  }
  std::string server = options_.server;
  std::vector<cache::KindStats> kinds = cache_->Stats();
  int64_t now = base::RealClock().NowMs();
  int64_t oldest = 0;
  for (const auto& k : kinds)
    if (!oldest || (k.synced_at_ms && k.synced_at_ms < oldest)) oldest = k.synced_at_ms;
  m.Set("argocd_cluster_info", {{"server", server}, {"k8s_version", "1.32"}, {"name", "in-cluster"}}, 1);
  m.Set("argocd_cluster_api_resource_objects", {{"server", server}}, double(cache_->ObjectCount()));
  m.Set("argocd_cluster_api_resources", {{"server", server}}, double(kinds.size()));
  m.Set("argocd_cluster_cache_age_seconds", {{"server", server}}, oldest ? double(now - oldest) / 1000.0 : -1);
  m.Set("argocd_cluster_connection_status", {{"server", server}, {"k8s_version", "1.32"}}, apps_synced_ ? 1 : 0);
  for (WorkQueue* q : {&refresh_queue_, &operation_queue_}) {
    m.Set("workqueue_depth", {{"name", q->name()}}, double(q->Depth()));
    m.Set("workqueue_adds_total", {{"name", q->name()}}, double(q->Adds()));
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    m.Set("argocd_kubectl_exec_pending", {{"hostname", "capstan"}, {"command", "apply"}}, double(running_.size()));
  }
  Process p = ReadProcess();
  m.Set("process_cpu_seconds_total", {}, 0);
  m.Add("process_cpu_seconds_total", {}, p.cpu_seconds);
  m.Set("process_resident_memory_bytes", {}, p.rss_bytes);
  m.Set("process_virtual_memory_bytes", {}, p.vm_bytes);
  m.Set("process_start_time_seconds", {}, double(start_ms_) / 1000.0);
  m.Set("process_open_fds", {}, p.open_fds);
  m.Set("process_max_fds", {}, p.max_fds);
  m.Set("process_threads", {}, p.threads);
  struct mallinfo2 mi = mallinfo2();
  m.Set("go_memstats_heap_alloc_bytes", {}, double(mi.uordblks + mi.hblkhd));
  m.Set("capstan_leader", {}, leading_ ? 1 : 0);
  m.Clear("capstan_shard_held");
  for (int s : owned_.Held()) m.Set("capstan_shard_held", {{"shard", std::to_string(s)}}, 1);
  return m.Render();
}

}  // namespace capstan::controller
