// libFuzzer target: jq path expressions must parse or fail with JqError,
// and evaluating/deleting must never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "diff/jq_path.h"
#include "yaml/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const capstan::yaml::Node kDoc = capstan::yaml::ParseOne(
      "metadata: {name: a, annotations: {x.y/z: '1'}}\n"
      "spec: {replicas: 2, l: [1, 2, {a: b}], containers: [{name: x, image: i}, {name: y}]}\n");
  std::string_view expr(reinterpret_cast<const char*>(data), size);
  try {
    auto jq = capstan::diff::JqPath::Parse(expr);
    capstan::yaml::Node doc = kDoc;
    capstan::diff::DeletePaths(doc, jq.Paths(doc));
  } catch (const capstan::diff::JqError&) {
  }
  return 0;
}
