// Durable object store of the local cluster.
//
// Objects live in memory as their JSON text (compact, so a 100,000-object
// list is a concatenation, not a re-serialisation) and in SQLite (WAL), so
// that objects, the global resourceVersion counter and the recent watch
// history survive a restart. One global, strictly increasing
// resourceVersion, like etcd's revision.
#ifndef CAPSTAN_CLUSTER_STORE_H_
#define CAPSTAN_CLUSTER_STORE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "yaml/node.h"

struct sqlite3;
struct sqlite3_stmt;

namespace capstan::cluster {

// Fields kept beside the JSON so that selectors need no parsing.
struct ObjectIndex {
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<std::pair<std::string, std::string>> fields;  // "status.phase" -> "Running"
};

struct StoredObject {
  int64_t rv = 0;
  std::string json;
  ObjectIndex index;
};

struct WatchEvent {
  int64_t rv = 0;
  std::string type;  // ADDED, MODIFIED, DELETED
  std::string rkey;  // "<group>/<plural>"
  std::string ns, name;
  std::shared_ptr<const StoredObject> object;
  // MODIFIED: the object before the change, so a watch with a selector can
  // turn it into ADDED or DELETED when the object enters or leaves the
  // selection (as kube-apiserver's watch cache does). Null when unknown.
  std::shared_ptr<const StoredObject> prev;
};

enum class WriteResult { kOk, kConflict, kNotFound, kExists };

class Store {
 public:
  // Opens (creating, mode 0600) the database at `path`; ":memory:" for
  // tests. Throws std::runtime_error naming the file on failure, and when
  // the file is damaged: zero bytes long, failing `PRAGMA quick_check`, or
  // any row unreadable (SQLITE_CORRUPT) — never starts with part of the data.
  Store(const std::string& path, int history);
  ~Store();

  int64_t CurrentRv();
  // Highest resourceVersion whose events are no longer retained.
  int64_t CompactedRv();

  std::optional<StoredObject> Get(const std::string& rkey, const std::string& ns,
                                  const std::string& name);
  // Objects of `rkey` (in namespace `ns` unless empty), in key order,
  // starting after `after_key` (a continue token), at most `limit` (0 = all).
  // `next_key` receives the key to continue from when truncated.
  std::vector<std::shared_ptr<const StoredObject>> List(const std::string& rkey,
                                                        const std::string& ns,
                                                        const std::string& after_key = "",
                                                        size_t limit = 0,
                                                        std::string* next_key = nullptr,
                                                        int64_t* list_rv = nullptr);
  size_t Count(const std::string& rkey);

  // Writes set metadata.resourceVersion on `obj` to the new revision.
  // expect_rv: 0 = unconditional.
  WriteResult Create(const std::string& rkey, const std::string& ns, const std::string& name,
                     yaml::Node& obj);
  WriteResult Update(const std::string& rkey, const std::string& ns, const std::string& name,
                     yaml::Node& obj, int64_t expect_rv);
  // `last` receives the deleted object with its final resourceVersion.
  WriteResult Delete(const std::string& rkey, const std::string& ns, const std::string& name,
                     int64_t expect_rv, yaml::Node* last);

  // Events with rv > since (after filtering by rkey), waiting up to
  // `timeout_ms` for one when none are ready. Returns false when `since` is
  // older than the retained history (the caller answers 410 Gone).
  // `upto` receives the revision the scan covered (for bookmarks).
  bool EventsSince(int64_t since, const std::string& rkey, int timeout_ms,
                   std::vector<WatchEvent>* out, int64_t* upto = nullptr);
  // Wakes every waiter (used on shutdown).
  void WakeAll();

  // Keys ("<rkey>/<ns>/<name>") of objects whose ownerReferences name `uid`.
  std::vector<std::string> Dependents(const std::string& uid);
  bool UidExists(const std::string& uid);
  // Keys of objects with at least one owner uid that no longer exists.
  std::vector<std::string> OrphanedDependents();
  // A monotonically increasing counter bumped on each write: controllers
  // use it to skip work when nothing changed.
  uint64_t WriteCount();

  static std::string Key(const std::string& rkey, const std::string& ns, const std::string& name);
  // Splits a Key() back into its parts.
  static void SplitKey(const std::string& key, std::string* rkey, std::string* ns,
                       std::string* name);

 private:
  WriteResult Write(const std::string& type, const std::string& rkey, const std::string& ns,
                    const std::string& name, yaml::Node* obj, int64_t expect_rv,
                    int must_exist);
  void Open(const std::string& path);
  void Exec(const char* sql);
  void IndexOwners(const std::string& key, const yaml::Node& obj, bool add);

  std::string path_;
  std::string failed_;  // set on SQLITE_CORRUPT during a write
  std::mutex mu_;
  std::condition_variable cv_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt *put_ = nullptr, *del_ = nullptr, *ev_ = nullptr, *meta_ = nullptr,
               *prune_ = nullptr;
  std::map<std::string, std::shared_ptr<const StoredObject>> objects_;
  std::deque<WatchEvent> history_;
  size_t history_limit_;
  int64_t rv_ = 0, compacted_rv_ = 0;
  uint64_t writes_ = 0;
  std::map<std::string, std::set<std::string>> dependents_;  // owner uid -> keys
  std::map<std::string, std::string> uids_;                  // uid -> key
};

ObjectIndex IndexOf(const yaml::Node& obj);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_STORE_H_
