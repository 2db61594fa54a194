// The sealing keys kept in the cluster as bitnami's sealed-secrets
// controller keeps them: kubernetes.io/tls Secrets in kube-system labelled
// sealedsecrets.bitnami.com/sealed-secrets-key=active. The newest seals;
// every one unseals (rotation adds a key, it never deletes one).
#ifndef CAPSTAN_DELIVERY_SEAL_KEYS_H_
#define CAPSTAN_DELIVERY_SEAL_KEYS_H_

#include <string>
#include <vector>

#include "delivery/seal.h"
#include "kube/client.h"

namespace capstan::delivery {

inline constexpr char kKeyNamespace[] = "kube-system";

// Key Secrets, oldest first.
std::vector<yaml::Node> ListKeySecrets(kube::ResourceClient& client, const std::string& ns = kKeyNamespace);
// PEM certificate of the newest key; Error when the cluster has none.
std::string FetchCert(kube::ResourceClient& client, const std::string& ns = kKeyNamespace);
// Generates a key pair and stores it; returns the new Secret's name.
std::string CreateKey(kube::ResourceClient& client, const std::string& ns = kKeyNamespace, int bits = 4096);
// Private keys of every key Secret (for unsealing).
std::vector<UnsealingKey> LoadUnsealingKeys(kube::ResourceClient& client, const std::string& ns = kKeyNamespace);

}  // namespace capstan::delivery

#endif  // CAPSTAN_DELIVERY_SEAL_KEYS_H_
