// libFuzzer: bytes as a manifest stream validated against the built-in
// schemas; a part before a "\n===\n" line is read as CRDs first, so CRD
// schema compilation (patterns, int-or-string, embedded resources, list
// types) and the walk over custom resources are fuzzed too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "validate/validate.h"
#include "yaml/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto schemas = capstan::validate::Schemas::BuiltIn();
  size_t sep = text.find("\n===\n");
  if (sep != std::string_view::npos) {
    try {
      schemas->AddCrds(capstan::yaml::ParseAll(text.substr(0, sep)));
    } catch (const std::exception&) {
    }
    text = text.substr(sep + 5);
  }
  capstan::validate::ValidateText(*schemas, text);
  return 0;
}
