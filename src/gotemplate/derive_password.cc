#include "gotemplate/derive_password.h"

#include <nettle/pbkdf2.h>
#include <nettle/sha2.h>

#include <cstring>
#include <map>
#include <memory>
#include <vector>


namespace capstan::gotemplate {
namespace {

const char kSeed[] = "com.lyndir.masterpassword";

const std::map<std::string, std::vector<std::string>>& Templates() {
  static const std::map<std::string, std::vector<std::string>> t = {
      {"maximum", {"anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"}},
      {"long", {"CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
                "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
                "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
                "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
                "CvccCvcvCvccno"}},
      {"medium", {"CvcnoCvc", "CvcCvcno"}},
      {"short", {"Cvcn"}},
      {"basic", {"aaanaaan", "aannaaan", "aaannaaa"}},
      {"pin", {"nnnn"}},
  };
  return t;
}

const char* Characters(char c) {
  switch (c) {
    case 'V': return "AEIOU";
    case 'C': return "BCDFGHJKLMNPQRSTVWXYZ";
    case 'v': return "aeiou";
    case 'c': return "bcdfghjklmnpqrstvwxyz";
    case 'A': return "AEIOUBCDFGHJKLMNPQRSTVWXYZ";
    case 'a': return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
    case 'n': return "0123456789";
    case 'o': return "@&%?,=[]_:-+*$#!'^~;()/.";
    case 'x': return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()";
  }
  return "";
}

void PutBigEndian(std::string* s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s->push_back(static_cast<char>((v >> shift) & 0xff));
}

std::string Sha256(const std::string& data) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, data.size(), reinterpret_cast<const uint8_t*>(data.data()));
  std::string d(SHA256_DIGEST_SIZE, '\0');
  sha256_digest(&ctx, d.size(), reinterpret_cast<uint8_t*>(d.data()));
  return d;
}

// RFC 2104 HMAC over SHA-256.
std::string HmacSha256(std::string key, const std::string& msg) {
  const size_t block = 64;
  if (key.size() > block) key = Sha256(key);
  key.resize(block, '\0');
  std::string ipad(block, '\0'), opad(block, '\0');
  for (size_t i = 0; i < block; ++i) {
    ipad[i] = static_cast<char>(key[i] ^ 0x36);
    opad[i] = static_cast<char>(key[i] ^ 0x5c);
  }
  return Sha256(opad + Sha256(ipad + msg));
}

// --- scrypt (RFC 7914) with a time-memory trade-off ---------------------------
// OpenSSL's EVP_PBE_scrypt keeps all N blocks: 32 MiB for Sprig's N=32768,
// r=8, the largest allocation of any chart render. This ROMix keeps every
// kStride-th block and recomputes the others from the one before (RFC 7914's
// result, 1/kStride of the memory, ~1.25x the work for kStride 2). PBKDF2 is
// Nettle's (OpenSSL 3 spends ~2 ms loading its provider on the first
// digest). The tests compare it with EVP_PBE_scrypt.
constexpr uint32_t kStride = 2;

inline uint32_t Rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

void Salsa208(uint32_t b[16]) {
  uint32_t x[16];
  memcpy(x, b, sizeof x);
  for (int i = 0; i < 8; i += 2) {
    x[4] ^= Rotl(x[0] + x[12], 7);   x[8] ^= Rotl(x[4] + x[0], 9);
    x[12] ^= Rotl(x[8] + x[4], 13);  x[0] ^= Rotl(x[12] + x[8], 18);
    x[9] ^= Rotl(x[5] + x[1], 7);    x[13] ^= Rotl(x[9] + x[5], 9);
    x[1] ^= Rotl(x[13] + x[9], 13);  x[5] ^= Rotl(x[1] + x[13], 18);
    x[14] ^= Rotl(x[10] + x[6], 7);  x[2] ^= Rotl(x[14] + x[10], 9);
    x[6] ^= Rotl(x[2] + x[14], 13);  x[10] ^= Rotl(x[6] + x[2], 18);
    x[3] ^= Rotl(x[15] + x[11], 7);  x[7] ^= Rotl(x[3] + x[15], 9);
    x[11] ^= Rotl(x[7] + x[3], 13);  x[15] ^= Rotl(x[11] + x[7], 18);
    x[1] ^= Rotl(x[0] + x[3], 7);    x[2] ^= Rotl(x[1] + x[0], 9);
    x[3] ^= Rotl(x[2] + x[1], 13);   x[0] ^= Rotl(x[3] + x[2], 18);
    x[6] ^= Rotl(x[5] + x[4], 7);    x[7] ^= Rotl(x[6] + x[5], 9);
    x[4] ^= Rotl(x[7] + x[6], 13);   x[5] ^= Rotl(x[4] + x[7], 18);
    x[11] ^= Rotl(x[10] + x[9], 7);  x[8] ^= Rotl(x[11] + x[10], 9);
    x[9] ^= Rotl(x[8] + x[11], 13);  x[10] ^= Rotl(x[9] + x[8], 18);
    x[12] ^= Rotl(x[15] + x[14], 7); x[13] ^= Rotl(x[12] + x[15], 9);
    x[14] ^= Rotl(x[13] + x[12], 13); x[15] ^= Rotl(x[14] + x[13], 18);
  }
  for (int i = 0; i < 16; ++i) b[i] += x[i];
}

// out = BlockMix(in); both 32*r words, distinct.
void BlockMix(const uint32_t* in, uint32_t* out, uint32_t r) {
  uint32_t x[16];
  memcpy(x, in + (2 * r - 1) * 16, sizeof x);
  for (uint32_t i = 0; i < 2 * r; ++i) {
    for (int w = 0; w < 16; ++w) x[w] ^= in[i * 16 + w];
    Salsa208(x);
    memcpy(out + ((i / 2) + (i % 2) * r) * 16, x, sizeof x);
  }
}

void RoMix(uint8_t* block, uint32_t n, uint32_t r) {
  const size_t words = 32 * r;
  std::vector<uint32_t> x(words), t(words), tmp(words);
  for (size_t i = 0; i < words; ++i)
    x[i] = uint32_t(block[4 * i]) | uint32_t(block[4 * i + 1]) << 8 | uint32_t(block[4 * i + 2]) << 16 |
           uint32_t(block[4 * i + 3]) << 24;
  std::unique_ptr<uint32_t[]> v(new uint32_t[(n + kStride - 1) / kStride * words]);
  for (uint32_t i = 0; i < n; ++i) {
    if (i % kStride == 0) memcpy(v.get() + (i / kStride) * words, x.data(), words * 4);
    BlockMix(x.data(), tmp.data(), r);
    x.swap(tmp);
  }
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t j = x[(2 * r - 1) * 16] & (n - 1);
    memcpy(t.data(), v.get() + (j / kStride) * words, words * 4);
    for (uint32_t m = 0; m < j % kStride; ++m) {
      BlockMix(t.data(), tmp.data(), r);
      t.swap(tmp);
    }
    for (size_t w = 0; w < words; ++w) t[w] ^= x[w];
    BlockMix(t.data(), x.data(), r);
  }
  for (size_t i = 0; i < words; ++i)
    for (int k = 0; k < 4; ++k) block[4 * i + k] = static_cast<uint8_t>(x[i] >> (8 * k));
}

}  // namespace

std::string Scrypt(const std::string& password, const std::string& salt, uint32_t n, uint32_t r, uint32_t p,
                   size_t key_len) {
  if (n < 2 || (n & (n - 1)) != 0 || r == 0 || p == 0) throw std::runtime_error("scrypt: invalid parameters");
  std::string b(size_t{128} * r * p, '\0');
  pbkdf2_hmac_sha256(password.size(), reinterpret_cast<const uint8_t*>(password.data()), 1, salt.size(),
                     reinterpret_cast<const uint8_t*>(salt.data()), b.size(), reinterpret_cast<uint8_t*>(b.data()));
  for (uint32_t i = 0; i < p; ++i) RoMix(reinterpret_cast<uint8_t*>(b.data()) + size_t{128} * r * i, n, r);
  std::string key(key_len, '\0');
  pbkdf2_hmac_sha256(password.size(), reinterpret_cast<const uint8_t*>(password.data()), 1, b.size(),
                     reinterpret_cast<const uint8_t*>(b.data()), key.size(), reinterpret_cast<uint8_t*>(key.data()));
  return key;
}

std::string DerivePassword(uint32_t counter, const std::string& type, const std::string& password,
                           const std::string& user, const std::string& site) {
  auto it = Templates().find(type);
  if (it == Templates().end()) return "cannot find password template " + type;
  std::string salt = kSeed;
  PutBigEndian(&salt, static_cast<uint32_t>(user.size()));
  salt += user;
  std::string key = Scrypt(password, salt, 32768, 8, 2, 64);
  std::string msg = kSeed;
  PutBigEndian(&msg, static_cast<uint32_t>(site.size()));
  msg += site;
  PutBigEndian(&msg, counter);
  std::string seed = HmacSha256(key, msg);
  const std::string& tmpl = it->second[static_cast<unsigned char>(seed[0]) % it->second.size()];
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    std::string chars = Characters(tmpl[i]);
    out += chars[static_cast<unsigned char>(seed[i + 1]) % chars.size()];
  }
  return out;
}

}  // namespace capstan::gotemplate
