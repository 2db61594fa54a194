// capstan controller: the long-running GitOps controller (Argo CD's
// application controller) for the Applications stored in a cluster.
// Runs until SIGTERM/SIGINT, then drains (running operations finish) and
// exits 0.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>

#include "cli/command.h"
#include "cli/kube_flags.h"
#include "controller/controller.h"
#include "controller/metrics_server.h"
#include "git/git.h"
#include "kube/client.h"
#include "sync/retry.h"
#include "yaml/yaml.h"

namespace {

namespace ctl = capstan::controller;
namespace kube = capstan::kube;

int Fail(const std::string& msg) {
  std::fprintf(stderr, "capstan controller: %s\n", msg.c_str());
  return 1;
}

std::string JsonString(const std::string& s) { return capstan::yaml::EmitJson(capstan::yaml::Node::String(s)); }

int Level(const std::string& l) {
  if (l == "debug") return 0;
  if (l == "info") return 1;
  if (l == "warn") return 2;
  return 3;
}

int Run(int argc, char** argv) {
  CLI::App cli{"Continuous GitOps: reconcile the Applications stored in a cluster", "capstan controller"};
  capstan::cli::KubeFlags kube_flags;
  std::string apps_namespace = "argocd", resync = "120s", jitter = "60s", repo_poll;
  std::string log_format = "text", log_level = "info", cache_dir, credentials, metrics_address = "127.0.0.1";
  std::string metrics_token_file, lease_name, identity, sharding_method;
  int status_processors = 20, operation_processors = 10, metrics_port = 8082, shard = -1, replicas = 0;
  int64_t heal_timeout = 2, heal_factor = 3, heal_cap = 300, lease_seconds = 15;
  bool leader_elect = false;
  cli.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // the last --flag wins
  capstan::cli::AddKubeFlags(&cli, &kube_flags);
  cli.add_option("--app-namespace", apps_namespace, "Namespace holding Applications and AppProjects");
  cli.add_option("--status-processors", status_processors, "Application status processors")->check(CLI::Range(1, 1000));
  cli.add_option("--operation-processors", operation_processors, "Application operation processors")->check(CLI::Range(1, 1000));
  cli.add_option("--resync", resync, "Resync interval (Go duration; 0 turns it off)");
  cli.add_option("--resync-jitter", jitter, "Random extra delay of each resync (Go duration)");
  cli.add_option("--repo-poll", repo_poll, "Interval between fetches of each repository (default: the resync interval)");
  cli.add_option("--self-heal-backoff-timeout-seconds", heal_timeout, "Self-heal backoff: first delay");
  cli.add_option("--self-heal-backoff-factor", heal_factor, "Self-heal backoff: factor");
  cli.add_option("--self-heal-backoff-cap-seconds", heal_cap, "Self-heal backoff: maximum delay");
  cli.add_option("--metrics-port", metrics_port, "Port of /metrics (0: a free one)")->check(CLI::Range(0, 65535));
  cli.add_option("--metrics-address", metrics_address, "Address /metrics binds (default 127.0.0.1)");
  cli.add_option("--metrics-token-file", metrics_token_file, "Require this bearer token on /metrics");
  cli.add_option("--shard", shard, "This replica's shard (default: the StatefulSet ordinal, else 0)");
  cli.add_option("--replicas", replicas, "Number of controller replicas (default: ARGOCD_CONTROLLER_REPLICAS, else 1)");
  cli.add_option("--sharding-method", sharding_method,
                 "legacy|round-robin (default: ARGOCD_CONTROLLER_SHARDING_ALGORITHM, else legacy)");
  cli.add_flag("--leader-elect", leader_elect, "Process Applications only while holding a coordination.k8s.io Lease");
  cli.add_option("--lease-name", lease_name, "Lease name (default capstan-controller[-shard-N])");
  cli.add_option("--lease-duration-seconds", lease_seconds,
                 "Lease duration (the leader Lease, and with --replicas > 1 each shard's: a dead replica's apps are adopted within it)")->check(CLI::Range(1, 3600));
  cli.add_option("--identity", identity, "Holder identity in the Lease (default hostname_pid)");
  cli.add_option("--log-format", log_format, "text|json")->check(CLI::IsMember({"text", "json"}));
  cli.add_option("--log-level", log_level, "debug|info|warn|error")->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  cli.add_option("--cache-dir", cache_dir, "Git cache directory (default $CAPSTAN_HOME/cache)");
  cli.add_option("--credentials", credentials, "Repository credentials file");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }

  ctl::ControllerOptions o;
  auto dur = [](const std::string& flag, const std::string& text, int64_t* out) -> bool {
    auto ms = capstan::sync::ParseDurationMs(text);
    if (!ms || *ms < 0) return false;
    *out = *ms;
    return true;
  };
  if (!dur("--resync", resync, &o.resync_ms)) return Fail("--resync " + resync + ": not a duration (e.g. 120s, 3m)");
  if (!dur("--resync-jitter", jitter, &o.resync_jitter_ms)) return Fail("--resync-jitter " + jitter + ": not a duration");
  if (!repo_poll.empty() && !dur("--repo-poll", repo_poll, &o.repo_poll_ms))
    return Fail("--repo-poll " + repo_poll + ": not a duration");
  o.apps_namespace = apps_namespace;
  o.status_processors = status_processors;
  o.operation_processors = operation_processors;
  o.self_heal = {heal_timeout * 1000, heal_factor, heal_cap * 1000};
  // Sharding: flags, else the StatefulSet ordinal and Argo CD's variable.
  if (replicas <= 0) {
    replicas = 1;
    if (const char* r = getenv("ARGOCD_CONTROLLER_REPLICAS")) replicas = std::max(1, atoi(r));
  }
  if (shard < 0) {
    shard = 0;
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    std::string h = host;
    size_t dash = h.rfind('-');
    if (replicas > 1 && dash != std::string::npos && dash + 1 < h.size() &&
        h.find_first_not_of("0123456789", dash + 1) == std::string::npos)
      shard = atoi(h.c_str() + dash + 1);
  }
  if (shard >= replicas) return Fail("--shard " + std::to_string(shard) + ": must be below --replicas " + std::to_string(replicas));
  o.shard = shard;
  o.replicas = replicas;
  if (sharding_method.empty())
    if (const char* a = getenv("ARGOCD_CONTROLLER_SHARDING_ALGORITHM")) sharding_method = a;
  if (sharding_method.empty()) sharding_method = "legacy";
  auto method = ctl::ParseShardingMethod(sharding_method);
  if (!method) return Fail("--sharding-method " + sharding_method + ": must be legacy or round-robin");
  o.sharding = *method;
  o.shard_lease_duration_ms = lease_seconds * 1000;
  if (identity.empty()) {
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    identity = std::string(host) + "_" + std::to_string(getpid());
  }
  o.identity = identity;
  if (leader_elect)
    o.lease_name = !lease_name.empty() ? lease_name
                   : replicas > 1       ? "capstan-controller-shard-" + std::to_string(shard)
                                        : "capstan-controller";
  o.lease_duration_ms = lease_seconds * 1000;
  o.manager.cache_dir = cache_dir;
  if (const char* d = getenv("CAPSTAN_SYNC_WAVE_DELAY_MS")) o.manager.engine.wave_delay_ms = atoll(d);
  else if (const char* d2 = getenv("ARGOCD_SYNC_WAVE_DELAY")) o.manager.engine.wave_delay_ms = atoll(d2) * 1000;
  int min_level = Level(log_level);
  std::mutex log_mu;
  bool json = log_format == "json";
  o.log = [&](const std::string& level, const std::string& msg, const std::string& app) {
    if (Level(level) < min_level) return;
    char ts[32];
    std::time_t t = std::time(nullptr);
    std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    std::lock_guard<std::mutex> l(log_mu);
    if (json)
      std::fprintf(stderr, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":%s%s%s}\n", ts, level.c_str(), JsonString(msg).c_str(),
                   app.empty() ? "" : ",\"application\":", app.empty() ? "" : JsonString(app).c_str());
    else
      std::fprintf(stderr, "time=%s level=%s msg=%s%s%s\n", ts, level.c_str(), JsonString(msg).c_str(),
                   app.empty() ? "" : " application=", app.c_str());
    std::fflush(stderr);
  };

  // Signals go to sigwait below, not to the worker threads.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  try {
    kube::Config cfg = capstan::cli::LoadKubeConfig(kube_flags);
    if (!credentials.empty()) o.manager.credentials = capstan::git::Credentials::Load(credentials);
    o.server = cfg.server;
    kube::ClientOptions co = kube::ClientOptionsFromEnv();
    // Every processor, plus the watches, lease, poller and Events beside
    // them: fewer cached connections than callers means a new TLS
    // connection (SSL_CTX, CA parse, handshake) for many requests.
    co.max_idle_handles = status_processors + operation_processors + 16;
    kube::Client client(cfg, co);
    kube::ClientOptions lco = co;  // Leases: a bucket of their own, as controller-runtime's leader election
    lco.max_idle_handles = 2;
    kube::Client lease_client(cfg, lco);
    o.lease_client = &lease_client;
    std::string token;
    if (!metrics_token_file.empty()) {
      std::ifstream in(metrics_token_file);
      if (!in) return Fail(metrics_token_file + ": cannot read the metrics token file");
      std::getline(in, token);
      if (token.empty()) return Fail(metrics_token_file + ": the metrics token file is empty");
    }
    ctl::Controller controller(client, o);
    ctl::MetricsServer metrics(metrics_address, metrics_port, token, [&] { return controller.RenderMetrics(); });
    metrics.Start();
    o.log("info", "metrics on http://" + metrics_address + ":" + std::to_string(metrics.port()) + "/metrics", "");
    controller.Start();
    int sig = 0;
    sigwait(&sigs, &sig);
    o.log("info", std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", draining", "");
    controller.Stop();
    metrics.Stop();
    return 0;
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
}

capstan::cli::Command kCmd("controller", "Run the GitOps controller (automated sync, self-heal, metrics)", Run);

}  // namespace
