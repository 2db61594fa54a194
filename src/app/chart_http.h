// HTTP(S) GETs of chart repositories and OCI registries (libcurl): basic or
// bearer authorization, a private CA besides the system's (the `ca=` of a
// credentials entry), response headers for the OCI challenge flow. Messages
// never contain a password or token (URLs are redacted).
#ifndef CAPSTAN_APP_CHART_HTTP_H_
#define CAPSTAN_APP_CHART_HTTP_H_

#include <map>
#include <string>

namespace capstan::app {

struct ChartHttpRequest {
  std::string url;
  std::string accept;                    // Accept header, if any
  std::string username, password;        // basic auth when either is set
  std::string bearer;                    // Authorization: Bearer, when set
  std::string ca_file;                   // PEM CAs trusted besides the system's
  bool follow_redirects = true;          // auth headers never follow to another host
};

struct ChartHttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names, last value wins
};

// Performs the GET. Throws AppError "`field`: fetching <redacted url>: <curl
// error>" when no HTTP response came; any status is returned.
ChartHttpResponse ChartHttpGet(const ChartHttpRequest& req, const std::string& field);

// `url` without user:password@.
std::string RedactChartUrl(const std::string& url);
// scheme://host[:port] of `url` (lower-cased host), for same-host checks.
std::string UrlOrigin(const std::string& url);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_CHART_HTTP_H_
