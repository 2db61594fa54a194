// Trusting an https Git server whose certificate is not signed by a system
// CA: the `ca=FILE` of a credentials entry (Argo CD's argocd-tls-certs-cm).
#ifndef CAPSTAN_GIT_TLS_TRUST_H_
#define CAPSTAN_GIT_TLS_TRUST_H_

#include <string>
#include <string_view>

namespace capstan::git {

// "" when the server certificate `der` (DER, as libgit2 hands it over)
// chains to a certificate of the PEM file `ca_file` (a root, or an
// intermediate: libgit2 passes only the server's own certificate, so the
// file must hold its issuer), is valid now, is a TLS server certificate and
// names `host` (DNS name or IP address). Otherwise the reason, one line.
std::string VerifyServerCertificate(std::string_view der, const std::string& host, const std::string& ca_file);

}  // namespace capstan::git

#endif  // CAPSTAN_GIT_TLS_TRUST_H_
