#include "base/base64.h"

#include <cstdint>

namespace capstan::base {
namespace {

const char* Symbols(Base64Alphabet a) {
  return a == Base64Alphabet::kUrl ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                                   : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

// Value of one symbol, -1 when outside the alphabet.
int Value(char c, Base64Alphabet a) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (a == Base64Alphabet::kUrl) return c == '-' ? 62 : c == '_' ? 63 : -1;
  return c == '+' ? 62 : c == '/' ? 63 : -1;
}

}  // namespace

std::string Base64Encode(std::string_view in, Base64Alphabet alphabet) {
  const char* k = Symbols(alphabet);
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += k[v & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

namespace {
// Shared decoder. `strict`: padding required, only CR/LF skipped.
bool Decode(std::string_view in, std::string* out, Base64Alphabet alphabet, bool strict) {
  out->clear();
  out->reserve(in.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0, pad = 0;
  size_t symbols = 0;
  for (char c : in) {
    if (c == '\r' || c == '\n') continue;
    if (!strict && (c == ' ' || c == '\t')) continue;
    if (c == '=') {
      ++pad;
      ++symbols;
      continue;
    }
    int v = Value(c, alphabet);
    if (v < 0 || pad > 0) return false;  // outside the alphabet, or data after '='
    ++symbols;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (pad > 2) return false;
  if (strict) return symbols % 4 == 0;
  return bits < 6;  // a lone 6-bit group cannot encode a byte
}
}  // namespace

bool Base64Decode(std::string_view in, std::string* out, Base64Alphabet alphabet) {
  return Decode(in, out, alphabet, true);
}

bool Base64DecodeLenient(std::string_view in, std::string* out) {
  return Decode(in, out, Base64Alphabet::kStd, false);
}

}  // namespace capstan::base
