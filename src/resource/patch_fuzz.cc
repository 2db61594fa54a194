// libFuzzer target: the patch algorithms must never crash on any pair of
// documents, only throw PatchError (or yaml::ParseError for the input).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "resource/patch.h"
#include "yaml/yaml.h"

using namespace capstan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<yaml::Node> docs;
  try {
    yaml::ParseLimits limits;
    limits.max_depth = 64;
    limits.max_alias_expansion = 1 << 12;
    docs = yaml::ParseAll(text, "fuzz", limits);
  } catch (const std::exception&) {
    return 0;
  }
  if (docs.size() < 2) return 0;
  const yaml::Node& target = docs[0];
  const yaml::Node& patch = docs[1];
  auto guard = [](auto&& fn) {
    try {
      fn();
    } catch (const resource::PatchError&) {
    }
  };
  guard([&] { resource::ApplyMergePatch(target, patch); });
  guard([&] { resource::ApplyJsonPatch(target, patch); });
  guard([&] { resource::ApplyStrategicMergePatch(target, patch); });
  guard([&] {
    resource::ApplyStrategicMergePatch(target, patch, resource::Schema::BuiltIn(),
                                       {resource::SmpFlavor::kApiServer});
  });
  guard([&] {
    yaml::Node p = resource::CreateTwoWayMergePatch(target, patch);
    resource::ApplyStrategicMergePatch(target, p, resource::Schema::BuiltIn(), {resource::SmpFlavor::kApiServer});
  });
  guard([&] {
    resource::Schema s;
    try {
      s.AddOpenApi(target);
    } catch (const std::runtime_error&) {
    }
  });
  return 0;
}
