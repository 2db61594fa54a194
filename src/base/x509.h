// The start every self-signed or CA-signed certificate capstan makes shares
// (the local cluster's CA and serving certificate, `capstan server`'s TLS
// certificate, the sealing keys' certificates). libcrypto loads on first use.
#ifndef CAPSTAN_BASE_X509_H_
#define CAPSTAN_BASE_X509_H_

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace capstan::base {

// A new X.509 v3 certificate of `key`'s public key with a random positive
// 128-bit serial, valid from now + `not_before_seconds` (negative: in the
// past) to now + `not_after_seconds`. The caller names subject and issuer,
// adds extensions, signs it and frees it (X509_free).
X509* NewCertificate(EVP_PKEY* key, long not_before_seconds, long not_after_seconds);

// Adds the extension `nid` written as OpenSSL's config text (e.g.
// "critical,CA:TRUE", "IP:127.0.0.1"), with `issuer` (the certificate itself
// when self-signed) for key identifiers. Throws std::runtime_error when
// `value` does not parse.
void AddExtension(X509* cert, X509* issuer, int nid, const char* value);

}  // namespace capstan::base

#endif  // CAPSTAN_BASE_X509_H_
