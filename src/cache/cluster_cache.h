// The cluster cache (gitops-engine's pkg/cache role): one list + watch per
// resource kind the managed Applications use, against one destination
// cluster through src/kube, holding only objects that carry the tracking
// label. A watch resumes from its last resourceVersion and re-lists on 410
// Gone (kube::Client::Watch); a broken watch is restarted with a backoff.
//
// Entries are compact: metadata.managedFields (often half an object) is
// dropped unless asked for, and each object is held packed
// (cache/packed_node.h: a tenth of its Node tree) and unpacked when read,
// so the whole object compare, health and the resource tree read stays
// exactly as the API server sent it. A kind's (re-)list is taken page by
// page, so a large list never sits in memory whole.
//
// Without `watch` (a one-shot command such as `capstan app sync`) a kind is
// listed once and then kept current only by Remember (our own writes and
// reads); with it, a thread per kind watches.
//
// Every change (ADDED/MODIFIED/DELETED, and objects appearing or vanishing
// in a re-list) is reported to the change callback with the tracking-label
// value before and after, so the controller can refresh the owning
// Application within a second. Thread-safe.
#ifndef CAPSTAN_CACHE_CLUSTER_CACHE_H_
#define CAPSTAN_CACHE_CLUSTER_CACHE_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "kube/client.h"
#include "resource/resource.h"
#include "yaml/node.h"

namespace capstan::cache {

struct Options {
  std::string label_key = "app.kubernetes.io/instance";
  // Only objects whose tracking label has this value ("" = any value).
  std::string label_value;
  // List + watch (false: list once, no thread; see above).
  bool watch = true;
  // Keep metadata.managedFields (ignoreDifferences.managedFieldsManagers
  // reads them; the controller drops them to save memory).
  bool keep_managed_fields = false;
  // Pages parsed at once; the first lists of a restart run one kind after
  // the other, so each page is also a round trip everyone waits for.
  int64_t list_page_size = 500;
  // Keep every object of the watched kinds, not only labelled ones (the
  // controller's AppProject informer).
  bool all_objects = false;
  std::string ns;  // watch one namespace ("" = all)
  int watch_timeout_seconds = 300;
  int64_t restart_backoff_ms = 1000;  // before restarting a failed watch
};

// label value (the Application's name) of the changed object; `id` what changed.
using ChangeFn = std::function<void(const std::string& label_value, const resource::ResId& id)>;

struct KindStats {
  resource::Gvk gvk;
  size_t objects = 0;
  uint64_t events = 0;
  int64_t synced_at_ms = 0;  // last full list (0 = never)
};

class ClusterCache {
 public:
  ClusterCache(kube::ResourceClient& client, Options options = {});
  ~ClusterCache();
  ClusterCache(const ClusterCache&) = delete;
  ClusterCache& operator=(const ClusterCache&) = delete;

  void SetOnChange(ChangeFn fn);
  // Starts list + watch of the kind (one per group/kind, whatever the
  // version asked first) and returns once its first list is in the cache.
  // Throws the kube::KubeError of the list when the kind cannot be listed.
  void EnsureWatched(const resource::Gvk& gvk);
  bool Watched(const resource::Gvk& gvk);
  // group/kind of every kind whose first list is in.
  std::set<std::string> WatchedKinds();
  // Cached objects whose tracking label equals `value` ("" = every object).
  std::vector<yaml::Node> ByLabel(const std::string& value);
  // The cached object, when the kind is watched and the object tracked.
  std::optional<yaml::Node> Get(const resource::ResId& id);
  // Replaces/removes an entry after our own write, so a read right after a
  // sync sees it even before the watch event arrives.
  void Remember(const resource::ResId& id, const yaml::Node* obj);
  std::vector<KindStats> Stats();
  size_t ObjectCount();
  // Ends every watch (also done by the destructor).
  void Stop();

 private:
  struct Watcher;
  void Run(Watcher* w);
  void ListPage(Watcher* w, std::vector<yaml::Node>& items, bool first);
  void ListDone(Watcher* w);
  void Upsert(const std::string& kind_key, yaml::Node obj, std::vector<std::pair<std::string, resource::ResId>>* changed);
  void Erase(const std::string& key, std::vector<std::pair<std::string, resource::ResId>>* changed);
  void Notify(const std::vector<std::pair<std::string, resource::ResId>>& changed);

  kube::ResourceClient& client_;
  Options options_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  ChangeFn on_change_;
  // By group/kind; shared so a caller waiting on a kind whose list failed
  // keeps its Watcher while another caller removes it.
  std::map<std::string, std::shared_ptr<Watcher>> watchers_;
  struct Entry {
    std::string value;  // tracking label value
    std::string kind_key;
    std::string rv;      // metadata.resourceVersion
    std::string packed;  // the object, cache::Pack
  };
  std::map<std::string, Entry> entries_;                       // by object key
  std::map<std::string, std::set<std::string>> by_value_;      // label value -> object keys
};

// group/kind/namespace/name: one entry per object whatever its version.
std::string ObjectKey(const resource::ResId& id);
// Drops what the cache does not keep (metadata.managedFields).
void Compact(yaml::Node* obj);
// Whether resourceVersion `a` is older than `b`: resourceVersions are
// opaque, but every API server in use (etcd's revision, the local
// cluster's counter) writes integers; anything else is not older.
bool OlderResourceVersion(const std::string& a, const std::string& b);

}  // namespace capstan::cache

#endif  // CAPSTAN_CACHE_CLUSTER_CACHE_H_
