#include "kustomize/base64.h"

#include <nettle/base64.h>

namespace capstan::kustomize {

std::string Base64Encode(std::string_view in) {
  std::string out(BASE64_ENCODE_RAW_LENGTH(in.size()), '\0');
  base64_encode_raw(out.data(), in.size(), reinterpret_cast<const uint8_t*>(in.data()));
  return out;
}

}  // namespace capstan::kustomize
