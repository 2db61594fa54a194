// libFuzzer: the CEL subset. The input is "rule\n---\nYAML value": the rule
// is compiled and evaluated with `self` bound to the value.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "validate/cel.h"
#include "yaml/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t sep = text.find("\n---\n");
  std::string_view rule = text.substr(0, sep);
  capstan::yaml::Node self;
  if (sep != std::string_view::npos) {
    try {
      self = capstan::yaml::ParseOne(text.substr(sep + 5));
    } catch (const std::exception&) {
    }
  }
  auto program = capstan::validate::CelProgram::Compile(rule);
  std::string error;
  program->Evaluate(self, true, &error);
  return 0;
}
