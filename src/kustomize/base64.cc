#include "kustomize/base64.h"

#include <nettle/base64.h>

namespace capstan::kustomize {

std::string Base64Encode(std::string_view in) {
  std::string out(BASE64_ENCODE_RAW_LENGTH(in.size()), '\0');
  base64_encode_raw(out.data(), in.size(), reinterpret_cast<const uint8_t*>(in.data()));
  return out;
}

bool Base64Decode(std::string_view in, std::string* out) {
  if (in.size() % 4 != 0) return false;
  // Strict: whole quanta, standard alphabet, '=' only as final padding.
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!alpha && !(c == '=' && i + 2 >= in.size() && (i + 1 == in.size() || in[i + 1] == '='))) return false;
  }
  std::string buf(BASE64_DECODE_LENGTH(in.size()), '\0');
  base64_decode_ctx ctx;
  base64_decode_init(&ctx);
  size_t n = buf.size();
  if (!base64_decode_update(&ctx, &n, reinterpret_cast<uint8_t*>(buf.data()), in.size(), in.data()) ||
      !base64_decode_final(&ctx))
    return false;
  buf.resize(n);
  *out = std::move(buf);
  return true;
}

}  // namespace capstan::kustomize
