// libFuzzer: Unpack never crashes on bytes it did not make, and a JSON
// document survives Pack/Unpack unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cache/packed_node.h"
#include "yaml/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    capstan::cache::Unpack(in);
  } catch (const std::invalid_argument&) {
  }
  capstan::yaml::Node doc;
  try {
    doc = capstan::yaml::ParseJson(in);
  } catch (const std::exception&) {
    return 0;
  }
  if (capstan::cache::Unpack(capstan::cache::Pack(doc)) != doc) __builtin_trap();
  return 0;
}
