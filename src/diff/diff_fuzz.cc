// libFuzzer target: Diff() on arbitrary pairs of YAML documents must return
// or throw DiffError, never crash. The input is split at the first NUL byte.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "diff/diff.h"
#include "yaml/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t cut = in.find('\0');
  if (cut == std::string_view::npos) return 0;
  capstan::yaml::Node a, b;
  try {
    a = capstan::yaml::ParseOne(in.substr(0, cut));
    b = capstan::yaml::ParseOne(in.substr(cut + 1));
  } catch (const std::exception&) {
    return 0;
  }
  capstan::diff::Options o;
  capstan::diff::IgnoreDifferences rule;
  rule.group = "*";
  rule.kind = "*";
  rule.json_pointers = {"/spec/replicas"};
  rule.jq_path_expressions = {".spec.template.spec.containers[]? | select(.name == \"x\") .image"};
  o.ignore_differences.push_back(rule);
  try {
    capstan::diff::Diff(&a, &b, o);
  } catch (const capstan::diff::DiffError&) {
  }
  return 0;
}
