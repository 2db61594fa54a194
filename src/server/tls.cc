#include "server/tls.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "base/libcrypto.h"
#include "base/x509.h"
#include "server/crypto.h"
#include "yaml/yaml.h"

namespace capstan::server {

namespace {

std::string Pem(BIO* b) {
  char* data;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, n);
  BIO_free(b);
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot read");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TlsMaterial SelfSignedCertificate(const std::string& host) {
  base::LoadLibcrypto();
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) throw std::runtime_error("cannot generate a TLS key");
  X509* cert = base::NewCertificate(key, -3600, 365L * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Argo CD"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  base::AddExtension(cert, cert, NID_basic_constraints, "critical,CA:FALSE");
  base::AddExtension(cert, cert, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  base::AddExtension(cert, cert, NID_ext_key_usage, "serverAuth");
  std::string san = "IP:127.0.0.1,DNS:localhost";
  bool is_ip = !host.empty() && host.find_first_not_of("0123456789.") == std::string::npos;
  if (!host.empty() && host != "127.0.0.1" && host != "localhost" && host != "0.0.0.0")
    san += (is_ip ? ",IP:" : ",DNS:") + host;
  base::AddExtension(cert, cert, NID_subject_alt_name, san.c_str());
  if (!X509_sign(cert, key, EVP_sha256())) throw std::runtime_error("cannot sign the TLS certificate");
  TlsMaterial m;
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, cert);
  m.cert_pem = Pem(b);
  b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
  m.key_pem = Pem(b);
  X509_free(cert);
  EVP_PKEY_free(key);
  return m;
}

TlsMaterial LoadOrCreateTls(kube::ResourceClient& client, const std::string& ns, const std::string& cert_file,
                            const std::string& key_file, const std::string& host) {
  if (!cert_file.empty() || !key_file.empty()) {
    if (cert_file.empty() || key_file.empty()) throw std::runtime_error("--tls-cert and --tls-key go together");
    return {ReadFile(cert_file), ReadFile(key_file)};
  }
  resource::ResId id{{"", "v1", "Secret"}, ns, "argocd-server-tls"};
  try {
    yaml::Node s = client.Get(id);
    std::string crt, key;
    if (Base64Decode(s.StrAt({"data", "tls.crt"}), &crt) && Base64Decode(s.StrAt({"data", "tls.key"}), &key) &&
        !crt.empty() && !key.empty())
      return {crt, key};
  } catch (const kube::KubeError& e) {
    if (!kube::IsNotFound(e)) throw;
  }
  TlsMaterial m = SelfSignedCertificate(host);
  yaml::Node obj = yaml::ParseJson(R"({"apiVersion":"v1","kind":"Secret","type":"kubernetes.io/tls","metadata":{}})");
  obj.GetOrCreateMap("metadata").Set("name", yaml::Node::String("argocd-server-tls"));
  obj.GetOrCreateMap("metadata").Set("namespace", yaml::Node::String(ns));
  yaml::Node& data = obj.GetOrCreateMap("data");
  data.Set("tls.crt", yaml::Node::String(Base64Encode(m.cert_pem)));
  data.Set("tls.key", yaml::Node::String(Base64Encode(m.key_pem)));
  try {
    client.Create(obj);
  } catch (const kube::KubeError& e) {
    if (!kube::IsAlreadyExists(e)) throw;
    client.Update(obj);
  }
  return m;
}

}  // namespace capstan::server
