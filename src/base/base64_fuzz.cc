// libFuzzer target: hostile bytes through base64 decoding (both modes) and
// encoding. Properties: nothing crashes; what decodes re-encodes to text
// that decodes to the same bytes; every input round-trips through
// Encode/Decode in both alphabets.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/base64.h"

using namespace capstan::base;

namespace {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "property failed: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string out, again;
  for (Base64Alphabet a : {Base64Alphabet::kStd, Base64Alphabet::kUrl}) {
    if (Base64Decode(in, &out, a)) {
      Check(Base64Decode(Base64Encode(out, a), &again, a) && again == out, "decoded bytes round-trip");
    }
    Check(Base64Decode(Base64Encode(in, a), &out, a) && out == in, "encode then decode is identity");
  }
  if (Base64DecodeLenient(in, &out)) {
    Check(Base64DecodeLenient(Base64Encode(out), &again) && again == out, "lenient round-trip");
  }
  return 0;
}
