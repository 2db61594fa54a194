// libFuzzer: arbitrary bytes as a kustomization edited by `image set`, and
// as an image argument. Must never crash; an edit either throws Error or
// reads back with the images asked for (EditImages checks that itself).
#include <cstddef>
#include <cstdint>
#include <string>

#include "delivery/error.h"
#include "delivery/image_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  using namespace capstan::delivery;
  try {
    ParseImageArg(text.substr(0, 200));
  } catch (const Error&) {
  }
  try {
    EditImages(text, {ImageEntry{"nginx", "", "1.2", ""}, ImageEntry{"app", "*", "*", "sha256:x"}}, "fuzz.yaml");
  } catch (const Error&) {
  }
  return 0;
}
