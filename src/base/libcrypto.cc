#include "base/libcrypto.h"

#include "base/lazy_library.h"

// Every libcrypto function capstan calls (the local cluster's
// certificates); a missing one fails to link. Regenerate with
//   nm -u src/*/libcapstan_*.a | grep -wFf <(nm -D --defined-only libcrypto.so.3 ...)
#define CAPSTAN_LIBCRYPTO_FUNCTIONS(X) \
  X(BIO_ctrl) \
  X(BIO_free) \
  X(BIO_new) \
  X(BIO_new_mem_buf) \
  X(BIO_s_mem) \
  X(BN_bin2bn) \
  X(BN_free) \
  X(BN_to_ASN1_INTEGER) \
  X(CRYPTO_free) \
  X(CRYPTO_malloc) \
  X(EVP_CIPHER_CTX_ctrl) \
  X(EVP_CIPHER_CTX_free) \
  X(EVP_CIPHER_CTX_new) \
  X(EVP_DecryptFinal_ex) \
  X(EVP_DecryptInit_ex) \
  X(EVP_DecryptUpdate) \
  X(EVP_Digest) \
  X(EVP_EncryptFinal_ex) \
  X(EVP_EncryptInit_ex) \
  X(EVP_EncryptUpdate) \
  X(EVP_PKEY_CTX_free) \
  X(EVP_PKEY_CTX_new) \
  X(EVP_PKEY_CTX_set0_rsa_oaep_label) \
  X(EVP_PKEY_CTX_set_rsa_mgf1_md) \
  X(EVP_PKEY_CTX_set_rsa_oaep_md) \
  X(EVP_PKEY_CTX_set_rsa_padding) \
  X(EVP_PKEY_Q_keygen) \
  X(EVP_PKEY_decrypt) \
  X(EVP_PKEY_decrypt_init) \
  X(EVP_PKEY_encrypt) \
  X(EVP_PKEY_encrypt_init) \
  X(EVP_PKEY_free) \
  X(EVP_PKEY_get_base_id) \
  X(EVP_aes_256_gcm) \
  X(EVP_sha1) \
  X(EVP_sha256) \
  X(HMAC) \
  X(OPENSSL_cleanse) \
  X(PEM_read_bio_PUBKEY) \
  X(PEM_read_bio_PrivateKey) \
  X(PEM_read_bio_X509) \
  X(PEM_write_bio_PrivateKey) \
  X(PEM_write_bio_PrivateKey_traditional) \
  X(PEM_write_bio_X509) \
  X(PKCS5_PBKDF2_HMAC) \
  X(RAND_bytes) \
  X(X509V3_EXT_conf_nid) \
  X(X509V3_set_ctx) \
  X(X509_EXTENSION_free) \
  X(X509_NAME_add_entry_by_txt) \
  X(X509_STORE_CTX_free) \
  X(X509_STORE_CTX_get0_param) \
  X(X509_STORE_CTX_get_error) \
  X(X509_STORE_CTX_init) \
  X(X509_STORE_CTX_new) \
  X(X509_STORE_CTX_set_purpose) \
  X(X509_STORE_free) \
  X(X509_STORE_load_file) \
  X(X509_STORE_new) \
  X(X509_STORE_set_flags) \
  X(X509_VERIFY_PARAM_set1_host) \
  X(X509_VERIFY_PARAM_set1_ip_asc) \
  X(X509_add_ext) \
  X(X509_free) \
  X(X509_get_pubkey) \
  X(X509_get_serialNumber) \
  X(X509_get_subject_name) \
  X(X509_getm_notAfter) \
  X(X509_getm_notBefore) \
  X(X509_gmtime_adj) \
  X(X509_new) \
  X(X509_set_issuer_name) \
  X(X509_set_pubkey) \
  X(X509_set_version) \
  X(X509_sign) \
  X(X509_verify_cert) \
  X(X509_verify_cert_error_string) \
  X(d2i_X509)

#define CAPSTAN_LIBCRYPTO_STUB(name) CAPSTAN_LAZY_STUB(libcrypto, name)
CAPSTAN_LIBCRYPTO_FUNCTIONS(CAPSTAN_LIBCRYPTO_STUB)

namespace capstan::base {

void LoadLibcrypto() {
  static LazyLibrary lib(CAPSTAN_LIBCRYPTO_SONAME, {CAPSTAN_LIBCRYPTO_FUNCTIONS(CAPSTAN_LAZY_SLOT)},
                         "install the OpenSSL runtime package libssl3");
  lib.Load();
}

}  // namespace capstan::base

CAPSTAN_LAZY_RESOLVER(libcrypto, capstan::base::LoadLibcrypto)
