// libFuzzer: bytes as a YAML stream of objects, linted together (selectors,
// probes, Ingress backends, annotations...). Must never crash or throw.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lint/lint.h"
#include "yaml/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<capstan::yaml::Node> docs;
  try {
    docs = capstan::yaml::ParseAll(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const std::exception&) {
    return 0;
  }
  capstan::lint::Options options;
  for (const capstan::lint::CheckInfo& c : capstan::lint::AllChecks()) options.enable.insert(c.id);
  capstan::lint::Lint(docs, options);
  return 0;
}
