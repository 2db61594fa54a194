#include "gotemplate/derive_password.h"

#include <nettle/sha2.h>
#include <openssl/evp.h>

#include <map>
#include <vector>

#include "base/libcrypto.h"

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

}  // namespace

std::string DerivePassword(uint32_t counter, const std::string& type, const std::string& password,
                           const std::string& user, const std::string& site) {
  auto it = Templates().find(type);
  if (it == Templates().end()) return "cannot find password template " + type;
  std::string salt = kSeed;
  PutBigEndian(&salt, static_cast<uint32_t>(user.size()));
  salt += user;
  base::LoadLibcrypto();
  unsigned char key[64];
  // N=32768, r=8 needs 32 MiB plus a little: OpenSSL's default cap is 32 MiB.
  if (EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()),
                     salt.size(), 32768, 8, 2, uint64_t{64} << 20, key, sizeof key) != 1)
    return "failed to derive password: scrypt failed";
  std::string msg = kSeed;
  PutBigEndian(&msg, static_cast<uint32_t>(site.size()));
  msg += site;
  PutBigEndian(&msg, counter);
  std::string seed = HmacSha256(std::string(reinterpret_cast<char*>(key), sizeof key), msg);
  const std::string& tmpl = it->second[static_cast<unsigned char>(seed[0]) % it->second.size()];
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    std::string chars = Characters(tmpl[i]);
    out += chars[static_cast<unsigned char>(seed[i + 1]) % chars.size()];
  }
  return out;
}

}  // namespace capstan::gotemplate
