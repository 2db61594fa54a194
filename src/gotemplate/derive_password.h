// Sprig's derivePassword: the Master Password algorithm (scrypt N=32768,
// r=8, p=2 over the user, HMAC-SHA256 over the site and counter, then a
// character template). Deterministic, so charts using it render the same
// output as Helm. scrypt keeps half of its blocks (see the .cc); PBKDF2 is
// OpenSSL's (libcrypto, loaded on first use).
#ifndef CAPSTAN_GOTEMPLATE_DERIVE_PASSWORD_H_
#define CAPSTAN_GOTEMPLATE_DERIVE_PASSWORD_H_

#include <cstdint>
#include <string>

namespace capstan::gotemplate {

// Returns Sprig's result, including its in-band messages ("cannot find
// password template X"). Throws std::runtime_error when libcrypto is missing.
// scrypt (RFC 7914); `n` a power of two. Throws std::runtime_error.
std::string Scrypt(const std::string& password, const std::string& salt, uint32_t n, uint32_t r, uint32_t p,
                   size_t key_len);

std::string DerivePassword(uint32_t counter, const std::string& type, const std::string& password,
                           const std::string& user, const std::string& site);

}  // namespace capstan::gotemplate

#endif  // CAPSTAN_GOTEMPLATE_DERIVE_PASSWORD_H_
