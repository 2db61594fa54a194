// The cryptography the server needs, on OpenSSL's libcrypto and libxcrypt
// (both Debian, both loaded on first use): HMAC-SHA256, SHA-1/SHA-256,
// random bytes, base64url, constant-time comparison and bcrypt.
#ifndef CAPSTAN_SERVER_CRYPTO_H_
#define CAPSTAN_SERVER_CRYPTO_H_

#include <string>
#include <string_view>

namespace capstan::server {

std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string Sha256(std::string_view data);                            // 32 raw bytes
std::string Sha1(std::string_view data);                              // 20 raw bytes
std::string Hex(std::string_view raw);
std::string RandomBytes(size_t n);  // throws std::runtime_error when the RNG fails
// n random characters from [A-Za-z0-9].
std::string RandomPassword(size_t n);
std::string NewUuid();

// JWT's base64url without padding, over base/base64.h (the one copy).
std::string Base64UrlEncode(std::string_view raw);
bool Base64UrlDecode(std::string_view text, std::string* out);  // padding optional
std::string Base64Encode(std::string_view raw);                 // standard, padded
bool Base64Decode(std::string_view text, std::string* out);

// Equal length and bytes, in time that depends only on the lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// bcrypt ($2b$, cost 10) of `password`; throws std::runtime_error when
// libcrypt is unavailable.
std::string BcryptHash(std::string_view password, int cost = 10);
// Whether `password` matches a bcrypt hash ($2a$/$2b$/$2y$); false for a
// malformed hash.
bool BcryptVerify(std::string_view password, const std::string& hash);

}  // namespace capstan::server

#endif  // CAPSTAN_SERVER_CRYPTO_H_
