// Throughput of the Kubernetes client against the in-process fake API server
// (plain HTTP, so the numbers are the client's and the fake's own cost, no
// TLS): sequential GETs over one keep-alive connection, paginated LIST of
// 5000 objects, watch event decoding.
//   cmake --build build -j2 --target kube_bench && ./build/tests/kube_bench   (path as configured)
#include <benchmark/benchmark.h>

#include "kube/client.h"
#include "kube/fake_apiserver_test.h"
#include "yaml/yaml.h"

namespace capstan::kube {
namespace {

const Gvk kConfigMap{"", "v1", "ConfigMap"};

std::string Cm(int i) {
  return R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-)" + std::to_string(i) +
         R"(","namespace":"bench","labels":{"app":"bench"}},"data":{"key":"value-)" + std::to_string(i) + R"("}})";
}

Config Cfg(const testing::FakeApiServer& s) {
  Config c;
  c.server = s.url();
  return c;
}

ClientOptions Unthrottled() {
  ClientOptions o;
  o.qps = 0;
  return o;
}

void BM_GetKeepAlive(benchmark::State& state) {
  testing::FakeApiServer server;
  server.Seed(Cm(0));
  Client client(Cfg(server), Unthrottled());
  client.Get({kConfigMap, "bench", "cm-0"});
  for (auto _ : state) benchmark::DoNotOptimize(client.Get({kConfigMap, "bench", "cm-0"}));
  state.SetItemsProcessed(state.iterations());
  state.counters["connections"] = static_cast<double>(client.stats().connections);
}
BENCHMARK(BM_GetKeepAlive)->UseRealTime();

void BM_ListPaged5000(benchmark::State& state) {
  testing::FakeApiServer server;
  for (int i = 0; i < 5000; ++i) server.Seed(Cm(i));
  Client client(Cfg(server), Unthrottled());
  ListOptions o;
  o.limit = 500;
  for (auto _ : state) {
    yaml::Node list = client.List(kConfigMap, "bench", o);
    if (list.Get("items")->size() != 5000) state.SkipWithError("wrong item count");
  }
  state.SetItemsProcessed(state.iterations() * 5000);
}
BENCHMARK(BM_ListPaged5000)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_WatchEvents(benchmark::State& state) {
  testing::FakeApiServer server;
  const int n = 2000;
  int64_t start = server.CurrentRv();
  for (int i = 0; i < n; ++i) server.Seed(Cm(i));
  Client client(Cfg(server), Unthrottled());
  client.Resource(kConfigMap);
  for (auto _ : state) {
    WatchOptions o;
    o.resource_version = std::to_string(start);
    int seen = 0;
    client.Watch(kConfigMap, "bench", o, [&](const WatchEvent&) { return ++seen < n; });
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_WatchEvents)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace capstan::kube

BENCHMARK_MAIN();
