// Load generator for the local cluster, on loopback through real HTTPS
// (the same server and options as `capstan cluster up`). The server runs in
// a forked child process so that its resident memory and CPU time are
// measured apart from the load generator.
//
// Phases, in order, with `watchers` watches on the ConfigMaps of namespace
// "default" open throughout (each started at the current resourceVersion,
// so every watcher must receive every create and update event):
//   creates   `objects` ConfigMaps, 4 client threads
//   updates   min(objects, 20000) merge patches, 4 client threads
//   gets      20000 GETs of single objects, 4 client threads
//   lists     full LIST of all objects, paged LIST (limit=500) walked to the
//             end with continue tokens, label-selected LIST (1 in 10 match)
// then the server's RSS with all objects stored.
//
// Usage: cluster_load [objects=100000] [watchers=10]
// Exit status 0 when every request succeeded and every watcher received
// every event; 1 otherwise.
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cluster/cluster.h"

using Clock = std::chrono::steady_clock;

namespace {

double Secs(Clock::time_point a, Clock::time_point b = Clock::now()) {
  return std::chrono::duration<double>(b - a).count();
}

// VmRSS / VmHWM of a process, in KiB.
long StatusKb(pid_t pid, const char* field) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  size_t n = std::strlen(field);
  while (std::getline(f, line))
    if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':')
      return std::atol(line.c_str() + n + 1);
  return 0;
}

// User + system CPU seconds of a process.
double CpuSecs(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t p = s.rfind(')');
  if (p == std::string::npos) return 0;
  // Fields after ")": state(3) ... utime(14) stime(15).
  const char* c = s.c_str() + p + 2;
  long utime = 0, stime = 0;
  for (int field = 3; field <= 15 && *c; ++field) {
    if (field == 14) utime = std::atol(c);
    if (field == 15) stime = std::atol(c);
    c = std::strchr(c, ' ');
    if (!c) break;
    ++c;
  }
  return double(utime + stime) / sysconf(_SC_CLK_TCK);
}

// Child: runs the server, reports "port token\n" on `out`, serves until
// `in` reaches EOF (the parent closed it or died).
[[noreturn]] void RunServer(const std::string& dir, int out, int in) {
  try {
    // As `capstan cluster up` runs it: simulated controllers on, default
    // watch history (a watcher more than 10,000 events behind gets 410).
    capstan::cluster::ServerOptions opt;
    opt.data_dir = dir;
    capstan::cluster::Server server(opt);
    server.Start();
    std::string hello = std::to_string(server.port()) + " " + server.token() + "\n";
    if (write(out, hello.data(), hello.size()) != ssize_t(hello.size())) _exit(2);
    close(out);
    char c;
    while (read(in, &c, 1) > 0) {
    }
    server.Stop();
    _exit(0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cluster_load: server: %s\n", e.what());
    _exit(2);
  }
}

struct Row {
  std::string what;
  long count;
  double secs, server_cpu;
  std::string note;
};

}  // namespace

int main(int argc, char** argv) {
  int objects = argc > 1 ? std::atoi(argv[1]) : 100000;
  int watchers = argc > 2 ? std::atoi(argv[2]) : 10;
  if (objects <= 0 || watchers < 0) {
    std::fprintf(stderr, "usage: cluster_load [objects>0] [watchers>=0]\n");
    return 2;
  }
  char tmpl[] = "/tmp/capstan-bench-XXXXXX";
  if (!mkdtemp(tmpl)) {
    std::perror("cluster_load: mkdtemp");
    return 2;
  }
  std::string dir = tmpl;
  int up[2], down[2];
  if (pipe(up) || pipe(down)) {
    std::perror("cluster_load: pipe");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  pid_t pid = fork();
  if (pid < 0) {
    std::perror("cluster_load: fork");
    return 2;
  }
  if (pid == 0) {
    close(up[0]);
    close(down[1]);
    RunServer(dir, up[1], down[0]);
  }
  close(up[1]);
  close(down[0]);
  std::string hello;
  char ch;
  while (read(up[0], &ch, 1) == 1 && ch != '\n') hello += ch;
  close(up[0]);
  size_t sp = hello.find(' ');
  if (sp == std::string::npos) {
    std::fprintf(stderr, "cluster_load: server did not start\n");
    waitpid(pid, nullptr, 0);
    std::filesystem::remove_all(dir);
    return 2;
  }
  int port = std::atoi(hello.c_str());
  std::string auth = "Bearer " + hello.substr(sp + 1);
  auto client = [&] {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
    c->enable_server_certificate_verification(false);
    c->set_default_headers({{"Authorization", auth}});
    c->set_keep_alive(true);
    c->set_read_timeout(120, 0);
    // Like client-go (Go sets TCP_NODELAY on every connection): with Nagle
    // on, a POST's body waits for the ACK of its headers, 40 ms on Linux.
    c->set_tcp_nodelay(true);
    return c;
  };
  std::atomic<long> errors{0};
  std::vector<Row> rows;
  long rss_empty = StatusKb(pid, "VmRSS");
  const std::string base = "/api/v1/namespaces/default/configmaps";
  auto failed = [&](const char* what, const httplib::Result& r) {
    if (r)
      std::fprintf(stderr, "cluster_load: %s: HTTP %d %.200s\n", what, r->status, r->body.c_str());
    else
      std::fprintf(stderr, "cluster_load: %s: %s\n", what, httplib::to_string(r.error()).c_str());
    ++errors;
  };
  auto list_rv = [&](httplib::SSLClient& c) -> std::string {
    auto r = c.Get(base + "?limit=1");
    if (!r || r->status != 200) return "";
    size_t p = r->body.find("\"resourceVersion\":\"");
    if (p == std::string::npos) return "";
    p += 19;
    return r->body.substr(p, r->body.find('"', p) - p);
  };

  // Watchers: one long watch each from the current resourceVersion; every
  // event is one line. They stop at the "cm-stop" event written last.
  auto main_client = client();
  std::string rv0 = list_rv(*main_client);
  if (rv0.empty()) {
    std::fprintf(stderr, "cluster_load: cannot list configmaps\n");
    ++errors;
  }
  // A watch from resourceVersion `rv` until the event naming `stop_name`;
  // every event is one line.
  struct Watch {
    std::atomic<long> received{0};
    std::atomic<bool> started{false};
    bool done = false;
    std::thread thread;
  };
  auto start_watch = [&](Watch& w, int id, std::string rv, std::string stop_name) {
    w.thread = std::thread([&, id, rv, stop_name] {
      auto c = client();
      c->set_read_timeout(600, 0);
      std::string tail, stop = "\"name\":\"" + stop_name + "\"";
      auto r = c->Get(base + "?watch=1&resourceVersion=" + rv + "&timeoutSeconds=3600",
                      [&](const httplib::Response& r) {
                        w.started = true;
                        return r.status == 200;
                      },
                      [&](const char* data, size_t n) {
                        long lines = 0;
                        for (size_t k = 0; k < n; ++k) lines += data[k] == '\n';
                        w.received.fetch_add(lines, std::memory_order_relaxed);
                        // Look for the stop event (or an error) in the newest bytes only.
                        tail.append(data, n);
                        if (tail.size() > 8192) tail.erase(0, tail.size() - 8192);
                        if (tail.find(stop) != std::string::npos) w.done = true;
                        if (tail.find("{\"type\":\"ERROR\"") != std::string::npos) {
                          std::fprintf(stderr, "cluster_load: watcher %d: %.300s\n", id,
                                       tail.substr(tail.find("{\"type\":\"ERROR\"")).c_str());
                          return false;
                        }
                        return !w.done;
                      });
      w.started = true;  // also when it failed before the headers
      if (!w.done) {
        std::fprintf(stderr, "cluster_load: watcher %d ended early (%s)\n", id,
                     r ? "stream ended" : httplib::to_string(r.error()).c_str());
        ++errors;
      }
    });
  };
  auto wait_started = [](std::vector<Watch>& ws) {
    for (auto& w : ws)
      while (!w.started) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  };
  auto delivered = [](std::vector<Watch>& ws) {
    long s = 0;
    for (auto& w : ws) s += w.received.load();
    return s;
  };
  std::vector<Watch> live(watchers);
  for (int i = 0; i < watchers; ++i) start_watch(live[i], i, rv0, "cm-stop");
  wait_started(live);

  const int threads = 4;
  auto run = [&](int n, auto&& op) {
    std::atomic<int> next{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
      ts.emplace_back([&] {
        auto c = client();
        int i;
        while ((i = next++) < n)
          if (!op(*c, i) && errors++ < 5) std::fprintf(stderr, "cluster_load: request %d failed\n", i);
      });
    for (auto& t : ts) t.join();
  };
  // Creates.
  double cpu = CpuSecs(pid);
  auto t0 = Clock::now();
  run(objects, [&](httplib::SSLClient& c, int i) {
    std::string body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-" +
                       std::to_string(i) + "\",\"labels\":{\"bench\":\"x\",\"n\":\"" +
                       std::to_string(i % 10) + "\"}},\"data\":{\"key\":\"value-" +
                       std::to_string(i) + "\"}}";
    auto r = c.Post(base, body, "application/json");
    return r && r->status == 201;
  });
  double create_s = Secs(t0);
  rows.push_back({"create (POST)", objects, create_s, CpuSecs(pid) - cpu, "4 client threads"});
  long rss_full = StatusKb(pid, "VmRSS");

  // Updates.
  int updates = std::min(objects, 20000);
  cpu = CpuSecs(pid);
  auto t1 = Clock::now();
  run(updates, [&](httplib::SSLClient& c, int i) {
    std::string patch = "{\"data\":{\"key\":\"updated-" + std::to_string(i) + "\"}}";
    auto r = c.Patch(base + "/cm-" + std::to_string(i), patch, "application/merge-patch+json");
    return r && r->status == 200;
  });
  rows.push_back({"update (merge PATCH)", updates, Secs(t1), CpuSecs(pid) - cpu, "4 client threads"});
  auto t_writes_end = Clock::now();

  // Watch fan-out: every watcher must see every create and update.
  long want = long(objects + updates) * watchers;
  auto deadline = Clock::now() + std::chrono::seconds(300);
  while (delivered(live) < want && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto t_caught_up = Clock::now();
  long got = delivered(live);
  if (watchers) {
    char note[128];
    std::snprintf(note, sizeof note, "%d watchers, %ld/%ld events, caught up %.2fs after writes",
                  watchers, got, want, Secs(t_writes_end, t_caught_up));
    // Fan-out runs concurrently with creates and updates: its server CPU
    // is inside theirs.
    rows.push_back({"watch events delivered", got, Secs(t0, t_caught_up), 0, note});
    if (got < want) {
      std::fprintf(stderr, "cluster_load: watchers received %ld of %ld events\n", got, want);
      ++errors;
    }
  }

  // Watch replay: `watchers` new watches each read the last ~9,000 events
  // from the server's history (10,000 kept) as fast as they can; this is
  // the fan-out capacity, not limited by the write rate.
  if (watchers) {
    main_client = client();  // the first connection has been idle > 30 s
    auto r = main_client->Post(
        base, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"replay-mark\"}}",
        "application/json");
    long mark = 0;
    if (r && r->status == 201) {
      size_t p = r->body.find("\"resourceVersion\":\"");
      if (p != std::string::npos) mark = std::atol(r->body.c_str() + p + 19);
    }
    if (!mark) {
      failed("create replay-mark", r);
    } else {
      std::string from = std::to_string(std::max(std::atol(rv0.c_str()), mark - 9000));
      std::vector<Watch> replay(watchers);
      cpu = CpuSecs(pid);
      t1 = Clock::now();
      for (int i = 0; i < watchers; ++i) start_watch(replay[i], 100 + i, from, "replay-mark");
      for (auto& w : replay) w.thread.join();
      double s = Secs(t1);
      long events = delivered(replay);
      char note[128];
      std::snprintf(note, sizeof note, "%d new watchers x %ld history events", watchers,
                    events / watchers);
      rows.push_back({"watch replay (events)", events, s, CpuSecs(pid) - cpu, note});
    }
  }

  // Gets.
  int gets = 20000;
  cpu = CpuSecs(pid);
  t1 = Clock::now();
  run(gets, [&](httplib::SSLClient& c, int i) {
    auto r = c.Get(base + "/cm-" + std::to_string((i * 7919L) % objects));
    return r && r->status == 200;
  });
  rows.push_back({"get (single object)", gets, Secs(t1), CpuSecs(pid) - cpu, "4 client threads"});

  // Lists, one client.
  {
    // A new connection: the server closes keep-alive connections idle for
    // 30 s, and httplib does not notice a TLS close_notify before reusing one.
    main_client = client();
    auto& c = *main_client;
    const int full = 5;
    size_t bytes = 0;
    cpu = CpuSecs(pid);
    t1 = Clock::now();
    for (int i = 0; i < full; ++i) {
      auto r = c.Get(base);
      if (!r || r->status != 200) failed("full list", r);
      else bytes = r->body.size();
    }
    char note[128];
    std::snprintf(note, sizeof note, "%d objects, %.1f MB each", objects, bytes / 1e6);
    rows.push_back({"full LIST", full, Secs(t1), CpuSecs(pid) - cpu, note});

    // One paginated walk over everything, limit=500 (client-go's pager).
    long pages = 0, items = 0, dups = 0;
    std::set<std::string> seen;
    cpu = CpuSecs(pid);
    t1 = Clock::now();
    std::string cont;
    do {
      std::string url = base + "?limit=500";
      if (!cont.empty()) url += "&continue=" + httplib::detail::encode_query_param(cont);
      auto r = c.Get(url);
      if (!r || r->status != 200) {
        std::fprintf(stderr, "cluster_load: paged list failed: %s\n", r ? r->body.c_str() : "no response");
        ++errors;
        break;
      }
      ++pages;
      for (size_t p = 0; (p = r->body.find("\"name\":\"cm-", p)) != std::string::npos; ++p) {
        size_t e = r->body.find('"', p + 8);
        if (!seen.insert(r->body.substr(p + 8, e - p - 8)).second && dups++ < 3)
          std::fprintf(stderr, "cluster_load: paged list repeats %s (page %ld)\n",
                       r->body.substr(p + 8, e - p - 8).c_str(), pages);
        ++items;
      }
      cont.clear();
      size_t p = r->body.find("\"continue\":\"");
      if (p != std::string::npos && p < r->body.find("\"items\"")) {
        p += 12;
        cont = r->body.substr(p, r->body.find('"', p) - p);
      }
    } while (!cont.empty());
    std::snprintf(note, sizeof note, "limit=500, walked %ld objects", items);
    rows.push_back({"paged LIST (page)", pages, Secs(t1), CpuSecs(pid) - cpu, note});
    if (items != objects) {
      std::fprintf(stderr, "cluster_load: paged list returned %ld of %d objects\n", items, objects);
      ++errors;
    }

    const int sel = 5;
    cpu = CpuSecs(pid);
    t1 = Clock::now();
    for (int i = 0; i < sel; ++i) {
      auto r = c.Get(base + "?labelSelector=n%3D3");
      if (!r || r->status != 200) failed("label-selected list", r);
    }
    rows.push_back({"label-selected LIST", sel, Secs(t1), CpuSecs(pid) - cpu,
                    "n=3 (1 in 10 match)"});
  }

  // Stop the watchers with one last event.
  {
    std::string body =
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-stop\"}}";
    auto r = main_client->Post(base, body, "application/json");
    if (!r || r->status != 201) failed("create cm-stop", r);
  }
  for (auto& w : live) w.thread.join();
  long rss_end = StatusKb(pid, "VmRSS"), hwm = StatusKb(pid, "VmHWM");
  double cpu_total = CpuSecs(pid);
  main_client.reset();
  close(down[1]);  // the server stops on EOF
  int status = 0;
  waitpid(pid, &status, 0);
  std::filesystem::remove_all(dir);

  std::printf("\ncluster_load: %d objects, %d watchers, loopback HTTPS, server in child process\n\n",
              objects, watchers);
  std::printf("| %-24s | %9s | %8s | %11s | %14s | %s\n", "operation", "count", "wall s",
              "per second", "server CPU/op", "notes");
  std::printf("|%s|%s|%s|%s|%s|%s\n", std::string(26, '-').c_str(), std::string(11, '-').c_str(),
              std::string(10, '-').c_str(), std::string(13, '-').c_str(),
              std::string(16, '-').c_str(), "------");
  for (const auto& r : rows) {
    char per_op[32] = "(in writes)";
    if (r.server_cpu > 0) {
      double us = r.server_cpu / r.count * 1e6;
      if (us >= 10000)
        std::snprintf(per_op, sizeof per_op, "%.1f ms", us / 1000);
      else
        std::snprintf(per_op, sizeof per_op, "%.0f us", us);
    }
    std::printf("| %-24s | %9ld | %8.2f | %11.1f | %14s | %s\n", r.what.c_str(), r.count, r.secs,
                r.count / r.secs, per_op, r.note.c_str());
  }
  std::printf("\nserver memory: RSS %.0f MiB empty, %.0f MiB with %d objects stored, "
              "%.0f MiB at the end (peak %.0f MiB)\n",
              rss_empty / 1024.0, rss_full / 1024.0, objects, rss_end / 1024.0, hwm / 1024.0);
  std::printf("server CPU total: %.1f s\n", cpu_total);
  bool server_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!server_ok) {
    std::fprintf(stderr, "cluster_load: server exited abnormally (status %d)\n", status);
    ++errors;
  }
  std::printf("errors: %ld\n", errors.load());
  return errors.load() ? 1 : 0;
}
