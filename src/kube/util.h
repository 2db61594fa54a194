// Small helpers of the Kubernetes client (internal).
#ifndef CAPSTAN_KUBE_UTIL_H_
#define CAPSTAN_KUBE_UTIL_H_

#include <string>
#include <string_view>

#include "kube/client.h"
#include "yaml/node.h"

namespace capstan::kube {

// The KubeError for a non-2xx answer: from a Status body when there is one
// ({code, reason, message}), else from the HTTP status and the body's first
// line. `what` names the request ("GET apps/v1 deployments default/web").
KubeError ErrorFromResponse(long status, std::string_view body, const std::string& what);

// Kubernetes StatusReason for an HTTP status without a Status body.
std::string ReasonForStatus(long status);

// One line, at most `max` bytes: newlines become spaces.
std::string OneLine(std::string_view s, size_t max = 300);

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_UTIL_H_
