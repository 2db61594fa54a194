// Combined health + diff pass, as one application refresh does per resource:
// health of the live object and its comparison with the desired one.
//
//   health_diff_bench [--objects N]
//
// Live objects come from the health benchmark's generator (bench/health);
// the desired object is the live one without status and server-owned
// metadata, one in 8 with an extra label (modified).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "diff/diff.h"
#include "health/generate.h"
#include "health/health.h"
#include "lib/process_usage.h"

namespace {

using capstan::bench::PeakRssKb;

using capstan::yaml::Node;

Node DesiredFrom(const Node& live, size_t i) {
  Node d = live;
  d.Remove("status");
  if (Node* meta = d.Get("metadata"); meta && meta->IsMap()) {
    for (auto key : {"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink"})
      meta->Remove(key);
    if (i % 8 == 7) meta->GetOrCreateMap("labels").Set("changed", Node::String("yes"));
  }
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 100000;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--objects") == 0 && i + 1 < argc) {
      n = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: health_diff_bench [--objects N]\n");
      return 2;
    }
  }
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  std::vector<Node> live = capstan::bench::GenerateObjects(n);
  std::vector<Node> desired;
  desired.reserve(n);
  for (size_t i = 0; i < n; ++i) desired.push_back(DesiredFrom(live[i], i));
  auto t1 = Clock::now();
  size_t modified = 0, with_health = 0;
  for (size_t i = 0; i < n; ++i) {
    auto h = capstan::health::Assess(live[i]);
    with_health += h.has_value();
    modified += capstan::diff::Diff(&desired[i], &live[i]).modified;
  }
  auto t2 = Clock::now();
  double gen = std::chrono::duration<double>(t1 - t0).count();
  double secs = std::chrono::duration<double>(t2 - t1).count();
  std::printf("objects: %zu (generated in %.2fs)\n", n, gen);
  std::printf("with health: %zu, modified: %zu\n", with_health, modified);
  std::printf("health+diff: %.3fs, %.0f objects/s\n", secs, n / secs);
  std::printf("peak RSS: %.1f MiB\n", PeakRssKb() / 1024.0);
  return 0;
}
