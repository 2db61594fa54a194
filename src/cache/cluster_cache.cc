#include "cache/cluster_cache.h"

#include <chrono>

namespace capstan::cache {

using yaml::Node;

struct ClusterCache::Watcher {
  resource::Gvk gvk;
  std::string kind_key;
  std::thread thread;
  bool ready = false;       // first list done
  std::string error;        // first list failed
  uint64_t events = 0;
  int64_t synced_at_ms = 0;
};

namespace {

std::string KindKey(const resource::Gvk& gvk) { return gvk.group + "/" + gvk.kind; }

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string ObjectKey(const resource::ResId& id) {
  return id.gvk.group + "/" + id.gvk.kind + "/" + id.ns + "/" + id.name;
}

void Compact(Node* obj) {
  if (Node* meta = obj->Get("metadata")) meta->Remove("managedFields");
}

ClusterCache::ClusterCache(kube::ResourceClient& client, Options options)
    : client_(client), options_(std::move(options)) {}

ClusterCache::~ClusterCache() { Stop(); }

void ClusterCache::Stop() {
  stop_ = true;
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [k, w] : watchers_)
      if (w->thread.joinable()) threads.push_back(std::move(w->thread));
    cv_.notify_all();
  }
  for (auto& t : threads) t.join();
}

void ClusterCache::SetOnChange(ChangeFn fn) {
  std::lock_guard<std::mutex> l(mu_);
  on_change_ = std::move(fn);
}

bool ClusterCache::Watched(const resource::Gvk& gvk) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = watchers_.find(KindKey(gvk));
  return it != watchers_.end() && it->second->ready;
}

std::set<std::string> ClusterCache::WatchedKinds() {
  std::lock_guard<std::mutex> l(mu_);
  std::set<std::string> out;
  for (const auto& [k, w] : watchers_)
    if (w->ready) out.insert(k);
  return out;
}

void ClusterCache::EnsureWatched(const resource::Gvk& gvk) {
  std::unique_lock<std::mutex> l(mu_);
  std::string key = KindKey(gvk);
  auto it = watchers_.find(key);
  if (it == watchers_.end()) {
    auto w = std::make_unique<Watcher>();
    w->gvk = gvk;
    w->kind_key = key;
    Watcher* raw = w.get();
    watchers_[key] = std::move(w);
    raw->thread = std::thread([this, raw] { Run(raw); });
    it = watchers_.find(key);
  }
  Watcher* w = it->second.get();
  cv_.wait(l, [&] { return w->ready || !w->error.empty() || stop_; });
  if (!w->error.empty()) {
    std::string error = w->error;
    std::thread t = std::move(w->thread);
    watchers_.erase(key);
    l.unlock();
    if (t.joinable()) t.join();
    throw kube::KubeError(0, "CacheError", error);
  }
}

void ClusterCache::Run(Watcher* w) {
  kube::WatchOptions wo;
  if (!options_.all_objects) wo.label_selector = options_.label_key;  // objects carrying the label, any value
  wo.timeout_seconds = options_.watch_timeout_seconds;
  wo.stop = &stop_;
  wo.on_list = [this, w](const Node& list) { ReplaceKind(w, list); };
  std::string api_version = w->gvk.ApiVersion();
  while (!stop_) {
    try {
      client_.Watch(w->gvk, options_.ns, wo, [this, w, &api_version](const kube::WatchEvent& e) {
        if (e.type == "BOOKMARK") return !stop_.load();
        std::vector<std::pair<std::string, resource::ResId>> changed;
        Node obj = e.object;
        obj.Set("apiVersion", Node::String(api_version));
        obj.Set("kind", Node::String(w->gvk.kind));
        {
          std::lock_guard<std::mutex> l(mu_);
          ++w->events;
          if (e.type == "DELETED") Erase(ObjectKey(resource::ResId::Of(obj)), &changed);
          else Upsert(w->kind_key, std::move(obj), &changed);
        }
        Notify(changed);
        return !stop_.load();
      });
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> l(mu_);
      if (!w->ready) {
        // The first list failed: EnsureWatched reports it.
        w->error = e.what();
        cv_.notify_all();
        return;
      }
    }
    if (stop_) break;
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::milliseconds(options_.restart_backoff_ms), [&] { return stop_.load(); });
  }
}

void ClusterCache::ReplaceKind(Watcher* w, const Node& list) {
  std::vector<std::pair<std::string, resource::ResId>> changed;
  {
    std::lock_guard<std::mutex> l(mu_);
    std::set<std::string> seen;
    if (const Node* items = list.Get("items"); items && items->IsSeq()) {
      for (const Node& item : items->items) {
        Node obj = item;
        obj.Set("apiVersion", Node::String(w->gvk.ApiVersion()));
        obj.Set("kind", Node::String(w->gvk.kind));
        seen.insert(ObjectKey(resource::ResId::Of(obj)));
        Upsert(w->kind_key, std::move(obj), &changed);
      }
    }
    std::vector<std::string> gone;
    for (const auto& [key, e] : entries_)
      if (e.kind_key == w->kind_key && !seen.count(key)) gone.push_back(key);
    for (const auto& key : gone) Erase(key, &changed);
    w->synced_at_ms = NowMs();
    if (!w->ready) {
      w->ready = true;
      changed.clear();  // the first list is the starting state, not a change
    }
    cv_.notify_all();
  }
  Notify(changed);
}

// Called with mu_ held.
void ClusterCache::Upsert(const std::string& kind_key, Node obj,
                          std::vector<std::pair<std::string, resource::ResId>>* changed) {
  Compact(&obj);
  resource::ResId id = resource::ResId::Of(obj);
  std::string key = ObjectKey(id);
  const Node* labels = obj.At({"metadata", "labels"});
  const Node* v = labels ? labels->Get(options_.label_key) : nullptr;
  std::string value = v ? v->value : "";
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    if (it->second.obj == obj) return;  // a re-list repeating what we have
    if (it->second.value != value) {
      by_value_[it->second.value].erase(key);
      changed->push_back({it->second.value, id});
    }
  }
  if (!v && !options_.all_objects) {  // left the selection
    if (it != entries_.end()) Erase(key, changed);
    return;
  }
  by_value_[value].insert(key);
  entries_[key] = Entry{value, kind_key, std::move(obj)};
  changed->push_back({value, id});
}

void ClusterCache::Erase(const std::string& key, std::vector<std::pair<std::string, resource::ResId>>* changed) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  changed->push_back({it->second.value, resource::ResId::Of(it->second.obj)});
  auto bv = by_value_.find(it->second.value);
  if (bv != by_value_.end()) {
    bv->second.erase(key);
    if (bv->second.empty()) by_value_.erase(bv);
  }
  entries_.erase(it);
}

void ClusterCache::Notify(const std::vector<std::pair<std::string, resource::ResId>>& changed) {
  if (changed.empty()) return;
  ChangeFn fn;
  {
    std::lock_guard<std::mutex> l(mu_);
    fn = on_change_;
  }
  if (!fn) return;
  for (const auto& [value, id] : changed)
    if (!value.empty()) fn(value, id);
}

std::vector<Node> ClusterCache::ByLabel(const std::string& value) {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<Node> out;
  if (value.empty()) {
    for (const auto& [k, e] : entries_) out.push_back(e.obj);
    return out;
  }
  auto it = by_value_.find(value);
  if (it == by_value_.end()) return out;
  for (const auto& key : it->second) out.push_back(entries_.at(key).obj);
  return out;
}

std::optional<Node> ClusterCache::Get(const resource::ResId& id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = entries_.find(ObjectKey(id));
  if (it == entries_.end()) return std::nullopt;
  return it->second.obj;
}

void ClusterCache::Remember(const resource::ResId& id, const Node* obj) {
  std::lock_guard<std::mutex> l(mu_);
  auto w = watchers_.find(KindKey(id.gvk));
  if (w == watchers_.end() || !w->second->ready) return;
  std::vector<std::pair<std::string, resource::ResId>> ignored;
  if (!obj) {
    Erase(ObjectKey(id), &ignored);
    return;
  }
  Node copy = *obj;
  copy.Set("apiVersion", Node::String(w->second->gvk.ApiVersion()));
  copy.Set("kind", Node::String(id.gvk.kind));
  // An older copy must not replace a newer one the watch already delivered.
  auto it = entries_.find(ObjectKey(id));
  if (it != entries_.end()) {
    std::string have = it->second.obj.StrAt({"metadata", "resourceVersion"});
    std::string got = copy.StrAt({"metadata", "resourceVersion"});
    if (!have.empty() && !got.empty() && (have.size() > got.size() || (have.size() == got.size() && have > got))) return;
  }
  Upsert(w->second->kind_key, std::move(copy), &ignored);
}

std::vector<KindStats> ClusterCache::Stats() {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<KindStats> out;
  std::map<std::string, size_t> counts;
  for (const auto& [k, e] : entries_) ++counts[e.kind_key];
  for (const auto& [k, w] : watchers_) {
    if (!w->ready) continue;
    out.push_back({w->gvk, counts[k], w->events, w->synced_at_ms});
  }
  return out;
}

size_t ClusterCache::ObjectCount() {
  std::lock_guard<std::mutex> l(mu_);
  return entries_.size();
}

}  // namespace capstan::cache
