#include "kube/util.h"

#include "yaml/yaml.h"

namespace capstan::kube {

KubeError::KubeError(int c, std::string r, std::string m)
    : std::runtime_error(OneLine(m, 1000)), code(c), reason(std::move(r)), message(OneLine(m, 1000)) {}

bool IsNotFound(const KubeError& e) { return e.code == 404; }
bool IsAlreadyExists(const KubeError& e) { return e.code == 409 && e.reason == "AlreadyExists"; }
bool IsConflict(const KubeError& e) { return e.code == 409 && e.reason != "AlreadyExists"; }
bool IsGone(const KubeError& e) { return e.code == 410 || e.reason == "Expired" || e.reason == "Gone"; }

std::string OneLine(std::string_view s, size_t max) {
  std::string out;
  out.reserve(std::min(s.size(), max));
  for (char c : s) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string ReasonForStatus(long status) {
  switch (status) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 406: return "NotAcceptable";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return status >= 500 ? "InternalError" : "Unknown";
  }
}

KubeError ErrorFromResponse(long status, std::string_view body, const std::string& what) {
  // The API server answers failures with a Status object.
  if (!body.empty() && body.front() == '{') {
    try {
      yaml::Node st = yaml::ParseJson(body, what);
      if (st.IsMap() && st.StrAt({"kind"}) == "Status") {
        std::string reason = st.StrAt({"reason"});
        std::string message = st.StrAt({"message"});
        const yaml::Node* code = st.Get("code");
        long c = code && code->IsInt() ? static_cast<long>(code->AsInt()) : status;
        if (reason.empty()) reason = ReasonForStatus(c);
        if (message.empty()) message = reason;
        return KubeError(static_cast<int>(c), reason, what + ": " + message);
      }
    } catch (const std::exception&) {
      // Not JSON after all: fall through to the raw body.
    }
  }
  std::string reason = ReasonForStatus(status);
  std::string detail = OneLine(body, 200);
  return KubeError(static_cast<int>(status), reason,
                   what + ": " + reason + " (HTTP " + std::to_string(status) + ")" +
                       (detail.empty() ? "" : ": " + detail));
}

}  // namespace capstan::kube
