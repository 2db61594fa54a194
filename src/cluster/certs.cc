#include "cluster/certs.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <memory>
#include <stdexcept>

#include "base/base64.h"
#include "base/file_system.h"
#include "base/x509.h"
namespace capstan::cluster {
namespace {

void WriteFile(const std::string& path, const std::string& data) {
  std::string err;
  if (!base::WriteFileAtomic(path, data, &err, 0600)) throw std::runtime_error(err);
}

std::string ReadFile(const std::string& path, bool* ok) {
  std::string text;
  *ok = base::ReadFile(path, &text, nullptr);
  return text;
}

EVP_PKEY* NewKey() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) throw std::runtime_error("cannot generate EC key");
  return key;
}

using base::AddExtension;

X509* NewCert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool ca) {
  X509* cert = base::NewCertificate(key, -3600, 10L * 365 * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);
  X509* iss = issuer ? issuer : cert;
  if (ca) {
    AddExtension(cert, iss, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert, iss, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
    AddExtension(cert, iss, NID_subject_key_identifier, "hash");
  } else {
    AddExtension(cert, iss, NID_basic_constraints, "critical,CA:FALSE");
    AddExtension(cert, iss, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    AddExtension(cert, iss, NID_ext_key_usage, "serverAuth");
    AddExtension(cert, iss, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  }
  if (!X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256()))
    throw std::runtime_error("cannot sign certificate");
  return cert;
}

std::string CertPem(X509* c) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, c);
  char* data;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, n);
  BIO_free(b);
  return out;
}

std::string KeyPem(EVP_PKEY* k) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
  char* data;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, n);
  BIO_free(b);
  return out;
}

}  // namespace

Credentials LoadOrCreateCredentials(const std::string& dir) {
  Credentials c;
  bool a, b, k, t;
  c.ca_pem = ReadFile(dir + "/ca.crt", &a);
  c.cert_pem = ReadFile(dir + "/server.crt", &b);
  c.key_pem = ReadFile(dir + "/server.key", &k);
  c.token = ReadFile(dir + "/token", &t);
  if (a && b && k && t && !c.token.empty()) return c;
  EVP_PKEY* ca_key = NewKey();
  X509* ca = NewCert(ca_key, "capstan-ca", nullptr, nullptr, true);
  EVP_PKEY* key = NewKey();
  X509* cert = NewCert(key, "capstan-apiserver", ca, ca_key, false);
  c.ca_pem = CertPem(ca);
  c.cert_pem = CertPem(cert);
  c.key_pem = KeyPem(key);
  unsigned char raw[24];
  RAND_bytes(raw, sizeof raw);
  static const char hex[] = "0123456789abcdef";
  c.token.clear();
  for (unsigned char x : raw) {
    c.token += hex[x >> 4];
    c.token += hex[x & 15];
  }
  WriteFile(dir + "/ca.key", KeyPem(ca_key));
  WriteFile(dir + "/ca.crt", c.ca_pem);
  WriteFile(dir + "/server.crt", c.cert_pem);
  WriteFile(dir + "/server.key", c.key_pem);
  WriteFile(dir + "/token", c.token);
  X509_free(ca);
  X509_free(cert);
  EVP_PKEY_free(ca_key);
  EVP_PKEY_free(key);
  return c;
}

std::string WriteKubeconfig(const std::string& dir, const std::string& server,
                            const Credentials& creds) {
  std::string path = dir + "/kubeconfig";
  std::string cfg =
      "apiVersion: v1\n"
      "kind: Config\n"
      "clusters:\n"
      "- name: capstan\n"
      "  cluster:\n"
      "    server: " + server + "\n"
      "    certificate-authority-data: " + base::Base64Encode(creds.ca_pem) + "\n"
      "contexts:\n"
      "- name: capstan\n"
      "  context:\n"
      "    cluster: capstan\n"
      "    user: capstan-admin\n"
      "    namespace: default\n"
      "current-context: capstan\n"
      "preferences: {}\n"
      "users:\n"
      "- name: capstan-admin\n"
      "  user:\n"
      "    token: " + creds.token + "\n";
  WriteFile(path, cfg);
  return path;
}

}  // namespace capstan::cluster
