// libFuzzer: Assess must never crash or hang on any parsed document, and a
// health script (any bytes) must never crash or escape its limits.
//   first byte even: the rest is a YAML/JSON stream of objects to assess;
//   first byte odd:  the rest is a Lua health script run on a fixed object.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

#include "health/health.h"
#include "yaml/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace capstan;
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    std::vector<yaml::Node> docs;
    try {
      docs = yaml::ParseAll(rest, "fuzz");
    } catch (const std::exception&) {
      return 0;
    }
    health::Options plain, argocd;
    argocd.argocd_builtins = true;
    for (const yaml::Node& d : docs) {
      health::Assess(d, plain);
      health::Assess(d, argocd);
    }
    return 0;
  }
  static const yaml::Node obj = yaml::ParseOne(
      "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r, generation: 1}\n"
      "status: {observedGeneration: '1', conditions: [{type: Available}]}\n");
  health::LuaLimits limits;
  limits.max_instructions = 200'000;
  limits.max_memory_bytes = 16 << 20;
  limits.timeout = std::chrono::milliseconds(200);
  health::RunHealthScript({std::string(rest), "fuzz.lua"}, obj, limits);
  return 0;
}
