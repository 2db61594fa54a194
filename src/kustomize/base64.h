// Standard base64 (RFC 4648, padded), as Kubernetes stores Secret data.
#ifndef CAPSTAN_KUSTOMIZE_BASE64_H_
#define CAPSTAN_KUSTOMIZE_BASE64_H_

#include <string>
#include <string_view>

namespace capstan::kustomize {

std::string Base64Encode(std::string_view in);

}  // namespace capstan::kustomize

#endif  // CAPSTAN_KUSTOMIZE_BASE64_H_
