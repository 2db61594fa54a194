#include "base/x509.h"

#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <stdexcept>

#include "base/libcrypto.h"

namespace capstan::base {

X509* NewCertificate(EVP_PKEY* key, long not_before_seconds, long not_after_seconds) {
  LoadLibcrypto();
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) throw std::runtime_error("cannot read random bytes for a certificate serial");
  serial[0] &= 0x7f;
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert), not_before_seconds);
  X509_gmtime_adj(X509_getm_notAfter(cert), not_after_seconds);
  X509_set_pubkey(cert, key);
  return cert;
}

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) throw std::runtime_error("cannot build certificate extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

}  // namespace capstan::base
