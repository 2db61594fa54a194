#include "server/crypto.h"

#include <crypt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstring>
#include <stdexcept>

#include "base/base64.h"
#include "base/libcrypto.h"
#include "server/lazy_libraries.h"

namespace capstan::server {

std::string HmacSha256(std::string_view key, std::string_view data) {
  base::LoadLibcrypto();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Sha256(std::string_view data) {
  base::LoadLibcrypto();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr))
    throw std::runtime_error("SHA-256 failed");
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Sha1(std::string_view data) {
  base::LoadLibcrypto();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!EVP_Digest(data.data(), data.size(), out, &len, EVP_sha1(), nullptr))
    throw std::runtime_error("SHA-1 failed");
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Hex(std::string_view raw) {
  static const char* d = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

std::string RandomBytes(size_t n) {
  base::LoadLibcrypto();
  std::string out(n, '\0');
  if (n && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("random number generator failed");
  return out;
}

std::string RandomPassword(size_t n) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  while (out.size() < n) {
    for (unsigned char c : RandomBytes(n * 2)) {
      if (c >= 248) continue;  // 248 = 62 * 4: no modulo bias
      out += a[c % 62];
      if (out.size() == n) break;
    }
  }
  return out;
}

std::string NewUuid() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  std::string h = Hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string Base64UrlEncode(std::string_view raw) {
  std::string out = base::Base64Encode(raw, base::Base64Alphabet::kUrl);
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

bool Base64UrlDecode(std::string_view text, std::string* out) {
  std::string padded(text);
  if (padded.size() % 4 == 1) return false;
  while (padded.size() % 4) padded += '=';
  return base::Base64Decode(padded, out, base::Base64Alphabet::kUrl);
}

std::string Base64Encode(std::string_view raw) { return base::Base64Encode(raw); }
bool Base64Decode(std::string_view text, std::string* out) { return base::Base64Decode(text, out); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string BcryptHash(std::string_view password, int cost) {
  LoadCrypt();
  std::string salt_random = RandomBytes(16);
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$2b$", cost, salt_random.data(), static_cast<int>(salt_random.size()), setting,
                        sizeof setting))
    throw std::runtime_error("bcrypt: cannot make a salt");
  struct crypt_data data;
  std::memset(&data, 0, sizeof data);
  std::string pw(password);
  const char* h = crypt_r(pw.c_str(), setting, &data);
  if (!h || h[0] == '*') throw std::runtime_error("bcrypt: hashing failed");
  return h;
}

bool BcryptVerify(std::string_view password, const std::string& hash) {
  if (hash.size() < 7 || hash[0] != '$' || hash[1] != '2') return false;
  LoadCrypt();
  struct crypt_data data;
  std::memset(&data, 0, sizeof data);
  std::string pw(password);
  const char* h = crypt_r(pw.c_str(), hash.c_str(), &data);
  if (!h || h[0] == '*') return false;
  return ConstantTimeEquals(h, hash);
}

}  // namespace capstan::server
