// Health assessment throughput: N generated objects of mixed kinds.
//
//   health_bench [--objects N] [--rollout-script] [--write-yaml FILE]
//
// Prints objects/second for Assess (optionally with an Argo CD style Lua
// script for argoproj.io/Rollout, 1 object in 13) and the peak RSS of the
// process. --write-yaml writes the same objects as a YAML stream, for timing
// `capstan health` end to end under /usr/bin/time -v.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "health/generate.h"
#include "health/health.h"
#include "lib/process_usage.h"
#include "yaml/yaml.h"

namespace {

using capstan::bench::CpuSeconds;
using capstan::bench::PeakRssKb;

constexpr char kRolloutScript[] = R"lua(
hs = {}
if obj.status == nil or obj.status.observedGeneration == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for rollout spec update to be observed"
  return hs
end
if tonumber(obj.status.observedGeneration) ~= obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for rollout spec update to be observed"
  return hs
end
if obj.status.availableReplicas < obj.status.updatedReplicas then
  hs.status = "Progressing"
  hs.message = "Waiting for roll out to finish: updated replicas are still becoming available"
  return hs
end
hs.status = "Healthy"
hs.message = ""
return hs
)lua";

}  // namespace

int main(int argc, char** argv) {
  size_t n = 100000;
  bool rollout_script = false;
  const char* write_yaml = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--objects") == 0 && i + 1 < argc) {
      n = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--rollout-script") == 0) {
      rollout_script = true;
    } else if (std::strcmp(argv[i], "--write-yaml") == 0 && i + 1 < argc) {
      write_yaml = argv[++i];
    } else {
      std::fprintf(stderr, "usage: health_bench [--objects N] [--rollout-script] [--write-yaml FILE]\n");
      return 2;
    }
  }
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  std::vector<capstan::yaml::Node> objects = capstan::bench::GenerateObjects(n);
  auto t1 = Clock::now();
  if (write_yaml != nullptr) {
    std::ofstream out(write_yaml, std::ios::binary);
    out << capstan::yaml::EmitYamlStream(objects);
    std::printf("wrote %zu objects to %s\n", n, write_yaml);
    return 0;
  }

  capstan::health::LuaHealthScripts scripts;
  capstan::health::Options options;
  if (rollout_script) {
    scripts.Add("argoproj.io/Rollout", {kRolloutScript, "bench-rollout.lua"}, true);
    options.scripts = &scripts;
  }
  size_t counts[6] = {}, none = 0;
  auto t2 = Clock::now();
  double c2 = CpuSeconds();
  for (const auto& obj : objects) {
    auto h = capstan::health::Assess(obj, options);
    if (h) {
      ++counts[static_cast<int>(h->code)];
    } else {
      ++none;
    }
  }
  auto t3 = Clock::now();
  double c3 = CpuSeconds();
  double gen_s = std::chrono::duration<double>(t1 - t0).count();
  double assess_s = std::chrono::duration<double>(t3 - t2).count();
  std::printf("objects:          %zu (generated in %.3fs)\n", n, gen_s);
  std::printf("assess:           %.3fs wall, %.3fs CPU, %.0f objects/s (CPU), %.0f objects/s (wall)%s\n",
              assess_s, c3 - c2, n / (c3 - c2), n / assess_s,
              rollout_script ? ", Rollouts through Lua" : "");
  std::printf("results:          ");
  for (int c = 0; c < 6; ++c) {
    std::printf("%s=%zu ",
                std::string(capstan::health::CodeName(static_cast<capstan::health::Code>(c))).c_str(),
                counts[c]);
  }
  std::printf("none=%zu\n", none);
  std::printf("peak RSS:         %ld KiB\n", PeakRssKb());
  return 0;
}
