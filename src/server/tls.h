// The server's TLS certificate: --tls-cert/--tls-key files, else the
// Secret argocd-server-tls (tls.crt, tls.key), else a new self-signed
// certificate for 127.0.0.1/localhost (ECDSA P-256, 1 year) stored there.
#ifndef CAPSTAN_SERVER_TLS_H_
#define CAPSTAN_SERVER_TLS_H_

#include <string>

#include "kube/client.h"

namespace capstan::server {

struct TlsMaterial {
  std::string cert_pem, key_pem;
};

TlsMaterial SelfSignedCertificate(const std::string& host);
TlsMaterial LoadOrCreateTls(kube::ResourceClient& client, const std::string& ns, const std::string& cert_file,
                            const std::string& key_file, const std::string& host);

}  // namespace capstan::server

#endif  // CAPSTAN_SERVER_TLS_H_
