#include "cluster/status.h"

namespace capstan::cluster {

yaml::Node ApiError::ToStatus() const {
  yaml::Node s = yaml::Node::Map();
  s.Set("kind", yaml::Node::String("Status"));
  s.Set("apiVersion", yaml::Node::String("v1"));
  s.Set("metadata", yaml::Node::Map());
  s.Set("status", yaml::Node::String("Failure"));
  s.Set("message", yaml::Node::String(what()));
  s.Set("reason", yaml::Node::String(reason));
  if (has_details || !name.empty() || !kind.empty() || !causes.empty() || retry_after) {
    yaml::Node d = yaml::Node::Map();
    if (!name.empty()) d.Set("name", yaml::Node::String(name));
    if (!group.empty()) d.Set("group", yaml::Node::String(group));
    if (!kind.empty()) d.Set("kind", yaml::Node::String(kind));
    if (!causes.empty()) {
      yaml::Node cs = yaml::Node::Seq();
      for (const auto& c : causes) {
        yaml::Node cn = yaml::Node::Map();
        if (!c.reason.empty()) cn.Set("reason", yaml::Node::String(c.reason));
        if (!c.message.empty()) cn.Set("message", yaml::Node::String(c.message));
        if (!c.field.empty()) cn.Set("field", yaml::Node::String(c.field));
        cs.items.push_back(cn);
      }
      d.Set("causes", cs);
    }
    if (retry_after) d.Set("retryAfterSeconds", yaml::Node::Int(retry_after));
    s.Set("details", d);
  }
  s.Set("code", yaml::Node::Int(code));
  return s;
}

static ApiError WithDetails(ApiError e, const ResourceInfo& r, const std::string& name) {
  e.name = name;
  e.group = r.group;
  e.kind = r.plural;
  e.has_details = true;
  return e;
}

ApiError NotFound(const ResourceInfo& r, const std::string& name) {
  return WithDetails(ApiError(404, "NotFound", r.Qualified() + " \"" + name + "\" not found"), r,
                     name);
}

ApiError AlreadyExists(const ResourceInfo& r, const std::string& name) {
  return WithDetails(
      ApiError(409, "AlreadyExists", r.Qualified() + " \"" + name + "\" already exists"), r, name);
}

ApiError Conflict(const ResourceInfo& r, const std::string& name, const std::string& why) {
  return WithDetails(ApiError(409, "Conflict", "Operation cannot be fulfilled on " +
                                                   r.Qualified() + " \"" + name + "\": " + why),
                     r, name);
}

ApiError BadRequest(const std::string& message) { return ApiError(400, "BadRequest", message); }

ApiError Invalid(const std::string& kind, const std::string& group, const std::string& name,
                 std::vector<StatusCause> causes) {
  std::string msg = kind + " \"" + name + "\" is invalid: ";
  if (causes.size() == 1) {
    msg += causes[0].field + ": " + causes[0].message;
  } else {
    msg += "[";
    for (size_t i = 0; i < causes.size(); ++i) {
      if (i) msg += ", ";
      msg += causes[i].field + ": " + causes[i].message;
    }
    msg += "]";
  }
  ApiError e(422, "Invalid", msg);
  e.name = name;
  e.group = group;
  e.kind = kind;
  e.causes = std::move(causes);
  e.has_details = true;
  return e;
}

ApiError Forbidden(const ResourceInfo& r, const std::string& name, const std::string& why) {
  std::string subject = name.empty() ? r.Qualified() : r.Qualified() + " \"" + name + "\"";
  return WithDetails(ApiError(403, "Forbidden", subject + " is forbidden: " + why), r, name);
}

ApiError MethodNotSupported(const ResourceInfo& r, const std::string& action) {
  ApiError e(405, "MethodNotAllowed",
             action + " is not supported on resources of kind \"" + r.Qualified() + "\"");
  e.group = r.group;
  e.kind = r.plural;
  e.has_details = true;
  return e;
}

ApiError ResourceNotFound() {
  ApiError e(404, "NotFound", "the server could not find the requested resource");
  e.has_details = true;
  return e;
}

ApiError Gone(const std::string& message) { return ApiError(410, "Expired", message); }

ApiError ResourceVersionTooLarge(int64_t requested, int64_t current) {
  ApiError e(504, "Timeout", "Too large resource version: " + std::to_string(requested) +
                                 ", current: " + std::to_string(current));
  e.causes.push_back({"ResourceVersionTooLarge", "Too large resource version", ""});
  e.retry_after = 1;
  return e;
}

ApiError TooLarge(size_t limit) {
  return ApiError(413, "RequestEntityTooLarge",
                  "Request entity too large: limit is " + std::to_string(limit));
}

ApiError Unauthorized() { return ApiError(401, "Unauthorized", "Unauthorized"); }

ApiError UnsupportedMediaType(const std::string& content_type) {
  if (content_type.find("patch") == std::string::npos)
    return ApiError(415, "UnsupportedMediaType",
                    "the body of the request was in an unknown format - accepted media types "
                    "include: application/json, application/yaml");
  return ApiError(415, "UnsupportedMediaType",
                  "the body of the request was in an unknown format - accepted media types "
                  "include: application/json-patch+json, application/merge-patch+json, "
                  "application/apply-patch+yaml, application/strategic-merge-patch+json");
}

ApiError NotAcceptable() {
  return ApiError(406, "NotAcceptable",
                  "only the following media types are accepted: application/json, "
                  "application/yaml, application/vnd.kubernetes.protobuf");
}

ApiError Internal(const std::string& message) {
  return ApiError(500, "InternalError", "Internal error occurred: " + message);
}

yaml::Node SuccessStatus(const ResourceInfo& r, const std::string& name, const std::string& uid) {
  yaml::Node s = yaml::Node::Map();
  s.Set("kind", yaml::Node::String("Status"));
  s.Set("apiVersion", yaml::Node::String("v1"));
  s.Set("metadata", yaml::Node::Map());
  s.Set("status", yaml::Node::String("Success"));
  yaml::Node d = yaml::Node::Map();
  d.Set("name", yaml::Node::String(name));
  if (!r.group.empty()) d.Set("group", yaml::Node::String(r.group));
  d.Set("kind", yaml::Node::String(r.plural));
  if (!uid.empty()) d.Set("uid", yaml::Node::String(uid));
  s.Set("details", d);
  return s;
}

}  // namespace capstan::cluster
