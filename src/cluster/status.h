// Errors as kube-apiserver reports them: a meta/v1 Status body with the
// same code, reason, message and details a real server sends.
#ifndef CAPSTAN_CLUSTER_STATUS_H_
#define CAPSTAN_CLUSTER_STATUS_H_

#include <stdexcept>
#include <string>
#include <vector>

#include "cluster/resources.h"
#include "yaml/node.h"

namespace capstan::cluster {

struct StatusCause {
  std::string reason, message, field;
};

// Thrown by request handlers; the router turns it into the HTTP response.
class ApiError : public std::runtime_error {
 public:
  ApiError(int code, std::string reason, std::string message)
      : std::runtime_error(message), code(code), reason(std::move(reason)) {}
  int code;
  std::string reason;
  // details: omitted when all empty.
  std::string name, group, kind;
  bool has_details = false;
  std::vector<StatusCause> causes;
  int retry_after = 0;

  yaml::Node ToStatus() const;  // the Status object
};

// Builders for the common cases; `r` names the resource ("deployments.apps").
ApiError NotFound(const ResourceInfo& r, const std::string& name);
ApiError AlreadyExists(const ResourceInfo& r, const std::string& name);
ApiError Conflict(const ResourceInfo& r, const std::string& name, const std::string& why);
ApiError BadRequest(const std::string& message);
ApiError Invalid(const std::string& kind, const std::string& group, const std::string& name,
                 std::vector<StatusCause> causes);
ApiError Forbidden(const ResourceInfo& r, const std::string& name, const std::string& why);
ApiError MethodNotSupported(const ResourceInfo& r, const std::string& action);
ApiError ResourceNotFound();  // unknown path: "the server could not find the requested resource"
ApiError Gone(const std::string& message);  // 410 Expired
// 504 Timeout "Too large resource version" (retry after 1 s): a read or
// watch from a resourceVersion the server has not reached.
ApiError ResourceVersionTooLarge(int64_t requested, int64_t current);
ApiError TooLarge(size_t limit);
ApiError Unauthorized();
ApiError UnsupportedMediaType(const std::string& content_type);
ApiError NotAcceptable();
ApiError Internal(const std::string& message);

// The Status object of a successful delete ("status":"Success").
yaml::Node SuccessStatus(const ResourceInfo& r, const std::string& name,
                         const std::string& uid);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_STATUS_H_
