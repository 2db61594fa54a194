// The API request handler, independent of HTTP plumbing: the server (and the
// fuzz target) hand it a Request and write back the Response it returns.
#ifndef CAPSTAN_CLUSTER_API_H_
#define CAPSTAN_CLUSTER_API_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "cluster/clock.h"
#include "cluster/resources.h"
#include "cluster/store.h"
#include "yaml/node.h"

namespace capstan::cluster {

struct Request {
  std::string method, path;
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // keys lower-case
  std::string body;
  std::string Query(const std::string& k, const std::string& fallback = "") const {
    auto it = query.find(k);
    return it == query.end() ? fallback : it->second;
  }
  // A boolean query parameter as kube-apiserver reads it (Go's
  // strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False);
  // absent or empty = false. Throws ApiError 400 for anything else.
  bool QueryBool(const std::string& k) const;
  std::string Header(const std::string& k) const {
    auto it = headers.find(k);
    return it == headers.end() ? "" : it->second;
  }
};

// Writes one chunk of a streamed response; false once the client is gone.
using ChunkWriter = std::function<bool(const std::string&)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Set for watches: called once, streams until it returns.
  std::function<void(const ChunkWriter&)> stream;
};

// Parsed API path.
struct ApiPath {
  ResourceInfo res;
  std::string ns, name, subresource;
  bool watch_prefix = false;  // legacy /watch/ path
};

struct ApiConfig {
  size_t max_body = 3 * 1024 * 1024;
  std::string openapi_dir;
  std::string server_address;  // "127.0.0.1:port" for /api
  int bookmark_interval_ms = 60000;
};

class Api {
 public:
  Api(Store* store, Registry* registry, Clock* clock, ApiConfig config);
  Response Handle(const Request& req);
  void Shutdown() { stopping_ = true; }
  bool stopping() const { return stopping_; }

  // Internal writes by the controllers: same admission (uid, timestamps,
  // generation) as API requests, no field-manager tracking.
  Store* store() { return store_; }
  Registry* registry() { return registry_; }
  Clock* clock() { return clock_; }

 private:
  Response Route(const Request& req);
  Response Discovery(const Request& req, const std::string& path);
  Response Resource(const Request& req, const ApiPath& p);
  Response Get(const Request& req, const ApiPath& p);
  Response List(const Request& req, const ApiPath& p);
  Response Watch(const Request& req, const ApiPath& p);
  Response Create(const Request& req, const ApiPath& p);
  Response Update(const Request& req, const ApiPath& p);
  Response Patch(const Request& req, const ApiPath& p);
  Response Delete(const Request& req, const ApiPath& p);
  Response DeleteCollection(const Request& req, const ApiPath& p);
  Response OpenApi(const Request& req, const std::string& path);
  // virtual_resources.cc: what has no stored object.
  Response PodLog(const Request& req, const ApiPath& p);
  Response PodConnect(const Request& req, const ApiPath& p);  // exec/attach/portforward
  Response Review(const Request& req, const ApiPath& p);      // SelfSubject*Review
  // Waits (up to 3 s, as kube-apiserver's watch cache does) for the store
  // to reach `rv`; then throws ResourceVersionTooLarge.
  void WaitForResourceVersion(int64_t rv);

  Store* store_;
  Registry* registry_;
  Clock* clock_;
  ApiConfig config_;
  std::atomic<bool> stopping_{false};
};

// Helpers shared by the handler files.
std::string NowRfc3339();
std::string NewUid();
yaml::Node JsonResponseObject(const std::string& json);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_API_H_
