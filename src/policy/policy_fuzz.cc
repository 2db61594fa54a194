// libFuzzer: bytes as a Rego module (and, after a line "#query", a query)
// through parse, compile and evaluation with small limits. Any Error is
// fine; a crash, sanitizer report or hang is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "policy/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string query = "data.t = x";
  if (size_t q = text.find("\n#query\n"); q != std::string::npos) {
    query = text.substr(q + 8);
    text.resize(q);
  }
  capstan::policy::Limits limits;
  limits.max_steps = 20000;
  limits.max_elements = 20000;
  limits.max_depth = 50;
  try {
    capstan::policy::Engine e(limits);
    e.AddModule("package t\n" + text, "fuzz.rego");
    e.SetInput(capstan::policy::Value::MakeObject(
        {{capstan::policy::Value::String("a"), capstan::policy::Value::MakeArray({capstan::policy::Value::Number(1)})}}));
    e.Compile();
    e.Query(query, false);
    e.Query(query, true);
  } catch (const capstan::policy::Error&) {
  }
  return 0;
}
