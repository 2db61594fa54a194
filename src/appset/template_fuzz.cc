// libFuzzer: fasttemplate and goTemplate (src/gotemplate) on arbitrary template
// text must return or throw TemplateError, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "appset/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  capstan::appset::Params p{{"path", "apps/a"}, {"path[0]", "apps"}, {"name", "x"}};
  for (bool go : {false, true})
    for (bool strict : {false, true}) {
      try {
        capstan::appset::RenderString(text, p, {go, strict});
      } catch (const capstan::appset::TemplateError&) {
      }
    }
  return 0;
}
