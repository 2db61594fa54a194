// The client against a TLS fake API server: CA trust (data and file),
// insecure mode, tls-server-name, client certificates (data and files),
// bearer tokens. Certificates are generated per run (EC P-256).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "kube/client.h"
#include "kube/fake_apiserver_test.h"

namespace capstan::kube {
namespace {

using testing::FakeApiServer;

struct KeyPair {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  std::string cert_pem, key_pem;
};

void AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ASSERT_NE(ext, nullptr) << value;
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

std::string Pem(X509* cert) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, cert);
  char* data;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, n);
  BIO_free(b);
  return out;
}

std::string Pem(EVP_PKEY* key) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, n);
  BIO_free(b);
  return out;
}

// issuer == nullptr: a self-signed CA.
KeyPair MakeCert(const char* cn, const KeyPair* issuer, const char* san, bool client) {
  static long serial = 1;
  KeyPair kp;
  kp.key = EVP_EC_gen("P-256");
  kp.cert = X509_new();
  X509_set_version(kp.cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(kp.cert), ++serial);
  X509_gmtime_adj(X509_getm_notBefore(kp.cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(kp.cert), 86400);
  X509_set_pubkey(kp.cert, kp.key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(kp.cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509* issuer_cert = issuer ? issuer->cert : kp.cert;
  X509_set_issuer_name(kp.cert, X509_get_subject_name(issuer_cert));
  AddExt(kp.cert, issuer_cert, NID_subject_key_identifier, "hash");
  AddExt(kp.cert, issuer_cert, NID_authority_key_identifier, "keyid");
  if (!issuer) {
    AddExt(kp.cert, issuer_cert, NID_basic_constraints, "critical,CA:TRUE");
    AddExt(kp.cert, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExt(kp.cert, issuer_cert, NID_basic_constraints, "critical,CA:FALSE");
    AddExt(kp.cert, issuer_cert, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    AddExt(kp.cert, issuer_cert, NID_ext_key_usage, client ? "clientAuth" : "serverAuth");
    if (san) AddExt(kp.cert, issuer_cert, NID_subject_alt_name, san);
  }
  X509_sign(kp.cert, issuer ? issuer->key : kp.key, EVP_sha256());
  kp.cert_pem = Pem(kp.cert);
  kp.key_pem = Pem(kp.key);
  return kp;
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ca_ = new KeyPair(MakeCert("capstan-test-ca", nullptr, nullptr, false));
    server_ = new KeyPair(MakeCert("kube-apiserver", ca_, "DNS:localhost,IP:127.0.0.1", false));
    named_ = new KeyPair(MakeCert("kube-apiserver", ca_, "DNS:kube.internal", false));
    client_ = new KeyPair(MakeCert("admin", ca_, nullptr, true));
    other_ca_ = new KeyPair(MakeCert("someone-else", nullptr, nullptr, false));
  }

  std::unique_ptr<FakeApiServer> Serve(const KeyPair& cert, bool require_client_cert = false) {
    X509_STORE* store = nullptr;
    if (require_client_cert) {
      store = X509_STORE_new();
      X509_STORE_add_cert(store, ca_->cert);
    }
    return std::make_unique<FakeApiServer>(std::make_unique<httplib::SSLServer>(cert.cert, cert.key, store));
  }

  Config Cfg(const FakeApiServer& s) {
    Config c;
    c.server = s.url("https");
    return c;
  }

  ClientOptions Opts() {
    ClientOptions o;
    o.clock = &clock_;
    o.max_attempts = 2;
    return o;
  }

  std::string TempFile(const std::string& content) {
    char tmpl[] = "/tmp/capstan-tls-XXXXXX";
    int fd = mkstemp(tmpl);
    EXPECT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    close(fd);
    files_.push_back(tmpl);
    return tmpl;
  }
  void TearDown() override {
    for (auto& f : files_) unlink(f.c_str());
  }

  KubeError ErrorOf(const std::function<void()>& f) {
    try {
      f();
    } catch (const KubeError& e) {
      return e;
    }
    return KubeError(-1, "none", "no error thrown");
  }

  static KeyPair *ca_, *server_, *named_, *client_, *other_ca_;
  testing::FakeClock clock_;
  std::vector<std::string> files_;
};

KeyPair* TlsTest::ca_;
KeyPair* TlsTest::server_;
KeyPair* TlsTest::named_;
KeyPair* TlsTest::client_;
KeyPair* TlsTest::other_ca_;

TEST_F(TlsTest, TrustsTheClusterCaFromDataOrFile) {
  auto s = Serve(*server_);
  Config c = Cfg(*s);
  c.ca_data = ca_->cert_pem;
  Client client(c, Opts());
  EXPECT_EQ(client.Resource({"apps", "v1", "Deployment"}).name, "deployments");
  EXPECT_EQ(client.stats().connections, 1u);  // keep-alive over TLS too

  Config f = Cfg(*s);
  f.ca_file = TempFile(ca_->cert_pem);
  EXPECT_EQ(Client(f, Opts()).Raw("GET", "/api").status, 200);
}

TEST_F(TlsTest, RejectsAServerItDoesNotTrust) {
  auto s = Serve(*server_);
  Config c = Cfg(*s);
  c.ca_data = other_ca_->cert_pem;  // only the configured CA is trusted
  Client client(c, Opts());
  KubeError e = ErrorOf([&] { client.Raw("GET", "/api"); });
  EXPECT_EQ(e.code, 0);
  EXPECT_EQ(e.reason, "TLSError") << e.what();
  EXPECT_EQ(client.stats().requests, 1u);  // a TLS failure is not retried

  Config none = Cfg(*s);  // system trust store: does not know our CA
  EXPECT_EQ(ErrorOf([&] { Client(none, Opts()).Raw("GET", "/api"); }).reason, "TLSError");
}

TEST_F(TlsTest, InsecureSkipsVerification) {
  auto s = Serve(*server_);
  Config c = Cfg(*s);
  c.insecure_skip_tls_verify = true;
  EXPECT_EQ(Client(c, Opts()).Raw("GET", "/api").status, 200);
}

TEST_F(TlsTest, TlsServerNameIsWhatGetsVerified) {
  auto s = Serve(*named_);  // certificate only for kube.internal
  Config c = Cfg(*s);
  c.ca_data = ca_->cert_pem;
  EXPECT_EQ(ErrorOf([&] { Client(c, Opts()).Raw("GET", "/api"); }).reason, "TLSError");
  c.tls_server_name = "kube.internal";
  Client client(c, Opts());
  EXPECT_EQ(client.Raw("GET", "/api").status, 200);
  // The request still names the real server in Host.
  auto reqs = s->Requests();
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(reqs.back().Header("host"), "127.0.0.1:" + std::to_string(s->port()));
}

TEST_F(TlsTest, ClientCertificateFromDataOrFiles) {
  auto s = Serve(*server_, /*require_client_cert=*/true);
  Config c = Cfg(*s);
  c.ca_data = ca_->cert_pem;
  KubeError e = ErrorOf([&] { Client(c, Opts()).Raw("GET", "/api"); });
  EXPECT_EQ(e.code, 0) << e.what();  // the handshake is refused without a certificate

  c.client_cert_data = client_->cert_pem;
  c.client_key_data = client_->key_pem;
  Client with_data(c, Opts());
  EXPECT_EQ(with_data.Resource({"", "v1", "ConfigMap"}).name, "configmaps");

  Config f = Cfg(*s);
  f.ca_data = ca_->cert_pem;
  f.client_cert_file = TempFile(client_->cert_pem);
  f.client_key_file = TempFile(client_->key_pem);
  EXPECT_EQ(Client(f, Opts()).Raw("GET", "/api").status, 200);
}

TEST_F(TlsTest, BearerTokenOverTls) {
  auto s = Serve(*server_);
  s->RequireAuthorization("Bearer tls-token");
  Config c = Cfg(*s);
  c.ca_data = ca_->cert_pem;
  c.token = "tls-token";
  EXPECT_EQ(Client(c, Opts()).Raw("GET", "/api").status, 200);
  c.token = "nope";
  EXPECT_EQ(Client(c, Opts()).Raw("GET", "/api").status, 401);
}

TEST_F(TlsTest, KubeconfigToClientEndToEnd) {
  auto s = Serve(*server_, true);
  std::string cfg = TempFile("");
  auto b64 = [](const std::string& in) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    out.resize(n);
    return out;
  };
  std::ofstream(cfg) << "apiVersion: v1\nkind: Config\ncurrent-context: test\n"
                     << "clusters:\n- name: fake\n  cluster:\n    server: " << s->url("https") << "\n"
                     << "    certificate-authority-data: " << b64(ca_->cert_pem) << "\n"
                     << "contexts:\n- name: test\n  context: {cluster: fake, user: admin, namespace: apps}\n"
                     << "users:\n- name: admin\n  user:\n"
                     << "    client-certificate-data: " << b64(client_->cert_pem) << "\n"
                     << "    client-key-data: " << b64(client_->key_pem) << "\n";
  KubeconfigOptions o;
  o.explicit_path = cfg;
  Client client(LoadKubeconfig(o), Opts());
  EXPECT_EQ(client.DefaultNamespace(), "apps");
  client.Create(yaml::ParseJson(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}})"));
  EXPECT_EQ(client.Get({{"", "v1", "ConfigMap"}, "", "x"}).StrAt({"metadata", "namespace"}), "apps");
}

}  // namespace
}  // namespace capstan::kube
