// libFuzzer target: hostile --set / --set-string / --set-json strings
// through Helm's strvals parser. Properties: nothing crashes; failures are
// HelmError; what parses serialises to JSON that parses again.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "gotemplate/convert.h"
#include "helm/values.h"

using namespace capstan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  helm::SetKind kind = static_cast<helm::SetKind>(data[0] % 3);
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  gotemplate::Value v = gotemplate::Value::NewMap();
  try {
    helm::ParseSet(text, v, kind);
  } catch (const helm::HelmError&) {
    return 0;
  }
  std::string json;
  try {
    json = gotemplate::ToJson(v);
  } catch (const gotemplate::FuncError&) {
    return 0;  // NaN/Inf from --set-json cannot be JSON
  }
  try {
    gotemplate::ParseJsonValue(json);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "emitted JSON does not parse: %s\n%s\n", e.what(), json.c_str());
    std::abort();
  }
  return 0;
}
