// Client internals shared by client.cc, discovery.cc and watch.cc.
#ifndef CAPSTAN_KUBE_CLIENT_IMPL_H_
#define CAPSTAN_KUBE_CLIENT_IMPL_H_

#include <atomic>
#include <mutex>
#include <random>
#include <string>

#include "kube/client.h"
#include "kube/http.h"
#include "kube/throttle.h"

namespace capstan::kube {

struct Client::Impl {
  Impl(Config c, ClientOptions o);

  Config config;
  ClientOptions options;
  base::Clock* clock;
  Transport transport;
  RateLimiter limiter;
  std::mutex rng_mu;
  std::mt19937 rng;
  std::atomic<uint64_t> requests{0}, retries{0}, throttled{0};

  // One request with throttling and retries. Returns the final response,
  // whatever its status; throws KubeError when no response arrived. A
  // streaming request (on_chunk set) is never retried once bytes flowed.
  HttpResponse Send(const HttpRequest& request, bool idempotent, const ChunkFn& on_chunk = nullptr,
                    const std::atomic<bool>* stop = nullptr);
  // Send, then: non-2xx -> KubeError from the Status body; 2xx -> parsed JSON.
  yaml::Node Call(const HttpRequest& request, bool idempotent);

  std::chrono::milliseconds Backoff(int retry);
  // A create/update/patch/delete request: `body` as JSON, the per-request
  // timeout.
  HttpRequest WriteRequest(const char* method, std::string path, const yaml::Node& body,
                           const char* content_type = "application/json") const;
};

// "GET /api/v1/namespaces/x/pods" (query dropped): names a request in errors.
std::string Describe(const HttpRequest& request);

// REST path of a collection (name empty) or an object of resource `r`.
std::string ResourcePath(const ApiResource& r, const std::string& ns, const std::string& name,
                         const std::string& subresource = "");

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_CLIENT_IMPL_H_
