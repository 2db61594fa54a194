// Load generator for the local cluster, on loopback through real HTTPS:
// creates, updates, gets, lists per second, watch fan-out (events delivered
// per second to N watchers), and resident memory with 100,000 stored
// objects. Usage: cluster_load [objects=100000] [watchers=20]
#include <httplib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cluster/cluster.h"

using Clock = std::chrono::steady_clock;

static long RssKb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

static double Secs(Clock::time_point a) {
  return std::chrono::duration<double>(Clock::now() - a).count();
}

int main(int argc, char** argv) {
  int objects = argc > 1 ? std::atoi(argv[1]) : 100000;
  int watchers = argc > 2 ? std::atoi(argv[2]) : 20;
  char tmpl[] = "/tmp/capstan-bench-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  capstan::cluster::ServerOptions opt;
  opt.data_dir = dir;
  opt.controllers = false;
  opt.watch_history = 200000;
  capstan::cluster::Server server(opt);
  server.Start();
  long rss0 = RssKb();
  std::string auth = "Bearer " + server.token();
  auto client = [&] {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", server.port());
    c->enable_server_certificate_verification(false);
    c->set_default_headers({{"Authorization", auth}});
    c->set_keep_alive(true);
    return c;
  };
  const int threads = 4;
  // Watch fan-out: N watchers on configmaps in ns "default".
  std::atomic<long> delivered{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> ws;
  for (int i = 0; i < watchers; ++i)
    ws.emplace_back([&] {
      auto c = client();
      c->set_read_timeout(5, 0);
      while (!stop) {
        c->Get("/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=2",
               [&](const char* data, size_t n) {
                 for (size_t k = 0; k < n; ++k)
                   if (data[k] == '\n') ++delivered;
                 return !stop.load();
               });
      }
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto t0 = Clock::now();
  std::atomic<int> next{0}, errors{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&] {
      auto c = client();
      int i;
      while ((i = next++) < objects) {
        std::string body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-" +
                           std::to_string(i) + "\",\"labels\":{\"bench\":\"x\",\"n\":\"" +
                           std::to_string(i % 10) + "\"}},\"data\":{\"key\":\"value-" +
                           std::to_string(i) + "\"}}";
        auto r = c->Post("/api/v1/namespaces/default/configmaps", body, "application/json");
        if (!r || r->status != 201) ++errors;
      }
    });
  for (auto& t : ts) t.join();
  ts.clear();
  double create_s = Secs(t0);
  long delivered_creates = delivered.load();
  std::printf("creates: %d in %.2fs = %.0f/s (%d errors)\n", objects, create_s, objects / create_s, errors.load());
  std::printf("watch fan-out: %d watchers, %ld events delivered = %.0f events/s\n", watchers,
              delivered_creates, delivered_creates / create_s);
  int updates = std::min(objects, 20000);
  next = 0;
  t0 = Clock::now();
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&] {
      auto c = client();
      int i;
      while ((i = next++) < updates) {
        std::string patch = "{\"data\":{\"key\":\"updated-" + std::to_string(i) + "\"}}";
        auto r = c->Patch("/api/v1/namespaces/default/configmaps/cm-" + std::to_string(i), patch,
                          "application/merge-patch+json");
        if (!r || r->status != 200) ++errors;
      }
    });
  for (auto& t : ts) t.join();
  ts.clear();
  double upd_s = Secs(t0);
  std::printf("updates (merge patch): %d in %.2fs = %.0f/s\n", updates, upd_s, updates / upd_s);
  int gets = 20000;
  next = 0;
  t0 = Clock::now();
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&] {
      auto c = client();
      int i;
      while ((i = next++) < gets) {
        auto r = c->Get("/api/v1/namespaces/default/configmaps/cm-" + std::to_string(i % objects));
        if (!r || r->status != 200) ++errors;
      }
    });
  for (auto& t : ts) t.join();
  ts.clear();
  double get_s = Secs(t0);
  std::printf("gets: %d in %.2fs = %.0f/s\n", gets, get_s, gets / get_s);
  {
    auto c = client();
    t0 = Clock::now();
    int lists = 5;
    size_t bytes = 0;
    for (int i = 0; i < lists; ++i) {
      auto r = c->Get("/api/v1/namespaces/default/configmaps");
      if (r) bytes = r->body.size();
    }
    double s = Secs(t0);
    std::printf("full lists of %d objects: %.3fs each (%.1f MB)\n", objects, s / lists, bytes / 1e6);
    t0 = Clock::now();
    for (int i = 0; i < 200; ++i) c->Get("/api/v1/namespaces/default/configmaps?limit=500");
    std::printf("paged lists (limit=500): %.0f/s\n", 200 / Secs(t0));
    t0 = Clock::now();
    for (int i = 0; i < 5; ++i) c->Get("/api/v1/namespaces/default/configmaps?labelSelector=n%3D3");
    std::printf("label-selected list (1/10 match): %.3fs each\n", Secs(t0) / 5);
  }
  stop = true;
  for (auto& w : ws) w.join();
  std::printf("memory: RSS %ld MB with %d objects stored (%ld MB before load)\n", RssKb() / 1024,
              objects, rss0 / 1024);
  std::printf("errors: %d\n", errors.load());
  server.Stop();
  std::filesystem::remove_all(dir);
  return errors.load() ? 1 : 0;
}
