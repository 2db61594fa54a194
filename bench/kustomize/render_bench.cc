// In-process rendering speed: the 23-service x 3-overlay tree of
// gen_tree.py, rendered with kustomize::Render as the controller does.
// Reports renders/second (items_per_second).
//
//   build/bench/kustomize/kustomize_render_bench
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "kustomize/kustomize.h"
#include "yaml/yaml.h"

namespace {

namespace fs = std::filesystem;

const std::string& Tree() {
  static const std::string dir = [] {
    fs::path d = fs::temp_directory_path() / ("capstan-kustomize-bench-" + std::to_string(::getpid()));
    std::string cmd = "python3 " CAPSTAN_BENCH_DIR "/gen_tree.py " + d.string();
    if (std::system(cmd.c_str()) != 0) std::abort();
    return d.string();
  }();
  return dir;
}

std::vector<std::string> Overlays() {
  std::vector<std::string> out;
  for (const auto& svc : fs::directory_iterator(fs::path(Tree()) / "services"))
    for (const char* env : {"dev", "staging", "production"}) out.push_back((svc.path() / "overlays" / env).string());
  return out;
}

void BM_RenderOverlay(benchmark::State& state) {
  auto overlays = Overlays();
  size_t i = 0;
  for (auto _ : state) {
    auto docs = capstan::kustomize::Render(overlays[i++ % overlays.size()]);
    benchmark::DoNotOptimize(docs);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RenderOverlay)->Unit(benchmark::kMicrosecond);

void BM_RenderOverlayToYaml(benchmark::State& state) {
  auto overlays = Overlays();
  size_t i = 0;
  for (auto _ : state) {
    std::string text = capstan::yaml::EmitYamlStream(capstan::kustomize::Render(overlays[i++ % overlays.size()]));
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RenderOverlayToYaml)->Unit(benchmark::kMicrosecond);

void BM_RenderWholeTree(benchmark::State& state) {
  std::string all = (fs::path(Tree()) / "all").string();
  for (auto _ : state) {
    auto docs = capstan::kustomize::Render(all);
    benchmark::DoNotOptimize(docs);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RenderWholeTree)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  std::error_code ec;
  fs::remove_all(Tree(), ec);
  return 0;
}
