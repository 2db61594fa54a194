// TLS material and client credentials of the local cluster: a self-signed
// CA, a server certificate for 127.0.0.1/localhost signed by it, a random
// bearer token, and the kubeconfig that ties them together.
#ifndef CAPSTAN_CLUSTER_CERTS_H_
#define CAPSTAN_CLUSTER_CERTS_H_

#include <string>

namespace capstan::cluster {

struct Credentials {
  std::string ca_pem, cert_pem, key_pem, token;
};

// Loads <dir>/{ca.crt,server.crt,server.key,token}, creating them when
// absent (files mode 0600). Throws std::runtime_error naming the file.
Credentials LoadOrCreateCredentials(const std::string& dir);

// Writes <dir>/kubeconfig for `server` ("https://127.0.0.1:port").
std::string WriteKubeconfig(const std::string& dir, const std::string& server,
                            const Credentials& creds);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_CERTS_H_
