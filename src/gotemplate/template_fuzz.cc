// libFuzzer target: hostile template text through the parser and, when it
// parses, the executor with Sprig and small limits. Properties: nothing
// crashes or hangs; failures are ParseError/ExecError only; output respects
// the output bound.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "gotemplate/convert.h"
#include "gotemplate/sprig.h"
#include "gotemplate/template.h"

using namespace capstan::gotemplate;

namespace {

const FuncMap& Funcs() {
  static const FuncMap m = [] {
    FuncMap f;
    AddBuiltins(&f);
    AddSprig(&f);
    // no time-dependent or random functions: keep runs reproducible
    for (const char* n : {"now", "randAlphaNum", "randAlpha", "randNumeric", "randAscii", "randInt", "uuidv4", "shuffle"})
      f.funcs.erase(n);
    return f;
  }();
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  TemplateSet set(&Funcs());
  try {
    set.Parse("fuzz", text);
  } catch (const ParseError&) {
    return 0;
  }
  Value dot = Value::NewMap();
  (*dot.map)["Values"] = ParseYamlValue("a: 1\nb: [x, 2, {c: d}]\ns: str\nm: {k: v}\n", "values");
  ExecState st;
  st.limits.max_depth = 50;
  st.limits.max_output = 1 << 16;
  st.limits.max_steps = 200000;
  st.limits.max_seconds = 5;
  std::string out;
  try {
    Execute(set, "fuzz", dot, st, &out);
  } catch (const ExecError&) {
  } catch (const std::runtime_error&) {
  }
  if (out.size() > (1u << 16) + (1u << 20)) {
    std::fprintf(stderr, "output bound not respected: %zu\n", out.size());
    std::abort();
  }
  return 0;
}
