#include "cache/cluster_cache.h"

#include <chrono>

#include "cache/packed_node.h"

namespace capstan::cache {

using yaml::Node;

struct ClusterCache::Watcher {
  resource::Gvk gvk;
  std::string kind_key;
  std::thread thread;
  bool ready = false;  // first list done
  bool failed = false;  // first list failed: error below
  kube::KubeError error{0, "", ""};
  uint64_t events = 0;
  int64_t synced_at_ms = 0;
  std::set<std::string> listed;  // keys seen by the listing in progress
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

bool OlderResourceVersion(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty() || a.find_first_not_of("0123456789") != std::string::npos ||
      b.find_first_not_of("0123456789") != std::string::npos)
    return false;
  return a.size() != b.size() ? a.size() < b.size() : a < b;
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
    auto w = std::make_shared<Watcher>();
    w->gvk = gvk;
    w->kind_key = key;
    Watcher* raw = w.get();
    watchers_[key] = w;
    if (options_.watch) {
      raw->thread = std::thread([this, raw] { Run(raw); });
    } else {
      l.unlock();
      Run(raw);  // list once, here
      l.lock();
    }
    it = watchers_.find(key);
    if (it == watchers_.end() || it->second != w) {  // removed by another caller meanwhile
      if (w->failed) throw w->error;
      return;
    }
  }
  std::shared_ptr<Watcher> w = it->second;
  cv_.wait(l, [&] { return w->ready || w->failed || stop_; });
  if (w->failed) {
    kube::KubeError error = w->error;
    std::thread t = std::move(w->thread);
    if (auto cur = watchers_.find(key); cur != watchers_.end() && cur->second == w) watchers_.erase(cur);
    l.unlock();
    if (t.joinable()) t.join();
    throw error;
  }
}

void ClusterCache::Run(Watcher* w) {
  std::string selector = options_.label_key;  // objects carrying the label, any value
  if (!options_.label_value.empty()) selector += "=" + options_.label_value;
  if (!options_.watch) {
    kube::ListOptions lo;
    if (!options_.all_objects) lo.label_selector = selector;
    lo.limit = options_.list_page_size;
    lo.on_page = [this, w](std::vector<Node>& items, bool first) { ListPage(w, items, first); };
    try {
      client_.List(w->gvk, options_.ns, lo);
      ListDone(w);
    } catch (const kube::KubeError& e) {
      std::lock_guard<std::mutex> l(mu_);
      w->failed = true;
      w->error = e;
      cv_.notify_all();
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> l(mu_);
      w->failed = true;
      w->error = kube::KubeError(0, "CacheError", e.what());
      cv_.notify_all();
    }
    return;
  }
  kube::WatchOptions wo;
  if (!options_.all_objects) wo.label_selector = selector;
  wo.timeout_seconds = options_.watch_timeout_seconds;
  wo.stop = &stop_;
  wo.list_page_size = options_.list_page_size;
  wo.on_list_page = [this, w](std::vector<Node>& items, bool first) { ListPage(w, items, first); };
  wo.on_list = [this, w](const Node&) { ListDone(w); };
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
        w->failed = true;
        if (auto* ke = dynamic_cast<const kube::KubeError*>(&e)) w->error = *ke;
        else w->error = kube::KubeError(0, "CacheError", e.what());
        cv_.notify_all();
        return;
      }
    }
    if (stop_) break;
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::milliseconds(options_.restart_backoff_ms), [&] { return stop_.load(); });
  }
}

// One page of a kind's (re-)list: its objects go in at once, so the
// parsed page can be freed before the next one arrives.
void ClusterCache::ListPage(Watcher* w, std::vector<Node>& items, bool first) {
  std::vector<std::pair<std::string, resource::ResId>> changed;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (first) w->listed.clear();
    for (Node& item : items) {
      item.Set("apiVersion", Node::String(w->gvk.ApiVersion()));
      item.Set("kind", Node::String(w->gvk.kind));
      w->listed.insert(ObjectKey(resource::ResId::Of(item)));
      Upsert(w->kind_key, std::move(item), &changed);
      item = Node();
    }
  }
  bool initial;
  {
    std::lock_guard<std::mutex> l(mu_);
    initial = !w->ready;
  }
  if (!initial) Notify(changed);  // the first list is the starting state, not a change
}

// The end of a (re-)list: what it did not return is gone.
void ClusterCache::ListDone(Watcher* w) {
  std::vector<std::pair<std::string, resource::ResId>> changed;
  {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<std::string> gone;
    for (const auto& [key, e] : entries_)
      if (e.kind_key == w->kind_key && !w->listed.count(key)) gone.push_back(key);
    for (const auto& key : gone) Erase(key, &changed);
    w->listed.clear();
    w->synced_at_ms = NowMs();
    if (!w->ready) {
      w->ready = true;
      changed.clear();
    }
    cv_.notify_all();
  }
  Notify(changed);
}

// Called with mu_ held.
void ClusterCache::Upsert(const std::string& kind_key, Node obj,
                          std::vector<std::pair<std::string, resource::ResId>>* changed) {
  if (!options_.keep_managed_fields) Compact(&obj);
  resource::ResId id = resource::ResId::Of(obj);
  std::string key = ObjectKey(id);
  const Node* labels = obj.At({"metadata", "labels"});
  const Node* v = labels ? labels->Get(options_.label_key) : nullptr;
  std::string value = v ? v->value : "";
  bool selected = options_.all_objects || (v && (options_.label_value.empty() || value == options_.label_value));
  std::string packed = Pack(obj);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    if (it->second.packed == packed) return;  // a re-list repeating what we have
    if (it->second.value != value) {
      by_value_[it->second.value].erase(key);
      changed->push_back({it->second.value, id});
    }
  }
  if (!selected) {  // left the selection
    if (it != entries_.end()) Erase(key, changed);
    return;
  }
  by_value_[value].insert(key);
  entries_[key] = Entry{value, kind_key, obj.StrAt({"metadata", "resourceVersion"}), std::move(packed)};
  changed->push_back({value, id});
}

void ClusterCache::Erase(const std::string& key, std::vector<std::pair<std::string, resource::ResId>>* changed) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  changed->push_back({it->second.value, resource::ResId::Of(Unpack(it->second.packed))});
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
  // Copy the packed strings under the lock, unpack outside it.
  std::vector<std::string> packed;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (value.empty()) {
      for (const auto& [k, e] : entries_) packed.push_back(e.packed);
    } else if (auto it = by_value_.find(value); it != by_value_.end()) {
      for (const auto& key : it->second) packed.push_back(entries_.at(key).packed);
    }
  }
  std::vector<Node> out;
  out.reserve(packed.size());
  for (const auto& p : packed) out.push_back(Unpack(p));
  return out;
}

std::optional<Node> ClusterCache::Get(const resource::ResId& id) {
  std::string packed;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = entries_.find(ObjectKey(id));
    if (it == entries_.end()) return std::nullopt;
    packed = it->second.packed;
  }
  return Unpack(packed);
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
  // An older copy must not replace a newer one the watch already delivered.
  auto it = entries_.find(ObjectKey(id));
  if (it != entries_.end() && OlderResourceVersion(obj->StrAt({"metadata", "resourceVersion"}), it->second.rv)) return;
  Node copy = *obj;
  copy.Set("apiVersion", Node::String(w->second->gvk.ApiVersion()));
  copy.Set("kind", Node::String(id.gvk.kind));
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
