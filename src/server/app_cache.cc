#include "server/app_cache.h"

#include <chrono>
#include <cstdlib>

#include "yaml/yaml.h"

namespace capstan::server {

namespace {
const resource::Gvk kAppGvk{"argoproj.io", "v1alpha1", "Application"};

std::shared_ptr<const CachedApp> Make(const yaml::Node& obj) {
  auto a = std::make_shared<CachedApp>();
  a->name = obj.StrAt({"metadata", "name"});
  a->project = obj.StrAt({"spec", "project"});
  if (a->project.empty()) a->project = "default";
  a->object = obj;
  a->json = yaml::EmitJson(obj);
  return a;
}
}  // namespace

AppCache::AppCache(kube::ResourceClient& client, std::string ns) : client_(client), ns_(std::move(ns)) {}

AppCache::~AppCache() { Stop(); }

void AppCache::Start() {
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void AppCache::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool AppCache::WaitSynced(int timeout_ms) {
  std::unique_lock<std::mutex> l(mu_);
  return synced_cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] { return synced_; });
}

void AppCache::Run() {
  while (!stop_) {
    try {
      kube::WatchOptions wo;
      wo.stop = &stop_;
      wo.timeout_seconds = 60;
      wo.on_list = [this](const yaml::Node& list) {
        std::map<std::string, std::shared_ptr<const CachedApp>> fresh;
        if (const yaml::Node* items = list.Get("items"); items && items->IsSeq())
          for (const auto& o : items->items) {
            auto a = Make(o);
            fresh[a->name] = a;
          }
        std::vector<std::pair<std::string, std::shared_ptr<const CachedApp>>> changes;
        {
          std::lock_guard<std::mutex> l(mu_);
          for (const auto& [n, a] : apps_)
            if (!fresh.count(n)) changes.emplace_back("DELETED", a);
          for (const auto& [n, a] : fresh) {
            auto it = apps_.find(n);
            if (it == apps_.end()) changes.emplace_back("ADDED", a);
            else if (it->second->json != a->json) changes.emplace_back("MODIFIED", a);
          }
          apps_ = std::move(fresh);
          synced_ = true;
        }
        synced_cv_.notify_all();
        for (const auto& [t, a] : changes) Notify(t, a);
      };
      client_.Watch(kAppGvk, ns_, wo, [this](const kube::WatchEvent& ev) {
        if (ev.type == "ADDED" || ev.type == "MODIFIED" || ev.type == "DELETED") Apply(ev.type, ev.object);
        return !stop_.load();
      });
    } catch (const std::exception&) {
      // No Application CRD yet, or the connection broke: an empty cache
      // counts as synced; try again shortly.
      {
        std::lock_guard<std::mutex> l(mu_);
        synced_ = true;
      }
      synced_cv_.notify_all();
      for (int i = 0; i < 10 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

void AppCache::Apply(const std::string& type, const yaml::Node& obj) {
  auto a = Make(obj);
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = apps_.find(a->name);
    if (type == "DELETED") {
      if (it == apps_.end()) return;
      apps_.erase(it);
    } else {
      if (it != apps_.end() && it->second->json == a->json) return;  // already seen (Put)
      // A write's answer (Put) and the watch race: never go back to an
      // older resourceVersion (integers on etcd and the local cluster).
      if (it != apps_.end()) {
        const std::string& have = it->second->object.StrAt({"metadata", "resourceVersion"});
        const std::string& got = a->object.StrAt({"metadata", "resourceVersion"});
        char* e1 = nullptr;
        char* e2 = nullptr;
        unsigned long long h = std::strtoull(have.c_str(), &e1, 10), g = std::strtoull(got.c_str(), &e2, 10);
        if (!have.empty() && !got.empty() && *e1 == 0 && *e2 == 0 && g < h) return;
      }
      apps_[a->name] = a;
    }
  }
  Notify(type, a);
}

void AppCache::Put(const yaml::Node& obj) {
  bool existed;
  {
    std::lock_guard<std::mutex> l(mu_);
    existed = apps_.count(obj.StrAt({"metadata", "name"})) > 0;
  }
  Apply(existed ? "MODIFIED" : "ADDED", obj);
}

void AppCache::Erase(const std::string& name) {
  std::shared_ptr<const CachedApp> a;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = apps_.find(name);
    if (it == apps_.end()) return;
    a = it->second;
    apps_.erase(it);
  }
  Notify("DELETED", a);
}

std::vector<std::shared_ptr<const CachedApp>> AppCache::List() {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::shared_ptr<const CachedApp>> out;
  out.reserve(apps_.size());
  for (const auto& [n, a] : apps_) out.push_back(a);
  return out;
}

std::shared_ptr<const CachedApp> AppCache::Get(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = apps_.find(name);
  return it == apps_.end() ? nullptr : it->second;
}

int AppCache::Subscribe(Listener l) {
  std::lock_guard<std::mutex> g(listeners_mu_);
  listeners_[next_id_] = std::move(l);
  return next_id_++;
}

void AppCache::Unsubscribe(int id) {
  std::lock_guard<std::mutex> g(listeners_mu_);
  listeners_.erase(id);
}

void AppCache::Notify(const std::string& type, const std::shared_ptr<const CachedApp>& app) {
  std::lock_guard<std::mutex> g(listeners_mu_);
  for (const auto& [id, l] : listeners_) l(type, app);
}

}  // namespace capstan::server
