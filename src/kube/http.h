// HTTP/1.1 over libcurl for the Kubernetes client (internal).
//
// One Transport per Client. Requests borrow an easy handle from a small
// pool; all handles share one connection cache, DNS cache and TLS session
// cache (curl share interface), so keep-alive connections are reused across
// threads. TLS settings and credentials come from the Config.
#ifndef CAPSTAN_KUBE_HTTP_H_
#define CAPSTAN_KUBE_HTTP_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "kube/client.h"

namespace capstan::kube {

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // absolute path with query, "/api/v1/pods?limit=500"
  std::string body;
  std::string content_type;  // of the body
  std::string accept = "application/json";
  std::chrono::seconds timeout{60};  // 0: none (watches)
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// Receives body bytes of a 2xx streaming response; return false to stop.
using ChunkFn = std::function<bool(std::string_view chunk)>;

// A failure before a complete response arrived.
struct TransportFailure {
  std::string reason;   // "ConnectionError" | "TLSError" | "Timeout"
  std::string message;  // one line, no credentials
  bool retryable;       // connection refused/reset/dropped, timeout
};

class Transport {
 public:
  Transport(const Config& config, const ClientOptions& options);
  ~Transport();

  // Performs one request. Returns false and fills `failure` when no complete
  // response arrived. With on_chunk set, a 2xx body streams to it instead of
  // response.body (non-2xx bodies are still collected); the request ends
  // early without failure when on_chunk returns false or *stop is set.
  bool Do(const HttpRequest& request, HttpResponse* response, TransportFailure* failure,
          const ChunkFn& on_chunk = nullptr, const std::atomic<bool>* stop = nullptr);

  uint64_t connections_opened() const { return connections_.load(); }
  // For the curl share lock callbacks.
  std::mutex& ShareMutex(int data) { return share_locks_[data & 7]; }

 private:
  void* Acquire();
  void Release(void* handle);
  std::string BearerToken();

  Config config_;
  ClientOptions options_;
  std::string base_url_;     // scheme://host:port used in URLs
  std::string connect_to_;   // CURLOPT_CONNECT_TO entry for tls-server-name
  std::string host_header_;  // Host: header when the URL names tls-server-name
  void* share_ = nullptr;
  std::mutex share_locks_[8];
  std::mutex pool_mu_;
  std::vector<void*> idle_;
  std::mutex token_mu_;
  std::string cached_token_;
  std::chrono::steady_clock::time_point token_read_{};
  std::atomic<uint64_t> connections_{0};
};

// Percent-encodes a query value or path segment.
std::string UrlEncode(std::string_view s);

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_HTTP_H_
