// Unsealing SealedSecrets into Secrets in a cluster, as bitnami's
// sealed-secrets controller does, for the sync path (`capstan app sync`, the
// controller) to call after it applied an Application's objects.
//
// Promises: for every SealedSecret among `objects`, the live SealedSecret is
// read (its uid becomes the Secret's controller owner reference), the keys
// are the kube-system Secrets labelled sealedsecrets.bitnami.com/
// sealed-secrets-key, and the Secret is created or updated. A SealedSecret
// that does not decrypt (tampered, or sealed for another namespace, name or
// scope) is refused: no Secret is written, a Warning Event (reason
// ErrUnsealFailed) is recorded on it and the refusal is returned. A Secret of
// that name not owned by the SealedSecret is never overwritten. No message
// ever holds a secret value.
#ifndef CAPSTAN_DELIVERY_UNSEAL_SYNC_H_
#define CAPSTAN_DELIVERY_UNSEAL_SYNC_H_

#include <string>
#include <vector>

#include "sync/target.h"
#include "yaml/node.h"

namespace capstan::delivery {

struct UnsealReport {
  std::vector<std::string> unsealed;  // "ns/name" of Secrets written
  std::vector<std::string> refused;   // one line each, no values
};

UnsealReport UnsealSealedSecrets(sync::Target& target, const std::vector<yaml::Node>& objects,
                                 const std::string& keys_namespace = "kube-system");

}  // namespace capstan::delivery

#endif  // CAPSTAN_DELIVERY_UNSEAL_SYNC_H_
