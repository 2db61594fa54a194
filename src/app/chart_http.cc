#include "app/chart_http.h"

#include <curl/curl.h>

#include <cctype>
#include <filesystem>

#include "app/application.h"
#include "kube/libcurl_stubs.h"

namespace capstan::app {
namespace {

constexpr size_t kMaxBody = size_t{256} << 20;  // 256 MiB: larger is not a chart

size_t AppendBody(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * n > kMaxBody) return 0;
  out->append(data, size * n);
  return size * n;
}

size_t AppendHeader(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) headers->clear();  // a new response (after a redirect)
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    size_t b = value.find_first_not_of(" \t"), e = value.find_last_not_of(" \t\r\n");
    (*headers)[name] = b == std::string::npos ? "" : value.substr(b, e - b + 1);
  }
  return size * n;
}

}  // namespace

std::string RedactChartUrl(const std::string& url) {
  size_t scheme = url.find("://");
  size_t host = scheme == std::string::npos ? 0 : scheme + 3;
  size_t slash = url.find('/', host);
  size_t at = url.rfind('@', slash == std::string::npos ? url.size() : slash);
  if (at == std::string::npos || at < host) return url;
  return url.substr(0, host) + url.substr(at + 1);
}

std::string UrlOrigin(const std::string& raw) {
  std::string url = RedactChartUrl(raw);
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  size_t end = url.find_first_of("/?#", scheme + 3);
  std::string origin = url.substr(0, end);
  for (auto& c : origin) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return origin;
}

ChartHttpResponse ChartHttpGet(const ChartHttpRequest& req, const std::string& field) {
  try {
    kube::LoadLibcurl();
  } catch (const std::exception& e) {
    throw AppError(field + ": " + e.what());
  }
  CURL* h = curl_easy_init();
  if (h == nullptr) throw AppError(field + ": cannot start an HTTP request");
  ChartHttpResponse resp;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  std::string auth_header;
  if (!req.accept.empty()) headers = curl_slist_append(headers, ("Accept: " + req.accept).c_str());
  if (!req.bearer.empty()) {
    auth_header = "Authorization: Bearer " + req.bearer;
    headers = curl_slist_append(headers, auth_header.c_str());
  }
  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, req.follow_redirects ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  // Basic credentials and custom Authorization headers stay with the first
  // host on a redirect (libcurl's default; set explicitly).
  curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 300000L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "capstan-helm");
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &AppendHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &resp.headers);
  if (headers != nullptr) curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  if (req.bearer.empty() && (!req.username.empty() || !req.password.empty())) {
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(h, CURLOPT_USERNAME, req.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, req.password.c_str());
  }
  if (!req.ca_file.empty()) {
    // The entry's CAs besides the system's (CAINFO: the file; CAPATH: the
    // system store). OpenSSL accepts a chain ending at an intermediate of
    // the file (partial chain), as git/tls_trust.h does for Git.
    curl_easy_setopt(h, CURLOPT_CAINFO, req.ca_file.c_str());
    std::error_code ec;
    if (std::filesystem::is_directory("/etc/ssl/certs", ec)) curl_easy_setopt(h, CURLOPT_CAPATH, "/etc/ssl/certs");
  }
  CURLcode rc = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
  curl_easy_cleanup(h);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    std::string why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
    throw AppError(field + ": fetching " + RedactChartUrl(req.url) + ": " + why);
  }
  return resp;
}

}  // namespace capstan::app
