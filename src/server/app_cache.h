// Applications of one namespace kept in memory by a watch (list, then
// events, re-listing when the watch ends or breaks), each with its JSON
// already serialized, so listing 10,000 Applications costs a filter and a
// concatenation, not 10,000 objects read from the cluster. Subscribers get
// every change (the /api/v1/stream endpoints).
#ifndef CAPSTAN_SERVER_APP_CACHE_H_
#define CAPSTAN_SERVER_APP_CACHE_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kube/client.h"
#include "yaml/node.h"

namespace capstan::server {

struct CachedApp {
  std::string name, project;
  yaml::Node object;
  std::string json;  // EmitJson(object)
};

class AppCache {
 public:
  using Listener = std::function<void(const std::string& type, const std::shared_ptr<const CachedApp>& app)>;

  AppCache(kube::ResourceClient& client, std::string ns);
  ~AppCache();
  void Start();
  void Stop();
  // Waits until the first list arrived (or timeout); false on timeout.
  bool WaitSynced(int timeout_ms);

  std::vector<std::shared_ptr<const CachedApp>> List();  // by name
  std::shared_ptr<const CachedApp> Get(const std::string& name);
  // Replaces an entry right away (the server's own writes), before the
  // watch event arrives.
  void Put(const yaml::Node& obj);
  void Erase(const std::string& name);

  int Subscribe(Listener l);
  void Unsubscribe(int id);

 private:
  void Run();
  void Apply(const std::string& type, const yaml::Node& obj);
  void Notify(const std::string& type, const std::shared_ptr<const CachedApp>& app);
  kube::ResourceClient& client_;
  std::string ns_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable synced_cv_;
  bool synced_ = false;
  std::map<std::string, std::shared_ptr<const CachedApp>> apps_;
  std::mutex listeners_mu_;
  std::map<int, Listener> listeners_;
  int next_id_ = 1;
};

}  // namespace capstan::server

#endif  // CAPSTAN_SERVER_APP_CACHE_H_
