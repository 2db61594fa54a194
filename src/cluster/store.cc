#include "cluster/store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>

#include "cluster/lazy_libraries.h"
#include "yaml/yaml.h"

namespace capstan::cluster {
namespace {

// Fields that field selectors may name, besides metadata.name/namespace.
const char* const kSelectableFields[][3] = {
    {"status.phase", "status", "phase"},
    {"spec.nodeName", "spec", "nodeName"},
    {"spec.restartPolicy", "spec", "restartPolicy"},
    {"spec.schedulerName", "spec", "schedulerName"},
    {"spec.serviceAccountName", "spec", "serviceAccountName"},
    {"status.podIP", "status", "podIP"},
    {"spec.unschedulable", "spec", "unschedulable"},
    {"spec.type", "spec", "type"},
    {"involvedObject.kind", "involvedObject", "kind"},
    {"involvedObject.name", "involvedObject", "name"},
    {"involvedObject.namespace", "involvedObject", "namespace"},
    {"involvedObject.uid", "involvedObject", "uid"},
    {"status.successful", "status", "successful"},
};

}  // namespace

ObjectIndex IndexOf(const yaml::Node& obj) {
  ObjectIndex idx;
  if (const yaml::Node* labels = obj.At({"metadata", "labels"}); labels && labels->IsMap()) {
    for (const auto& f : labels->fields) idx.labels.push_back({f.key.Str(), f.value.Str()});
  }
  idx.fields.push_back({"metadata.name", obj.StrAt({"metadata", "name"})});
  idx.fields.push_back({"metadata.namespace", obj.StrAt({"metadata", "namespace"})});
  for (const auto& f : kSelectableFields) {
    if (const yaml::Node* v = obj.At({f[1], f[2]}); v && v->IsScalar())
      idx.fields.push_back({f[0], v->Str()});
  }
  if (const yaml::Node* t = obj.Get("type"); t && t->IsScalar())  // Secret/Event type
    idx.fields.push_back({"type", t->Str()});
  return idx;
}

std::string Store::Key(const std::string& rkey, const std::string& ns, const std::string& name) {
  return rkey + "/" + ns + "/" + name;
}

void Store::SplitKey(const std::string& key, std::string* rkey, std::string* ns,
                     std::string* name) {
  size_t last = key.rfind('/');
  size_t mid = key.rfind('/', last - 1);
  *rkey = key.substr(0, mid);
  *ns = key.substr(mid + 1, last - mid - 1);
  *name = key.substr(last + 1);
}

Store::Store(const std::string& path, int history) : path_(path), history_limit_(history) {
  LoadClusterLibraries();
  bool in_memory = path == ":memory:";
  if (!in_memory) {
    // A zero-byte file is not an empty database that SQLite may initialise:
    // something truncated it. Refuse rather than start an empty cluster.
    struct stat st;
    if (stat(path.c_str(), &st) == 0 && st.st_size == 0)
      throw std::runtime_error(path + ": database file is empty (truncated?); refusing to start: "
                               "restore it from a backup or remove it to start an empty cluster");
    // Created 0600 before SQLite opens it (its -wal/-shm files copy the mode).
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error(path + ": cannot open database: " + strerror(errno));
    fchmod(fd, 0600);
    close(fd);
  }
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    std::string err = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error(path + ": cannot open database: " + err);
  }
  try {
    Open(path);
  } catch (...) {
    for (sqlite3_stmt* s : {put_, del_, ev_, meta_, prune_}) sqlite3_finalize(s);
    sqlite3_close(db_);
    throw;
  }
}

void Store::Open(const std::string& path) {
  // Refuse a damaged database instead of serving the part that still reads.
  {
    sqlite3_stmt* st = nullptr;
    std::string problems;
    int rc = sqlite3_prepare_v2(db_, "PRAGMA quick_check", -1, &st, nullptr);
    if (rc != SQLITE_OK) {
      throw std::runtime_error(path + ": database is corrupt (" + sqlite3_errmsg(db_) +
                               "); refusing to start");
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const char* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      std::string line = t ? t : "";
      if (line != "ok" && problems.empty()) problems = line;
    }
    std::string err = sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) problems = err;
    if (!problems.empty())
      throw std::runtime_error(path + ": database is corrupt (" + problems +
                               "); refusing to start");
  }
  Exec("PRAGMA journal_mode=WAL");
  Exec("PRAGMA synchronous=NORMAL");
  Exec("CREATE TABLE IF NOT EXISTS objects (key TEXT PRIMARY KEY, rv INTEGER NOT NULL, data TEXT NOT NULL)");
  Exec("CREATE TABLE IF NOT EXISTS events (rv INTEGER PRIMARY KEY, type TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL)");
  Exec("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
  auto prep = [&](const char* sql, sqlite3_stmt** st) {
    if (sqlite3_prepare_v2(db_, sql, -1, st, nullptr) != SQLITE_OK)
      throw std::runtime_error(path + ": " + sqlite3_errmsg(db_));
  };
  // Load state.
  sqlite3_stmt* st;
  // Every scan must end in SQLITE_DONE: an error part-way (SQLITE_CORRUPT)
  // stops the start instead of leaving the rest of the rows out.
  auto finish = [&](sqlite3_stmt* st, int rc, const char* table) {
    std::string err = sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
      throw std::runtime_error(path + ": cannot read table " + table + ": " + err +
                               "; refusing to start");
  };
  int rc;
  prep("SELECT k, v FROM meta", &st);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    std::string k = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    if (k == "rv") rv_ = sqlite3_column_int64(st, 1);
    if (k == "compacted") compacted_rv_ = sqlite3_column_int64(st, 1);
  }
  finish(st, rc, "meta");
  prep("SELECT key, rv, data FROM objects", &st);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    auto o = std::make_shared<StoredObject>();
    std::string key = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    o->rv = sqlite3_column_int64(st, 1);
    o->json = reinterpret_cast<const char*>(sqlite3_column_text(st, 2));
    try {
      yaml::Node n = yaml::ParseJson(o->json, key);
      o->index = IndexOf(n);
      IndexOwners(key, n, true);
    } catch (const std::exception& e) {
      sqlite3_finalize(st);
      throw std::runtime_error(path + ": object " + key + " is not valid JSON (" + e.what() +
                               "); refusing to start");
    }
    objects_[key] = o;
  }
  finish(st, rc, "objects");
  prep("SELECT rv, type, key, data FROM events ORDER BY rv", &st);
  std::map<std::string, std::shared_ptr<const StoredObject>> last_of;  // for MODIFIED's prev
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    WatchEvent e;
    e.rv = sqlite3_column_int64(st, 0);
    e.type = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
    std::string key = reinterpret_cast<const char*>(sqlite3_column_text(st, 2));
    SplitKey(key, &e.rkey, &e.ns, &e.name);
    auto o = std::make_shared<StoredObject>();
    o->rv = e.rv;
    o->json = reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
    try {
      o->index = IndexOf(yaml::ParseJson(o->json, key));
    } catch (const std::exception&) {
    }
    e.object = o;
    if (e.type == "MODIFIED") {
      auto p = last_of.find(key);
      if (p != last_of.end()) e.prev = p->second;
    }
    last_of[key] = o;
    history_.push_back(std::move(e));
  }
  finish(st, rc, "events");
  while (history_.size() > history_limit_) {
    compacted_rv_ = history_.front().rv;
    history_.pop_front();
  }
  prep("INSERT OR REPLACE INTO objects (key, rv, data) VALUES (?, ?, ?)", &put_);
  prep("DELETE FROM objects WHERE key = ?", &del_);
  prep("INSERT INTO events (rv, type, key, data) VALUES (?, ?, ?, ?)", &ev_);
  prep("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", &meta_);
  prep("DELETE FROM events WHERE rv <= ?", &prune_);
}

Store::~Store() {
  for (sqlite3_stmt* s : {put_, del_, ev_, meta_, prune_}) sqlite3_finalize(s);
  sqlite3_close(db_);
}

void Store::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error(path_ + ": " + msg);
  }
}

int64_t Store::CurrentRv() {
  std::lock_guard<std::mutex> l(mu_);
  return rv_;
}

int64_t Store::CompactedRv() {
  std::lock_guard<std::mutex> l(mu_);
  return compacted_rv_;
}

uint64_t Store::WriteCount() {
  std::lock_guard<std::mutex> l(mu_);
  return writes_;
}

std::optional<StoredObject> Store::Get(const std::string& rkey, const std::string& ns,
                                       const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = objects_.find(Key(rkey, ns, name));
  if (it == objects_.end()) return std::nullopt;
  return *it->second;
}

std::vector<std::shared_ptr<const StoredObject>> Store::List(const std::string& rkey,
                                                             const std::string& ns,
                                                             const std::string& after_key,
                                                             size_t limit, std::string* next_key,
                                                             int64_t* list_rv) {
  std::lock_guard<std::mutex> l(mu_);
  if (list_rv) *list_rv = rv_;
  std::string prefix = ns.empty() ? rkey + "/" : rkey + "/" + ns + "/";
  std::vector<std::shared_ptr<const StoredObject>> out;
  // Never start before the prefix: a continue key from another list would
  // otherwise end the walk at once.
  auto it = objects_.lower_bound(prefix);
  if (!after_key.empty() && after_key >= prefix) it = objects_.upper_bound(after_key);
  for (; it != objects_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    if (limit && out.size() == limit) {
      if (next_key) *next_key = std::prev(it)->first;
      break;
    }
    out.push_back(it->second);
  }
  return out;
}

size_t Store::Count(const std::string& rkey) {
  std::lock_guard<std::mutex> l(mu_);
  size_t n = 0;
  std::string prefix = rkey + "/";
  for (auto it = objects_.lower_bound(prefix);
       it != objects_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
    ++n;
  return n;
}

WriteResult Store::Create(const std::string& rkey, const std::string& ns, const std::string& name,
                          yaml::Node& obj) {
  return Write("ADDED", rkey, ns, name, &obj, 0, -1);
}

WriteResult Store::Update(const std::string& rkey, const std::string& ns, const std::string& name,
                          yaml::Node& obj, int64_t expect_rv) {
  return Write("MODIFIED", rkey, ns, name, &obj, expect_rv, 1);
}

WriteResult Store::Delete(const std::string& rkey, const std::string& ns, const std::string& name,
                          int64_t expect_rv, yaml::Node* last) {
  return Write("DELETED", rkey, ns, name, last, expect_rv, 1);
}

void Store::IndexOwners(const std::string& key, const yaml::Node& obj, bool add) {
  std::string uid = obj.StrAt({"metadata", "uid"});
  if (!uid.empty()) {
    if (add)
      uids_[uid] = key;
    else
      uids_.erase(uid);
  }
  const yaml::Node* refs = obj.At({"metadata", "ownerReferences"});
  if (!refs || !refs->IsSeq()) return;
  for (const auto& r : refs->items) {
    std::string owner = r.StrAt({"uid"});
    if (owner.empty()) continue;
    if (add) {
      dependents_[owner].insert(key);
    } else {
      auto it = dependents_.find(owner);
      if (it != dependents_.end()) {
        it->second.erase(key);
        if (it->second.empty()) dependents_.erase(it);
      }
    }
  }
}

WriteResult Store::Write(const std::string& type, const std::string& rkey, const std::string& ns,
                         const std::string& name, yaml::Node* obj, int64_t expect_rv,
                         int must_exist) {
  std::string key = Key(rkey, ns, name);
  std::unique_lock<std::mutex> l(mu_);
  // After SQLITE_CORRUPT nothing more is written: the server must be
  // stopped and the database repaired or restored.
  if (!failed_.empty()) throw std::runtime_error(failed_ + "; writes refused until restart");
  auto it = objects_.find(key);
  if (must_exist < 0 && it != objects_.end()) return WriteResult::kExists;
  if (must_exist > 0 && it == objects_.end()) return WriteResult::kNotFound;
  if (expect_rv && it != objects_.end() && it->second->rv != expect_rv)
    return WriteResult::kConflict;
  int64_t rv = rv_ + 1;
  auto stored = std::make_shared<StoredObject>();
  stored->rv = rv;
  std::shared_ptr<const StoredObject> prev = it != objects_.end() ? it->second : nullptr;
  yaml::Node old;
  if (it != objects_.end()) {
    try {
      old = yaml::ParseJson(it->second->json, key);
    } catch (const std::exception&) {
    }
  }
  if (type == "DELETED") {
    yaml::Node last = old;
    last.GetOrCreateMap("metadata").Set("resourceVersion", yaml::Node::String(std::to_string(rv)));
    stored->json = yaml::EmitJson(last);
    stored->index = it->second->index;
    if (obj) *obj = std::move(last);
  } else {
    obj->GetOrCreateMap("metadata").Set("resourceVersion", yaml::Node::String(std::to_string(rv)));
    stored->json = yaml::EmitJson(*obj);
    stored->index = IndexOf(*obj);
  }
  Exec("BEGIN");
  bool ok = true;
  if (type == "DELETED") {
    sqlite3_bind_text(del_, 1, key.c_str(), -1, SQLITE_TRANSIENT);
    ok = sqlite3_step(del_) == SQLITE_DONE;
    sqlite3_reset(del_);
  } else {
    sqlite3_bind_text(put_, 1, key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(put_, 2, rv);
    sqlite3_bind_text(put_, 3, stored->json.data(), static_cast<int>(stored->json.size()),
                      SQLITE_STATIC);
    ok = sqlite3_step(put_) == SQLITE_DONE;
    sqlite3_reset(put_);
  }
  sqlite3_bind_int64(ev_, 1, rv);
  sqlite3_bind_text(ev_, 2, type.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(ev_, 3, key.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(ev_, 4, stored->json.data(), static_cast<int>(stored->json.size()),
                    SQLITE_STATIC);
  ok = ok && sqlite3_step(ev_) == SQLITE_DONE;
  sqlite3_reset(ev_);
  sqlite3_bind_text(meta_, 1, "rv", -1, SQLITE_STATIC);
  sqlite3_bind_int64(meta_, 2, rv);
  ok = ok && sqlite3_step(meta_) == SQLITE_DONE;
  sqlite3_reset(meta_);
  // Trim the persisted history now and then, in the same transaction.
  int64_t compacted = compacted_rv_;
  if (history_.size() + 1 > history_limit_) compacted = history_[history_.size() + 1 - history_limit_ - 1].rv;
  if (ok && rv % 256 == 0 && compacted > 0) {
    sqlite3_bind_int64(prune_, 1, compacted);
    ok = sqlite3_step(prune_) == SQLITE_DONE;
    sqlite3_reset(prune_);
    sqlite3_bind_text(meta_, 1, "compacted", -1, SQLITE_STATIC);
    sqlite3_bind_int64(meta_, 2, compacted);
    ok = ok && sqlite3_step(meta_) == SQLITE_DONE;
    sqlite3_reset(meta_);
  }
  if (!ok) {
    std::string err = sqlite3_errmsg(db_);
    int code = sqlite3_errcode(db_) & 0xff;
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) failed_ = path_ + ": database is corrupt (" + err + ")";
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw std::runtime_error(path_ + ": write failed: " + err);
  }
  Exec("COMMIT");
  rv_ = rv;
  ++writes_;
  if (!old.IsNull()) IndexOwners(key, old, false);
  if (type == "DELETED") {
    objects_.erase(key);
  } else {
    objects_[key] = stored;
    IndexOwners(key, *obj, true);
  }
  WatchEvent e{rv, type, rkey, ns, name, stored, type == "MODIFIED" ? prev : nullptr};
  history_.push_back(std::move(e));
  while (history_.size() > history_limit_) {
    compacted_rv_ = history_.front().rv;
    history_.pop_front();
  }
  l.unlock();
  cv_.notify_all();
  return WriteResult::kOk;
}

bool Store::EventsSince(int64_t since, const std::string& rkey, int timeout_ms,
                        std::vector<WatchEvent>* out, int64_t* upto) {
  std::unique_lock<std::mutex> l(mu_);
  if (since < compacted_rv_) return false;
  if (rv_ <= since && timeout_ms > 0) {
    cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] { return rv_ > since; });
  }
  if (since < compacted_rv_) return false;
  // history_ is sorted by rv: binary search the first event after `since`.
  auto it = std::upper_bound(history_.begin(), history_.end(), since,
                             [](int64_t v, const WatchEvent& e) { return v < e.rv; });
  for (; it != history_.end(); ++it)
    if (rkey.empty() || it->rkey == rkey) out->push_back(*it);
  if (upto) *upto = rv_;
  return true;
}

void Store::WakeAll() { cv_.notify_all(); }

std::vector<std::string> Store::Dependents(const std::string& uid) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = dependents_.find(uid);
  if (it == dependents_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::vector<std::string> Store::OrphanedDependents() {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> out;
  for (const auto& [owner, keys] : dependents_)
    if (!uids_.count(owner)) out.insert(out.end(), keys.begin(), keys.end());
  return out;
}

bool Store::UidExists(const std::string& uid) {
  std::lock_guard<std::mutex> l(mu_);
  return uids_.count(uid) > 0;
}

}  // namespace capstan::cluster
