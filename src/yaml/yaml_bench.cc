// Throughput probe for src/yaml (not a unit test, not timed in CI):
//   yaml_bench [file...]   default: every expected.yaml of the kustomize
//   corpus under $CAPSTAN_SHARED (or ../shared).
// Prints MB/s for ParseAll, EmitYamlStream, EmitYamlStreamPreserving,
// EmitJson and ParseJson over the same documents.
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "yaml/yaml.h"

using namespace capstan::yaml;
namespace fs = std::filesystem;

namespace {

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// CPU time of this process, so a loaded machine does not skew the figure.
double CpuSeconds() { return double(std::clock()) / CLOCKS_PER_SEC; }

template <typename F>
double Seconds(int reps, F f) {
  double start = CpuSeconds();
  for (int i = 0; i < reps; ++i) f();
  return CpuSeconds() - start;
}

void Report(const char* what, size_t bytes, int reps, double secs) {
  std::printf("%-28s %8.1f MB/s  (%zu bytes x %d in %.3f s CPU)\n", what,
              bytes * double(reps) / secs / 1e6, bytes, reps, secs);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> texts;
  if (argc > 1) {
    for (int i = 1; i < argc; ++i) texts.push_back(Read(argv[i]));
  } else {
    const char* env = std::getenv("CAPSTAN_SHARED");
    fs::path cases = fs::path(env && *env ? env : "../shared") / "conformance/kustomize/cases";
    for (const auto& e : fs::directory_iterator(cases))
      if (fs::exists(e.path() / "expected.yaml")) texts.push_back(Read(e.path() / "expected.yaml"));
  }
  std::string all;
  for (const std::string& t : texts) {
    if (!all.empty()) all += "---\n";
    all += t;
  }
  const int reps = 20;
  std::vector<Node> docs;
  double s = Seconds(reps, [&] { docs = ParseAll(all, "bench"); });
  Report("ParseAll (YAML)", all.size(), reps, s);
  std::string out;
  s = Seconds(reps, [&] { out = EmitYamlStream(docs); });
  Report("EmitYamlStream (kustomize)", out.size(), reps, s);
  std::string kept;
  s = Seconds(reps, [&] { kept = EmitYamlStreamPreserving(docs); });
  Report("EmitYamlStreamPreserving", kept.size(), reps, s);
  std::vector<std::string> jsons;
  size_t json_bytes = 0;
  for (const Node& d : docs) {
    jsons.push_back(EmitJson(d));
    json_bytes += jsons.back().size();
  }
  s = Seconds(reps, [&] {
    for (const Node& d : docs) EmitJson(d);
  });
  Report("EmitJson", json_bytes, reps, s);
  s = Seconds(reps, [&] {
    for (const std::string& j : jsons) ParseJson(j);
  });
  Report("ParseJson (simdjson)", json_bytes, reps, s);
  std::string json_as_yaml;
  for (const std::string& j : jsons) json_as_yaml += j + "\n---\n";
  s = Seconds(reps, [&] { ParseAll(json_as_yaml); });
  Report("ParseAll (same JSON)", json_as_yaml.size(), reps, s);
  std::printf("%zu documents\n", docs.size());
  return 0;
}
