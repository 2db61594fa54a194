// Sealed Secrets in bitnami's format (kubeseal / sealed-secrets controller).
//
// Promises:
// - HybridEncrypt output is what kubeseal writes: 2-byte big-endian length of
//   the RSA-OAEP(SHA-256, MGF1 SHA-256, label) ciphertext of a random 32-byte
//   session key, that ciphertext, then AES-256-GCM (zero 12-byte nonce, no
//   AAD, 16-byte tag appended) of the plaintext.
// - The OAEP label binds the scope: strict "<namespace>/<name>",
//   namespace-wide "<namespace>", cluster-wide "".
// - Unseal() turns a SealedSecret into the Secret the controller would
//   create (metadata from spec.template, name/namespace from the
//   SealedSecret, controller owner reference to it) or throws Error saying
//   which key failed, never a plaintext. A SealedSecret moved to another
//   namespace or name, or given a wider scope annotation, does not decrypt.
// - Errors and messages never contain secret values.
#ifndef CAPSTAN_DELIVERY_SEAL_H_
#define CAPSTAN_DELIVERY_SEAL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "yaml/node.h"

namespace capstan::delivery {

enum class SealScope { kStrict, kNamespaceWide, kClusterWide };

inline constexpr char kNamespaceWideAnnotation[] = "sealedsecrets.bitnami.com/namespace-wide";
inline constexpr char kClusterWideAnnotation[] = "sealedsecrets.bitnami.com/cluster-wide";
inline constexpr char kKeyLabel[] = "sealedsecrets.bitnami.com/sealed-secrets-key";

// "strict", "namespace-wide", "cluster-wide"; throws Error otherwise.
SealScope ParseScope(const std::string& s);
std::string ScopeLabel(SealScope scope, const std::string& ns, const std::string& name);
// The scope an object's annotations declare (strict when none).
SealScope ScopeOf(const yaml::Node& obj);

// An RSA public key from a PEM certificate (or PEM public key). Throws Error
// naming `source` for anything else (a corrupt or non-RSA certificate).
class SealingKey {
 public:
  static SealingKey FromPem(std::string_view pem, const std::string& source);
  ~SealingKey();
  SealingKey(SealingKey&&) noexcept;
  SealingKey& operator=(SealingKey&&) noexcept;
  void* pkey() const { return pkey_; }

 private:
  SealingKey() = default;
  void* pkey_ = nullptr;  // EVP_PKEY*
};

// An RSA private key (PEM, PKCS#1 or PKCS#8).
class UnsealingKey {
 public:
  static UnsealingKey FromPem(std::string_view pem, const std::string& source);
  ~UnsealingKey();
  UnsealingKey(UnsealingKey&&) noexcept;
  UnsealingKey& operator=(UnsealingKey&&) noexcept;
  void* pkey() const { return pkey_; }
  const std::string& source() const { return source_; }

 private:
  UnsealingKey() = default;
  void* pkey_ = nullptr;
  std::string source_;
};

std::string HybridEncrypt(const SealingKey& key, std::string_view plaintext, std::string_view label);
// False when the ciphertext is malformed, tampered with, or for another
// key or label.
bool HybridDecrypt(const UnsealingKey& key, std::string_view ciphertext, std::string_view label, std::string* plaintext);

// The SealedSecret for a Secret (data and stringData sealed; the Secret's
// metadata, minus last-applied annotations and owner references, as the
// template). An empty namespace takes `default_namespace`. `scope`
// overrides the Secret's own scope annotations when set. Throws Error naming
// `source` and the field.
yaml::Node SealSecret(const yaml::Node& secret, const SealingKey& key, const SealScope* scope,
                      const std::string& default_namespace, const std::string& source);

// The Secret for a SealedSecret (see above). `uid` goes in the owner
// reference (the live SealedSecret's metadata.uid when it has one).
yaml::Node Unseal(const yaml::Node& sealed, const std::vector<UnsealingKey>& keys);

// A freshly generated key pair as the sealed-secrets controller makes one:
// RSA `bits`, self-signed certificate CN=sealed-secret valid 10 years.
struct KeyPair {
  std::string cert_pem, key_pem;
};
KeyPair GenerateKeyPair(int bits = 4096);
// The kube-system Secret the controller keeps a key in
// (type kubernetes.io/tls, label sealedsecrets.bitnami.com/sealed-secrets-key=active).
yaml::Node KeySecret(const KeyPair& pair, const std::string& name);

}  // namespace capstan::delivery

#endif  // CAPSTAN_DELIVERY_SEAL_H_
