// kubeseal-compatible hybrid encryption, SealedSecret building and unsealing.
#include "delivery/seal.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <map>

#include "base/base64.h"
#include "base/libcrypto.h"
#include "base/x509.h"
#include "delivery/error.h"

namespace capstan::delivery {
namespace {

constexpr size_t kSessionKeyBytes = 32;
constexpr size_t kGcmTagBytes = 16;
constexpr size_t kGcmNonceBytes = 12;

struct Bio {
  BIO* b;
  explicit Bio(std::string_view s) : b(BIO_new_mem_buf(s.data(), static_cast<int>(s.size()))) {}
  Bio() : b(BIO_new(BIO_s_mem())) {}
  ~Bio() { BIO_free(b); }
  std::string Contents() const {
    char* data = nullptr;
    long n = BIO_get_mem_data(b, &data);
    return std::string(data, n > 0 ? static_cast<size_t>(n) : 0);
  }
};

struct PkeyCtx {
  EVP_PKEY_CTX* c;
  explicit PkeyCtx(EVP_PKEY* k) : c(EVP_PKEY_CTX_new(k, nullptr)) {}
  ~PkeyCtx() { EVP_PKEY_CTX_free(c); }
};

struct CipherCtx {
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  ~CipherCtx() { EVP_CIPHER_CTX_free(c); }
};

// OAEP with SHA-256 for both the digest and MGF1 (as Go's rsa.EncryptOAEP).
bool SetOaep(EVP_PKEY_CTX* ctx, std::string_view label) {
  if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0) return false;
  if (EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) <= 0) return false;
  if (EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) <= 0) return false;
  if (!label.empty()) {
    void* copy = OPENSSL_malloc(label.size());
    if (copy == nullptr) return false;
    memcpy(copy, label.data(), label.size());
    if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, copy, static_cast<int>(label.size())) <= 0) {
      OPENSSL_free(copy);
      return false;
    }
  }
  return true;
}

bool IsRsa(EVP_PKEY* k) { return k != nullptr && EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA; }

const yaml::Node* MapAt(const yaml::Node& n, std::string_view key) {
  const yaml::Node* v = n.Get(key);
  return v != nullptr && v->IsMap() ? v : nullptr;
}

void SetScopeAnnotations(yaml::Node& meta, SealScope scope) {
  yaml::Node* ann = meta.Get("annotations");
  if (ann != nullptr && ann->IsMap()) {
    ann->Remove(kNamespaceWideAnnotation);
    ann->Remove(kClusterWideAnnotation);
  }
  if (scope == SealScope::kStrict) {
    if (ann != nullptr && ann->IsMap() && ann->fields.empty()) meta.Remove("annotations");
    return;
  }
  meta.GetOrCreateMap("annotations")
      .Set(scope == SealScope::kClusterWide ? kClusterWideAnnotation : kNamespaceWideAnnotation,
           yaml::Node::String("true"));
}

}  // namespace

SealScope ParseScope(const std::string& s) {
  if (s == "strict") return SealScope::kStrict;
  if (s == "namespace-wide") return SealScope::kNamespaceWide;
  if (s == "cluster-wide") return SealScope::kClusterWide;
  throw Error("--scope " + s + ": expected strict, namespace-wide or cluster-wide");
}

std::string ScopeLabel(SealScope scope, const std::string& ns, const std::string& name) {
  switch (scope) {
    case SealScope::kClusterWide: return "";
    case SealScope::kNamespaceWide: return ns;
    default: return ns + "/" + name;
  }
}

SealScope ScopeOf(const yaml::Node& obj) {
  if (obj.StrAt({"metadata", "annotations", kClusterWideAnnotation}) == "true") return SealScope::kClusterWide;
  if (obj.StrAt({"metadata", "annotations", kNamespaceWideAnnotation}) == "true") return SealScope::kNamespaceWide;
  return SealScope::kStrict;
}

SealingKey SealingKey::FromPem(std::string_view pem, const std::string& source) {
  base::LoadLibcrypto();
  SealingKey k;
  {
    Bio bio(pem);
    if (X509* cert = PEM_read_bio_X509(bio.b, nullptr, nullptr, nullptr)) {
      k.pkey_ = X509_get_pubkey(cert);
      X509_free(cert);
    }
  }
  if (k.pkey_ == nullptr) {
    Bio bio(pem);
    k.pkey_ = PEM_read_bio_PUBKEY(bio.b, nullptr, nullptr, nullptr);
  }
  if (k.pkey_ == nullptr) throw Error(source + ": not a PEM certificate or public key (corrupt certificate?)");
  if (!IsRsa(static_cast<EVP_PKEY*>(k.pkey_))) throw Error(source + ": certificate key is not RSA (sealed-secrets uses RSA)");
  return k;
}

SealingKey::~SealingKey() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }
SealingKey::SealingKey(SealingKey&& o) noexcept : pkey_(o.pkey_) { o.pkey_ = nullptr; }
SealingKey& SealingKey::operator=(SealingKey&& o) noexcept {
  std::swap(pkey_, o.pkey_);
  return *this;
}

UnsealingKey UnsealingKey::FromPem(std::string_view pem, const std::string& source) {
  base::LoadLibcrypto();
  UnsealingKey k;
  k.source_ = source;
  Bio bio(pem);
  k.pkey_ = PEM_read_bio_PrivateKey(bio.b, nullptr, nullptr, nullptr);
  if (k.pkey_ == nullptr) throw Error(source + ": not a PEM private key");
  if (!IsRsa(static_cast<EVP_PKEY*>(k.pkey_))) throw Error(source + ": private key is not RSA");
  return k;
}

UnsealingKey::~UnsealingKey() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }
UnsealingKey::UnsealingKey(UnsealingKey&& o) noexcept : pkey_(o.pkey_), source_(std::move(o.source_)) {
  o.pkey_ = nullptr;
}
UnsealingKey& UnsealingKey::operator=(UnsealingKey&& o) noexcept {
  std::swap(pkey_, o.pkey_);
  std::swap(source_, o.source_);
  return *this;
}

std::string HybridEncrypt(const SealingKey& key, std::string_view plaintext, std::string_view label) {
  unsigned char session[kSessionKeyBytes];
  if (RAND_bytes(session, sizeof session) != 1) throw Error("cannot get random bytes");
  PkeyCtx ctx(static_cast<EVP_PKEY*>(key.pkey()));
  size_t rsa_len = 0;
  if (ctx.c == nullptr || EVP_PKEY_encrypt_init(ctx.c) <= 0 || !SetOaep(ctx.c, label) ||
      EVP_PKEY_encrypt(ctx.c, nullptr, &rsa_len, session, sizeof session) <= 0 || rsa_len > 0xffff) {
    OPENSSL_cleanse(session, sizeof session);
    throw Error("RSA-OAEP encryption failed (key too small?)");
  }
  std::string out(2 + rsa_len, '\0');
  if (EVP_PKEY_encrypt(ctx.c, reinterpret_cast<unsigned char*>(out.data()) + 2, &rsa_len, session, sizeof session) <= 0) {
    OPENSSL_cleanse(session, sizeof session);
    throw Error("RSA-OAEP encryption failed");
  }
  out.resize(2 + rsa_len);
  out[0] = static_cast<char>((rsa_len >> 8) & 0xff);
  out[1] = static_cast<char>(rsa_len & 0xff);

  CipherCtx c;
  unsigned char nonce[kGcmNonceBytes] = {0};
  int n = 0;
  size_t at = out.size();
  out.resize(at + plaintext.size() + kGcmTagBytes);
  auto* dst = reinterpret_cast<unsigned char*>(out.data()) + at;
  bool ok = c.c != nullptr && EVP_EncryptInit_ex(c.c, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(c.c, EVP_CTRL_GCM_SET_IVLEN, kGcmNonceBytes, nullptr) == 1 &&
            EVP_EncryptInit_ex(c.c, nullptr, nullptr, session, nonce) == 1 &&
            EVP_EncryptUpdate(c.c, dst, &n, reinterpret_cast<const unsigned char*>(plaintext.data()),
                              static_cast<int>(plaintext.size())) == 1;
  int m = 0;
  ok = ok && EVP_EncryptFinal_ex(c.c, dst + n, &m) == 1 &&
       EVP_CIPHER_CTX_ctrl(c.c, EVP_CTRL_GCM_GET_TAG, kGcmTagBytes, dst + n + m) == 1;
  OPENSSL_cleanse(session, sizeof session);
  if (!ok) throw Error("AES-GCM encryption failed");
  out.resize(at + static_cast<size_t>(n + m) + kGcmTagBytes);
  return out;
}

bool HybridDecrypt(const UnsealingKey& key, std::string_view ct, std::string_view label, std::string* plaintext) {
  if (ct.size() < 2) return false;
  size_t rsa_len = (static_cast<unsigned char>(ct[0]) << 8) | static_cast<unsigned char>(ct[1]);
  if (ct.size() < 2 + rsa_len + kGcmTagBytes) return false;
  PkeyCtx ctx(static_cast<EVP_PKEY*>(key.pkey()));
  unsigned char session[512];
  size_t session_len = sizeof session;
  if (ctx.c == nullptr || EVP_PKEY_decrypt_init(ctx.c) <= 0 || !SetOaep(ctx.c, label) ||
      EVP_PKEY_decrypt(ctx.c, session, &session_len, reinterpret_cast<const unsigned char*>(ct.data()) + 2,
                       rsa_len) <= 0 ||
      session_len != kSessionKeyBytes) {
    OPENSSL_cleanse(session, sizeof session);
    return false;
  }
  std::string_view body = ct.substr(2 + rsa_len);
  size_t text_len = body.size() - kGcmTagBytes;
  std::string out(text_len + 16, '\0');
  CipherCtx c;
  unsigned char nonce[kGcmNonceBytes] = {0};
  unsigned char tag[kGcmTagBytes];
  memcpy(tag, body.data() + text_len, kGcmTagBytes);
  int n = 0, m = 0;
  bool ok = c.c != nullptr && EVP_DecryptInit_ex(c.c, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(c.c, EVP_CTRL_GCM_SET_IVLEN, kGcmNonceBytes, nullptr) == 1 &&
            EVP_DecryptInit_ex(c.c, nullptr, nullptr, session, nonce) == 1 &&
            EVP_DecryptUpdate(c.c, reinterpret_cast<unsigned char*>(out.data()), &n,
                              reinterpret_cast<const unsigned char*>(body.data()), static_cast<int>(text_len)) == 1 &&
            EVP_CIPHER_CTX_ctrl(c.c, EVP_CTRL_GCM_SET_TAG, kGcmTagBytes, tag) == 1 &&
            EVP_DecryptFinal_ex(c.c, reinterpret_cast<unsigned char*>(out.data()) + n, &m) == 1;
  OPENSSL_cleanse(session, sizeof session);
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    return false;
  }
  out.resize(static_cast<size_t>(n + m));
  *plaintext = std::move(out);
  return true;
}

yaml::Node SealSecret(const yaml::Node& secret, const SealingKey& key, const SealScope* scope,
                      const std::string& default_namespace, const std::string& source) {
  if (!secret.IsMap() || secret.StrAt({"kind"}) != "Secret" || secret.StrAt({"apiVersion"}) != "v1") {
    throw Error(source + ": not a v1 Secret (kind: " + secret.StrAt({"kind"}) + ")");
  }
  std::string name = secret.StrAt({"metadata", "name"});
  if (name.empty()) throw Error(source + ": Secret: metadata.name is missing");
  std::string where = source + ": Secret " + name;
  std::string ns = secret.StrAt({"metadata", "namespace"});
  if (ns.empty()) ns = default_namespace;
  if (ns.empty()) ns = "default";

  yaml::Node meta = secret.Get("metadata") && secret.Get("metadata")->IsMap() ? *secret.Get("metadata") : yaml::Node::Map();
  meta.Set("namespace", yaml::Node::String(ns));
  meta.Remove("ownerReferences");
  meta.Remove("resourceVersion");
  meta.Remove("uid");
  meta.Remove("managedFields");
  if (yaml::Node* ann = meta.Get("annotations"); ann != nullptr && ann->IsMap()) {
    ann->Remove("kubectl.kubernetes.io/last-applied-configuration");
    if (ann->fields.empty()) meta.Remove("annotations");
  }
  SealScope s = scope ? *scope : ScopeOf(secret);
  SetScopeAnnotations(meta, s);
  meta.Set("creationTimestamp", yaml::Node::Null());
  std::string label = ScopeLabel(s, ns, name);

  // data (base64) and stringData (plain), stringData winning as the API server does.
  std::map<std::string, std::string> values;
  if (const yaml::Node* data = secret.Get("data"); data != nullptr && !data->IsNull()) {
    if (!data->IsMap()) throw Error(where + ": data: expected a mapping");
    for (const yaml::Field& f : data->fields) {
      std::string raw;
      if (!f.value.IsScalar() || !base::Base64Decode(f.value.value, &raw)) {
        throw Error(where + ": data." + f.key.value + ": not valid base64");
      }
      values[f.key.value] = std::move(raw);
    }
  }
  if (const yaml::Node* sd = secret.Get("stringData"); sd != nullptr && !sd->IsNull()) {
    if (!sd->IsMap()) throw Error(where + ": stringData: expected a mapping");
    for (const yaml::Field& f : sd->fields) {
      if (!f.value.IsScalar()) throw Error(where + ": stringData." + f.key.value + ": expected a string");
      values[f.key.value] = f.value.value;
    }
  }
  if (values.empty()) throw Error(where + ": no data or stringData to seal");

  yaml::Node out = yaml::Node::Map();
  out.Set("apiVersion", yaml::Node::String("bitnami.com/v1alpha1"));
  out.Set("kind", yaml::Node::String("SealedSecret"));
  yaml::Node ometa = yaml::Node::Map();
  if (s != SealScope::kStrict) ometa.Set("annotations", *meta.Get("annotations"));
  ometa.Set("creationTimestamp", yaml::Node::Null());
  ometa.Set("name", yaml::Node::String(name));
  ometa.Set("namespace", yaml::Node::String(ns));
  out.Set("metadata", ometa);
  yaml::Node spec = yaml::Node::Map();
  yaml::Node enc = yaml::Node::Map();
  for (auto& [k, v] : values) {
    enc.Set(k, yaml::Node::String(base::Base64Encode(HybridEncrypt(key, v, label))));
    OPENSSL_cleanse(v.data(), v.size());
  }
  spec.Set("encryptedData", enc);
  yaml::Node tmpl = yaml::Node::Map();
  tmpl.Set("metadata", meta);
  if (const yaml::Node* type = secret.Get("type"); type != nullptr && type->IsScalar()) tmpl.Set("type", *type);
  if (const yaml::Node* imm = secret.Get("immutable"); imm != nullptr) tmpl.Set("immutable", *imm);
  spec.Set("template", tmpl);
  out.Set("spec", spec);
  return out;
}

yaml::Node Unseal(const yaml::Node& sealed, const std::vector<UnsealingKey>& keys) {
  std::string name = sealed.StrAt({"metadata", "name"});
  std::string ns = sealed.StrAt({"metadata", "namespace"});
  std::string where = "SealedSecret " + ns + "/" + name;
  if (sealed.StrAt({"kind"}) != "SealedSecret") throw Error(where + ": not a SealedSecret");
  if (name.empty() || ns.empty()) throw Error(where + ": metadata.name and metadata.namespace are required");
  if (keys.empty()) throw Error(where + ": no sealing key to decrypt with");
  const yaml::Node* spec = MapAt(sealed, "spec");
  const yaml::Node* enc = spec ? MapAt(*spec, "encryptedData") : nullptr;
  if (enc == nullptr) throw Error(where + ": spec.encryptedData is missing");
  const yaml::Node* tmpl = MapAt(*spec, "template");
  if (tmpl != nullptr && tmpl->Has("data")) throw Error(where + ": spec.template.data (templated values) is not supported");
  std::string label = ScopeLabel(ScopeOf(sealed), ns, name);

  yaml::Node secret = yaml::Node::Map();
  secret.Set("apiVersion", yaml::Node::String("v1"));
  secret.Set("kind", yaml::Node::String("Secret"));
  yaml::Node meta = tmpl && MapAt(*tmpl, "metadata") ? *MapAt(*tmpl, "metadata") : yaml::Node::Map();
  meta.Remove("creationTimestamp");
  meta.Set("name", yaml::Node::String(name));
  meta.Set("namespace", yaml::Node::String(ns));
  yaml::Node owner = yaml::Node::Map();
  owner.Set("apiVersion", yaml::Node::String("bitnami.com/v1alpha1"));
  owner.Set("kind", yaml::Node::String("SealedSecret"));
  owner.Set("name", yaml::Node::String(name));
  owner.Set("uid", yaml::Node::String(sealed.StrAt({"metadata", "uid"})));
  owner.Set("controller", yaml::Node::Bool(true));
  owner.Set("blockOwnerDeletion", yaml::Node::Bool(true));
  yaml::Node owners = yaml::Node::Seq();
  owners.items.push_back(owner);
  meta.Set("ownerReferences", owners);
  secret.Set("metadata", meta);
  if (tmpl != nullptr && tmpl->Get("type") && tmpl->Get("type")->IsScalar()) secret.Set("type", *tmpl->Get("type"));
  if (tmpl != nullptr && tmpl->Get("immutable")) secret.Set("immutable", *tmpl->Get("immutable"));
  yaml::Node data = yaml::Node::Map();
  for (const yaml::Field& f : enc->fields) {
    std::string ct, plain;
    if (!f.value.IsScalar() || !base::Base64Decode(f.value.value, &ct)) {
      throw Error(where + ": encryptedData." + f.key.value + ": not valid base64");
    }
    bool done = false;
    for (const UnsealingKey& k : keys) {
      if (HybridDecrypt(k, ct, label, &plain)) {
        done = true;
        break;
      }
    }
    if (!done) {
      throw Error(where + ": encryptedData." + f.key.value +
                  ": no key could decrypt it (tampered, sealed for another namespace, name or scope, or with "
                  "another key); not unsealed");
    }
    data.Set(f.key.value, yaml::Node::String(base::Base64Encode(plain)));
    OPENSSL_cleanse(plain.data(), plain.size());
  }
  secret.Set("data", data);
  return secret;
}

KeyPair GenerateKeyPair(int bits) {
  base::LoadLibcrypto();
  EVP_PKEY* key = EVP_RSA_gen(static_cast<unsigned>(bits));
  if (key == nullptr) throw Error("cannot generate an RSA key");
  X509* cert = base::NewCertificate(key, 0, 10L * 365 * 24 * 3600);
  X509_NAME* subject = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("sealed-secret"), -1,
                             -1, 0);
  X509_set_issuer_name(cert, subject);
  bool ok = X509_sign(cert, key, EVP_sha256()) > 0;
  KeyPair pair;
  if (ok) {
    Bio c, k;
    PEM_write_bio_X509(c.b, cert);
    PEM_write_bio_PrivateKey_traditional(k.b, key, nullptr, nullptr, 0, nullptr, nullptr);
    pair.cert_pem = c.Contents();
    pair.key_pem = k.Contents();
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  if (!ok) throw Error("cannot sign the sealing certificate");
  return pair;
}

yaml::Node KeySecret(const KeyPair& pair, const std::string& name) {
  yaml::Node s = yaml::Node::Map();
  s.Set("apiVersion", yaml::Node::String("v1"));
  s.Set("kind", yaml::Node::String("Secret"));
  yaml::Node meta = yaml::Node::Map();
  meta.Set("name", yaml::Node::String(name));
  meta.Set("namespace", yaml::Node::String("kube-system"));
  meta.GetOrCreateMap("labels").Set(kKeyLabel, yaml::Node::String("active"));
  s.Set("metadata", meta);
  s.Set("type", yaml::Node::String("kubernetes.io/tls"));
  yaml::Node data = yaml::Node::Map();
  data.Set("tls.crt", yaml::Node::String(base::Base64Encode(pair.cert_pem)));
  data.Set("tls.key", yaml::Node::String(base::Base64Encode(pair.key_pem)));
  s.Set("data", data);
  return s;
}

}  // namespace capstan::delivery
