#include "controller/controller.h"

#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/application.h"
#include "app/compare.h"
#include "appset/appset.h"
#include "base/base64.h"
#include "base/clock.h"
#include "cache/packed_node.h"
#include "controller/deploy_stats.h"
#include "yaml/yaml.h"

namespace capstan::controller {

using yaml::Node;

namespace {

const resource::Gvk kAppGvk{"argoproj.io", "v1alpha1", "Application"};
const char* kRefreshAnnotation = "argocd.argoproj.io/refresh";
const char* kFinalizer = "resources-finalizer.argocd.argoproj.io";

int64_t NowMs() { return base::RealClock().NowMs(); }

Node Op(const std::string& op, const std::string& path, const Node* value = nullptr) {
  Node n = Node::Map();
  n.Set("op", Node::String(op));
  n.Set("path", Node::String(path));
  if (value) n.Set("value", *value);
  return n;
}

// The status without what changes on every refresh.
Node Comparable(const Node* status) {
  if (!status) return Node::Map();
  Node s = *status;
  s.Remove("reconciledAt");
  s.Remove("observedAt");
  if (Node* conds = s.Get("conditions"); conds && conds->IsSeq())
    for (auto& c : conds->items) c.Remove("lastTransitionTime");
  return s;
}

bool HasFinalizer(const Node& obj, std::string* which) {
  const Node* fins = obj.At({"metadata", "finalizers"});
  if (!fins || !fins->IsSeq()) return false;
  for (const auto& f : fins->items)
    if (f.value == kFinalizer || f.value.rfind(std::string(kFinalizer) + "/", 0) == 0) {
      *which = f.value;
      return true;
    }
  return false;
}

void SetCondition(Node& status, const std::string& type, const std::string& message) {
  Node* conds = status.Get("conditions");
  if (!conds || !conds->IsSeq()) conds = &status.Set("conditions", Node::Seq());
  for (auto& c : conds->items)
    if (c.StrAt({"type"}) == type) {
      c.Set("message", Node::String(message));
      return;
    }
  Node c = Node::Map();
  c.Set("type", Node::String(type));
  c.Set("message", Node::String(message));
  c.Set("lastTransitionTime", Node::String(base::FormatTime(NowMs())));
  conds->items.push_back(std::move(c));
}

bool OlderRv(const std::string& a, const std::string& b) { return cache::OlderResourceVersion(a, b); }

// Whether two directory trees hold the same files with the same contents
// (both absent counts as the same).
bool SameTree(const std::filesystem::path& a, const std::filesystem::path& b) {
  namespace fs = std::filesystem;
  std::error_code ec;
  bool ea = fs::exists(a, ec), eb = fs::exists(b, ec);
  if (!ea || !eb) return ea == eb;
  auto read = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  if (!fs::is_directory(a) || !fs::is_directory(b))
    return fs::is_directory(a) == fs::is_directory(b) && read(a) == read(b);
  std::map<std::string, fs::path> fa, fb;
  for (const auto& e : fs::recursive_directory_iterator(a, ec))
    if (e.is_regular_file()) fa[fs::relative(e.path(), a).string()] = e.path();
  for (const auto& e : fs::recursive_directory_iterator(b, ec))
    if (e.is_regular_file()) fb[fs::relative(e.path(), b).string()] = e.path();
  if (fa.size() != fb.size()) return false;
  for (const auto& [rel, path] : fa) {
    auto it = fb.find(rel);
    if (it == fb.end() || read(path) != read(it->second)) return false;
  }
  return true;
}

}  // namespace

int ShardOf(const std::string& ns, const std::string& name, int replicas) {
  if (replicas <= 1) return 0;
  uint32_t h = 2166136261u;
  for (char c : ns + "/" + name) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return static_cast<int>(h % static_cast<uint32_t>(replicas));
}

Controller::Controller(kube::Client& client, ControllerOptions options)
    : client_(client), options_(std::move(options)) {
  if (options_.repo_poll_ms <= 0) options_.repo_poll_ms = options_.resync_ms > 0 ? options_.resync_ms : 120000;
  cache_ = std::make_unique<cache::ClusterCache>(client_);
  cache_->SetOnChange([this](const std::string& app, const resource::ResId& id) { OnCacheChange(app, id); });
  cache::Options po;
  po.all_objects = true;
  po.ns = options_.apps_namespace;
  projects_ = std::make_unique<cache::ClusterCache>(client_, po);
  kube_target_ = std::make_unique<app::KubeTarget>(client_, &client_.discovery());
  target_ = std::make_unique<CachedTarget>(
      *kube_target_, *cache_, app::kInstanceLabel,
      [this](const std::string& verb, const resource::Gvk& gvk, const std::string& ns, int code) {
        CountRequest(verb, gvk, ns, code);
      },
      projects_.get());
  app::ManagerOptions mo = options_.manager;
  mo.apps_namespace = options_.apps_namespace;
  mo.clock = &clock_;
  mo.engine.terminated = [] { return TerminableClock::TerminateRequested(); };  // running hooks deleted
  mo.fetch = false;  // the repository poller fetches, once per repository
  if (!options_.server.empty()) mo.servers.push_back(options_.server);
  manager_ = std::make_unique<app::Manager>(*target_, mo);
  DeclareMetrics();
  start_ms_ = NowMs();
  shard_map_ = std::make_unique<ShardMap>(options_.sharding, options_.apps_namespace, options_.replicas);
  if (options_.replicas <= 1 && options_.lease_name.empty()) owned_.Hold(0);  // else: while holding the Lease
}

Controller::~Controller() { Stop(); }

void Controller::Log(const std::string& level, const std::string& message, const std::string& app) {
  if (options_.log) options_.log(level, message, app);
}

void Controller::Start() {
  // 30+ threads would otherwise get up to 16 malloc arenas on 2 cores, each
  // holding its own free memory (measured: RSS twice the heap in use).
  if (options_.malloc_arenas > 0) mallopt(M_ARENA_MAX, options_.malloc_arenas);
  if (options_.replicas > 1 || !options_.lease_name.empty()) {
    // Shard Leases replace the single leader Lease; singleton duties
    // (repository polling, ApplicationSets) run on every replica, as before.
    // With one shard, --leader-elect is the same keeper on one Lease: the
    // process works while it holds it.
    bool leader_elect = options_.replicas <= 1;
    leading_ = !leader_elect;
    ShardLeaseOptions so;
    so.ns = options_.apps_namespace;
    so.identity = options_.identity;
    so.my_shard = leader_elect ? 0 : options_.shard;
    so.replicas = leader_elect ? 1 : options_.replicas;
    so.duration_ms = leader_elect ? options_.lease_duration_ms : options_.shard_lease_duration_ms;
    if (leader_elect) so.lease_name = options_.lease_name;
    so.on_change = [this](int shard, bool held) { OnShardChange(shard, held); };
    so.log = [this](const std::string& level, const std::string& message) { Log(level, message); };
    shard_leases_ = std::make_unique<ShardLeaseKeeper>(options_.lease_client ? *options_.lease_client : client_, so, owned_);
    threads_.emplace_back([this] { shard_leases_->Run(stop_); });
  } else {
    leading_ = true;
  }
  // The AppProject informer; without the CRD yet, projects are read from
  // the API server per refresh instead.
  try {
    projects_->EnsureWatched({"argoproj.io", "v1alpha1", "AppProject"});
  } catch (const std::exception& e) {
    Log("info", std::string("AppProjects are read per refresh (no informer): ") + e.what());
  }
  threads_.emplace_back([this] { WatchApps(); });
  threads_.emplace_back([this] { Ticker(); });
  threads_.emplace_back([this] { PollRepos(); });
  if (options_.applicationsets) {
    threads_.emplace_back([this] { WatchAppSets(); });
    threads_.emplace_back([this] { AppSetWorker(); });
  }
  for (int i = 0; i < options_.status_processors; ++i) threads_.emplace_back([this] { StatusWorker(); });
  for (int i = 0; i < options_.operation_processors; ++i) threads_.emplace_back([this] { OperationWorker(); });
  Log("info", "controller started (namespace " + options_.apps_namespace + ", shard " +
                  std::to_string(options_.shard) + "/" + std::to_string(options_.replicas) + ", sharding " +
                  ShardingMethodName(options_.sharding) + ")");
}

void Controller::Stop() {
  if (stop_.exchange(true)) return;
  refresh_queue_.ShutDown();
  operation_queue_.ShutDown();
  appset_queue_.ShutDown();
  cache_->Stop();
  projects_->Stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  if (shard_leases_) shard_leases_->Release();  // the others (a standby) take over at once
  Log("info", "controller stopped");
}

bool Controller::Mine(const std::string& name) {
  return leading_ && owned_.Holds(shard_map_->ShardOf(name));
}

void Controller::OnShardChange(int shard, bool held) {
  bool leader_elect = options_.replicas <= 1;
  if (leader_elect && held != leading_.exchange(held)) Log("info", held ? "became the leader" : "lost the lease");
  std::vector<std::string> names;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!held) {
      // Lost (not renewed in time, or taken): as client-go's leader, stop
      // acting at once. Running operations of the shard are terminated at
      // their next wave or wait and write no final state: the Lease's next
      // holder finds them Running and marks them interrupted, once (the
      // resourceVersion-checked write of RunOperation). Queued work is
      // dropped by the workers.
      for (auto& [n, flag] : running_) {
        if (shard_map_->ShardOf(n) != shard) continue;
        *flag = true;
        lease_lost_.insert(n);
        Log("warn", "terminating the running operation: the lease of shard " + std::to_string(shard) + " was lost", n);
      }
      return;
    }
    for (const auto& [n, e] : apps_)
      if (shard_map_->ShardOf(n) == shard) names.push_back(n);
  }
  for (const auto& n : names) {
    refresh_queue_.Add(n);
    operation_queue_.Add(n);
  }
}

void Controller::StoreApp(AppEntry& e, const Node& obj) {
  e.packed = cache::Pack(obj);
  e.rv = obj.StrAt({"metadata", "resourceVersion"});
  AppInfo& i = e.info;
  i.ns = obj.StrAt({"metadata", "namespace"});
  i.project = obj.StrAt({"spec", "project"}, "default");
  i.repo_url = obj.StrAt({"spec", "source", "repoURL"});
  i.target_revision = obj.StrAt({"spec", "source", "targetRevision"}, "HEAD");
  i.dest_server = obj.StrAt({"spec", "destination", "server"});
  i.dest_namespace = obj.StrAt({"spec", "destination", "namespace"});
  i.sync_status = obj.StrAt({"status", "sync", "status"});
  i.health_status = obj.StrAt({"status", "health", "status"});
  i.sync_revision = obj.StrAt({"status", "sync", "revision"});
  i.autosync = obj.At({"spec", "syncPolicy", "automated"}) != nullptr;
  i.deleting = !obj.StrAt({"metadata", "deletionTimestamp"}).empty();
  i.operation = obj.Get("operation") != nullptr;
  i.success_rate = -1;
  i.time_to_deploy_s = i.time_to_rollback_s = -1;
  if (const Node* st = obj.Get("status")) {
    i.success_rate = SuccessRate(*st);
    if (const Node* d = st->At({"capstan", "deployments", "timeToDeployMs", "last"}))
      i.time_to_deploy_s = double(d->AsInt(0)) / 1000.0;
    if (const Node* r = st->At({"capstan", "deployments", "timeToRollbackMs", "last"}))
      i.time_to_rollback_s = double(r->AsInt(0)) / 1000.0;
  }
}

std::optional<Node> Controller::Snapshot(const std::string& name) {
  std::string packed;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = apps_.find(name);
    if (it == apps_.end()) return std::nullopt;
    packed = it->second.packed;
  }
  return cache::Unpack(packed);
}

// --- informers ------------------------------------------------------------------

void Controller::WatchApps() {
  kube::WatchOptions wo;
  wo.stop = &stop_;
  wo.timeout_seconds = 300;
  wo.list_page_size = 250;
  // The list arrives page by page (10,000 Applications with their status
  // would otherwise sit in memory whole, parsed): each page's apps are
  // taken in, and those no listing returned are gone at its end.
  std::set<std::string> listed;
  wo.on_list_page = [this, &listed](std::vector<Node>& items, bool first) {
    if (first) listed.clear();
    for (auto& i : items) {
      listed.insert(i.StrAt({"metadata", "name"}));
      OnAppEvent("ADDED", i);
      i = Node();
    }
  };
  wo.on_list = [this, &listed](const Node&) {
    std::vector<std::string> gone;
    {
      std::lock_guard<std::mutex> l(mu_);
      for (const auto& [name, e] : apps_)
        if (!listed.count(name)) gone.push_back(name);
    }
    listed.clear();
    for (const auto& name : gone) {
      Node n = Node::Map();
      n.GetOrCreateMap("metadata").Set("name", Node::String(name));
      OnAppEvent("DELETED", n);
    }
    apps_synced_ = true;
  };
  std::string last_error;
  while (!stop_) {
    try {
      client_.Watch(kAppGvk, options_.apps_namespace, wo, [this](const kube::WatchEvent& e) {
        if (e.type != "BOOKMARK") OnAppEvent(e.type, e.object);
        return !stop_.load();
      });
    } catch (const std::exception& e) {
      if (stop_) break;
      // Said once per distinct error (no Application CRD yet repeats every 2 s).
      if (e.what() != last_error) Log("warn", std::string("watching applications: ") + e.what());
      last_error = e.what();
    }
    for (int i = 0; i < 20 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void Controller::OnAppEvent(const std::string& type, const Node& obj) {
  std::string name = obj.StrAt({"metadata", "name"});
  if (name.empty()) return;
  bool refresh = false, operation = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (type == "DELETED") {
      shard_map_->Remove(name);
      apps_.erase(name);
      commit_seen_.erase(name);
      return;
    }
    auto it = apps_.find(name);
    if (it == apps_.end()) {
      refresh = true;
      shard_map_->Add(name);
      StoreApp(apps_[name], obj);
    } else {
      if (OlderRv(obj.StrAt({"metadata", "resourceVersion"}), it->second.rv)) return;
      const Node old = cache::Unpack(it->second.packed);
      auto same = [&](std::initializer_list<std::string_view> path) {
        const Node* a = old.At(path);
        const Node* b = obj.At(path);
        return (!a && !b) || (a && b && *a == *b);
      };
      refresh = !same({"spec"}) || !same({"metadata", "annotations"}) || !same({"metadata", "labels"}) ||
                !same({"metadata", "deletionTimestamp"}) || !same({"metadata", "finalizers"});
      StoreApp(it->second, obj);
    }
    operation = obj.Get("operation") != nullptr;
    if (obj.StrAt({"status", "operationState", "phase"}) == "Terminating")
      if (auto r = running_.find(name); r != running_.end()) *r->second = true;
  }
  if (refresh) refresh_queue_.Add(name);
  if (operation) operation_queue_.Add(name);
}

void Controller::OnCacheChange(const std::string& app, const resource::ResId& id) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!apps_.count(app)) return;
  }
  metrics_.Add("argocd_cluster_events_total", {{"server", options_.server}, {"group", id.gvk.group}, {"kind", id.gvk.kind}});
  refresh_queue_.Add(app);
}

void Controller::Ticker() {
  int64_t next_trim = NowMs() + options_.trim_interval_ms;
  while (!stop_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    if (options_.trim_interval_ms > 0 && NowMs() >= next_trim) {
      malloc_trim(0);  // pages freed after a burst (a list, a resync) go back to the kernel
      next_trim = NowMs() + options_.trim_interval_ms;
    }
    if (options_.resync_ms <= 0) continue;
    int64_t now = NowMs();
    std::vector<std::string> due;
    {
      std::lock_guard<std::mutex> l(mu_);
      for (auto& [name, e] : apps_)
        if (e.next_resync_ms && e.next_resync_ms <= now) {
          e.next_resync_ms = 0;
          due.push_back(name);
        }
    }
    for (const auto& n : due) refresh_queue_.Add(n);
  }
}

void Controller::PollRepos() {
  int64_t next = 0;
  while (!stop_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (NowMs() < next || !apps_synced_ || !leading_) continue;
    next = NowMs() + options_.repo_poll_ms;
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_repo;  // url -> (app, revision)
    {
      std::lock_guard<std::mutex> l(mu_);
      for (const auto& [name, e] : apps_)
        if (!e.info.repo_url.empty()) by_repo[e.info.repo_url].push_back({name, e.info.target_revision});
    }
    for (const auto& [url, apps] : by_repo) {
      if (stop_) return;
      auto started = std::chrono::steady_clock::now();
      std::string error;
      try {
        manager_->repos().Fetch(url);
      } catch (const std::exception& e) {
        error = e.what();
      }
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      metrics_.Add("argocd_git_request_total", {{"repo", url}, {"request_type", "fetch"}});
      metrics_.Observe("argocd_git_request_duration_seconds", {{"repo", url}, {"request_type", "fetch"}}, secs);
      bool was_failing;
      {
        std::lock_guard<std::mutex> l(mu_);
        was_failing = repo_errors_.count(url) > 0;
        if (error.empty()) repo_errors_.erase(url);
        else repo_errors_[url] = error;
      }
      if (!error.empty()) {
        metrics_.Add("argocd_git_fetch_fail_total", {{"repo", url}, {"revision", ""}});
        Log("warn", "fetching " + url + ": " + error);
        if (!was_failing)
          for (const auto& [name, rev] : apps) refresh_queue_.Add(name);
        continue;
      }
      // One resolve per revision, not per app (each opens the repository:
      // 10,000 apps on one branch were 10,000 opens per poll).
      std::map<std::string, std::optional<std::string>> resolved;  // revision -> commit (nullopt: failed)
      for (const auto& [name, rev] : apps) {
        auto r = resolved.find(rev);
        if (r == resolved.end()) {
          std::optional<std::string> c;
          try {
            c = manager_->repos().Resolve(url, rev, false);
          } catch (const std::exception&) {
          }
          r = resolved.emplace(rev, c).first;
        }
        if (!r->second) {
          refresh_queue_.Add(name);  // the refresh reports the error
          continue;
        }
        const std::string& commit = *r->second;
        std::string old;
        {
          std::lock_guard<std::mutex> l(mu_);
          auto it = apps_.find(name);
          if (it == apps_.end()) continue;
          old = it->second.info.sync_revision;
        }
        if (!was_failing && old != commit && !old.empty())
          if (auto obj = Snapshot(name)) ReuseManifests(*obj, old, commit);
        if (was_failing || old != commit) {
          {
            std::lock_guard<std::mutex> l(mu_);
            auto& seen = commit_seen_[name];
            if (seen.first != commit) seen = {commit, NowMs()};
          }
          refresh_queue_.Add(name);
        }
      }
    }
  }
}

// --- ApplicationSets ---------------------------------------------------------------

void Controller::WatchAppSets() {
  const resource::Gvk gvk{"argoproj.io", "v1alpha1", "ApplicationSet"};
  kube::WatchOptions wo;
  wo.stop = &stop_;
  wo.timeout_seconds = 300;
  wo.on_list = [this](const Node& list) {
    std::vector<std::string> names;
    {
      std::lock_guard<std::mutex> l(mu_);
      appsets_.clear();
      if (const Node* items = list.Get("items"); items && items->IsSeq())
        for (const auto& i : items->items) {
          appsets_[i.StrAt({"metadata", "name"})] = i;
          names.push_back(i.StrAt({"metadata", "name"}));
        }
    }
    for (const auto& n : names) appset_queue_.Add(n);
  };
  bool warned = false;
  while (!stop_) {
    try {
      client_.Watch(gvk, options_.apps_namespace, wo, [this](const kube::WatchEvent& e) {
        std::string name = e.object.StrAt({"metadata", "name"});
        if (e.type == "BOOKMARK" || name.empty()) return !stop_.load();
        {
          std::lock_guard<std::mutex> l(mu_);
          if (e.type == "DELETED") appsets_.erase(name);
          else appsets_[name] = e.object;
        }
        if (e.type != "DELETED") appset_queue_.Add(name);
        return !stop_.load();
      });
    } catch (const kube::KubeError& e) {
      if (stop_) break;
      // No ApplicationSet CRD yet: look again later, quietly.
      if (!kube::IsNotFound(e) || !warned) Log(kube::IsNotFound(e) ? "info" : "warn", std::string("watching applicationsets: ") + e.what());
      warned = true;
    } catch (const std::exception& e) {
      Log("warn", std::string("watching applicationsets: ") + e.what());
    }
    for (int i = 0; i < 50 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void Controller::AppSetWorker() {
  std::string name;
  while (appset_queue_.Get(&name)) {
    if (leading_) {
      try {
        ReconcileAppSet(name);
      } catch (const std::exception& e) {
        Log("error", std::string("applicationset: ") + e.what(), name);
      }
    }
    appset_queue_.Done(name);
    if (options_.appset_resync_ms > 0) appset_queue_.AddAfter(name, options_.appset_resync_ms);
  }
}

void Controller::ReconcileAppSet(const std::string& name) {
  Node set;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = appsets_.find(name);
    if (it == appsets_.end()) return;
    set = it->second;
  }
  if (!set.StrAt({"metadata", "deletionTimestamp"}).empty()) return;  // the garbage collector removes its apps
  appset::GeneratorContext ctx;
  ctx.checkout = [this](const std::string& url, const std::string& rev) {
    std::string commit = manager_->repos().Resolve(url, rev.empty() ? "HEAD" : rev, true);
    metrics_.Add("argocd_git_request_total", {{"repo", url}, {"request_type", "fetch"}});
    return manager_->repos().Snapshot(url, commit);
  };
  ctx.clusters.push_back({app::kInClusterName, app::kInClusterServer, "", {}, {}});
  try {
    kube::ListOptions lo;
    lo.label_selector = "argocd.argoproj.io/secret-type=cluster";
    Node secrets = client_.List({"", "v1", "Secret"}, options_.apps_namespace, lo);
    if (const Node* items = secrets.Get("items"); items && items->IsSeq())
      for (const auto& s : items->items) {
        appset::Cluster c;
        auto field = [&](const char* k) {
          std::string out;
          base::Base64Decode(s.StrAt({"data", k}), &out);
          return out;
        };
        c.name = field("name");
        c.server = field("server");
        c.project = field("project");
        if (const Node* l = s.At({"metadata", "labels"}); l && l->IsMap())
          for (const auto& f : l->fields) c.labels[f.key.value] = f.value.value;
        if (const Node* a = s.At({"metadata", "annotations"}); a && a->IsMap())
          for (const auto& f : a->fields) c.annotations[f.key.value] = f.value.value;
        if (!c.server.empty()) ctx.clusters.push_back(std::move(c));
      }
  } catch (const std::exception& e) {
    Log("debug", std::string("listing cluster secrets: ") + e.what(), name);
  }
  std::string error;
  appset::ReconcileResult r;
  size_t generated = 0;
  try {
    std::vector<Node> apps = appset::GenerateApplications(set, ctx);
    generated = apps.size();
    r = appset::Reconcile(client_, set, apps);
  } catch (const std::exception& e) {
    error = e.what();
  }
  // Status: Argo CD's condition types.
  Node status = set.Get("status") ? *set.Get("status") : Node::Map();
  Node conds = Node::Seq();
  auto cond = [&](const std::string& type, const std::string& st, const std::string& reason, const std::string& msg) {
    Node c = Node::Map();
    c.Set("type", Node::String(type));
    c.Set("status", Node::String(st));
    c.Set("reason", Node::String(reason));
    c.Set("message", Node::String(msg));
    conds.items.push_back(std::move(c));
  };
  if (error.empty()) {
    cond("ErrorOccurred", "False", "ApplicationSetUpToDate", "All applications have been generated successfully");
    cond("ParametersGenerated", "True", "ParametersGenerated", "Successfully generated parameters for all Applications");
    cond("ResourcesUpToDate", "True", "ApplicationSetUpToDate", "All applications have been generated successfully");
  } else {
    cond("ErrorOccurred", "True", "ApplicationGenerationFromParamsError", error);
    cond("ParametersGenerated", "False", "ErrorOccurred", error);
    cond("ResourcesUpToDate", "False", "ApplicationGenerationFromParamsError", error);
    Log("warn", error, name);
  }
  Node old = status.Get("conditions") ? *status.Get("conditions") : Node::Seq();
  if (old != conds) {
    std::string now = base::FormatTime(NowMs());
    for (auto& c : conds.items) c.Set("lastTransitionTime", Node::String(now));
    status.Set("conditions", conds);
    Node ops = Node::Seq();
    ops.items.push_back(Op("add", "/status", &status));
    kube::PatchOptions po;
    po.type = kube::PatchType::kJson;
    try {
      client_.Patch({{"argoproj.io", "v1alpha1", "ApplicationSet"}, options_.apps_namespace, name}, ops, po);
    } catch (const std::exception& e) {
      Log("debug", std::string("applicationset status: ") + e.what(), name);
    }
  }
  if (error.empty() && (r.created || r.updated || r.deleted))
    Log("info", "applicationset: " + std::to_string(generated) + " applications generated, " + std::to_string(r.created) +
                    " created, " + std::to_string(r.updated) + " updated, " + std::to_string(r.deleted) + " deleted",
        name);
}

// argocd.argoproj.io/manifest-generate-paths: when none of the listed paths
// (";"-separated, relative to spec.source.path, "/..." from the repository
// root) changed between the synced commit and the new one, the new commit's
// manifests are the old ones: the render cache gets them under the new key
// and the refresh does not render again.
void Controller::ReuseManifests(const Node& obj, const std::string& old_commit, const std::string& new_commit) {
  std::string paths = obj.StrAt({"metadata", "annotations", "argocd.argoproj.io/manifest-generate-paths"});
  if (paths.empty()) return;
  try {
    app::Application a = app::ParseApplication(obj, "cluster");
    std::vector<Node> rendered;
    if (!manager_->render_cache().Get(app::Manager::RenderKey(a, a.source, old_commit), &rendered)) return;
    std::filesystem::path before = manager_->repos().Snapshot(a.source.repo_url, old_commit);
    std::filesystem::path after = manager_->repos().Snapshot(a.source.repo_url, new_commit);
    std::stringstream ss(paths);
    std::string p;
    while (std::getline(ss, p, ';')) {
      while (!p.empty() && p.front() == ' ') p.erase(0, 1);
      while (!p.empty() && p.back() == ' ') p.pop_back();
      if (p.empty()) continue;
      std::filesystem::path rel = p.front() == '/' ? std::filesystem::path(p.substr(1))
                                                   : (std::filesystem::path(a.source.path) / p).lexically_normal();
      if (rel.string().rfind("..", 0) == 0) return;  // outside the checkout: render
      if (!SameTree(before / rel, after / rel)) return;
    }
    manager_->render_cache().Put(app::Manager::RenderKey(a, a.source, new_commit), std::move(rendered));
    metrics_.Add("capstan_manifests_reused_total", {{"namespace", options_.apps_namespace}, {"name", a.name}});
  } catch (const std::exception& e) {
    Log("debug", std::string("manifest-generate-paths: ") + e.what(), obj.StrAt({"metadata", "name"}));
  }
}

// --- writes -------------------------------------------------------------------------

bool Controller::PatchApp(const std::string& name, const Node& ops) {
  kube::PatchOptions po;
  po.type = kube::PatchType::kJson;
  try {
    Node out = client_.Patch({kAppGvk, options_.apps_namespace, name}, ops, po);
    CountRequest("Patch", kAppGvk, options_.apps_namespace, 200);
    // Our own write is the newest state: keep it so the next reconcile does
    // not work from the older object before the watch event arrives.
    // Two workers may write one app; keep whichever is newest.
    std::lock_guard<std::mutex> l(mu_);
    if (auto it = apps_.find(name);
        it != apps_.end() && !OlderRv(out.StrAt({"metadata", "resourceVersion"}), it->second.rv))
      StoreApp(it->second, out);
    return true;
  } catch (const kube::KubeError& e) {
    CountRequest("Patch", kAppGvk, options_.apps_namespace, e.code);
    Log(e.code == 409 || e.code == 422 ? "debug" : "warn", std::string("patching application: ") + e.what(), name);
    // A failed precondition: read the object again rather than wait for the
    // watch, so a stale copy can never stall this app.
    try {
      Node fresh = client_.Get({kAppGvk, options_.apps_namespace, name});
      std::lock_guard<std::mutex> l(mu_);
      if (auto it = apps_.find(name); it != apps_.end()) StoreApp(it->second, fresh);
    } catch (const std::exception&) {
    }
    return false;
  }
}

void Controller::Event(const Node& app, const std::string& type, const std::string& reason,
                       const std::string& message) {
  Node ev = Node::Map();
  ev.Set("apiVersion", Node::String("v1"));
  ev.Set("kind", Node::String("Event"));
  Node& meta = ev.GetOrCreateMap("metadata");
  meta.Set("generateName", Node::String(app.StrAt({"metadata", "name"}) + "."));
  meta.Set("namespace", Node::String(options_.apps_namespace));
  Node inv = Node::Map();
  inv.Set("apiVersion", Node::String("argoproj.io/v1alpha1"));
  inv.Set("kind", Node::String("Application"));
  inv.Set("name", Node::String(app.StrAt({"metadata", "name"})));
  inv.Set("namespace", Node::String(options_.apps_namespace));
  if (!app.StrAt({"metadata", "uid"}).empty()) inv.Set("uid", Node::String(app.StrAt({"metadata", "uid"})));
  ev.Set("involvedObject", inv);
  ev.Set("reason", Node::String(reason));
  ev.Set("message", Node::String(message));
  ev.Set("type", Node::String(type));
  std::string now = base::FormatTime(NowMs());
  ev.Set("firstTimestamp", Node::String(now));
  ev.Set("lastTimestamp", Node::String(now));
  ev.Set("count", Node::Int(1));
  Node src = Node::Map();
  src.Set("component", Node::String("capstan-controller"));
  ev.Set("source", src);
  ev.Set("reportingComponent", Node::String("capstan-controller"));
  try {
    client_.Create(ev);
  } catch (const std::exception& e) {
    Log("debug", std::string("event: ") + e.what(), app.StrAt({"metadata", "name"}));
  }
}

// --- reconcile ----------------------------------------------------------------------

void Controller::StatusWorker() {
  std::string name;
  while (refresh_queue_.Get(&name)) {
    try {
      ShardWork work(owned_, shard_map_->ShardOf(name));  // counted in flight: a shard is handed over idle
      if (leading_ && work) Refresh(name);
    } catch (const std::exception& e) {
      Log("error", std::string("reconcile: ") + e.what(), name);
      refresh_queue_.AddAfter(name, 5000);
    }
    refresh_queue_.Done(name);
  }
}

void Controller::WatchKindsOf(const Node& status, const std::vector<Node>& desired,
                              const std::set<std::string>* watched_before, bool* missed) {
  std::vector<resource::Gvk> kinds;
  for (const auto& d : desired) kinds.push_back(resource::ResId::Of(d).gvk);
  if (const Node* rs = status.Get("resources"); rs && rs->IsSeq())
    for (const auto& r : rs->items) kinds.push_back({r.StrAt({"group"}), r.StrAt({"version"}), r.StrAt({"kind"})});
  std::lock_guard<std::mutex> l(watch_kinds_mu_);
  for (const auto& gvk : kinds) {
    if (gvk.kind.empty() || gvk.version.empty()) continue;
    if (!cache_->Watched(gvk)) {
      try {
        cache_->EnsureWatched(gvk);
        Log("info", "watching " + (gvk.group.empty() ? gvk.kind : gvk.kind + "." + gvk.group));
      } catch (const std::exception& e) {
        Log("warn", std::string("cannot watch ") + gvk.kind + ": " + e.what());
        continue;
      }
    }
    if (watched_before && !watched_before->count(gvk.group + "/" + gvk.kind)) *missed = true;
  }
}

void Controller::Refresh(const std::string& name) {
  auto started = std::chrono::steady_clock::now();
  auto snap = Snapshot(name);
  if (!snap) return;
  Node obj = *snap;
  if (!obj.StrAt({"metadata", "deletionTimestamp"}).empty()) return HandleDeletion(obj);
  const Node* old_status = obj.Get("status");
  Node before = Comparable(old_status);
  std::string old_health = obj.StrAt({"status", "health", "status"});

  app::Application app;
  Node status;
  std::optional<AutoSyncDecision> decision;
  std::string annotation = obj.StrAt({"metadata", "annotations", kRefreshAnnotation});
  try {
    app = app::ParseApplication(obj, "cluster");
  } catch (const std::exception& e) {
    status = old_status ? *old_status : Node::Map();
    status.GetOrCreateMap("sync").Set("status", Node::String("Unknown"));
    status.Set("conditions", Node::Seq());
    SetCondition(status, "InvalidSpecError", e.what());
  }
  if (status.IsNull()) {
    std::string repo_error;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (auto it = repo_errors_.find(app.source.repo_url); it != repo_errors_.end()) repo_error = it->second;
    }
    if (!repo_error.empty()) {
      status = old_status ? *old_status : Node::Map();
      status.GetOrCreateMap("sync").Set("status", Node::String("Unknown"));
      status.Set("conditions", Node::Seq());
      SetCondition(status, "ComparisonError", "repository " + app.source.repo_url + " cannot be reached: " + repo_error);
    } else {
      app::RefreshMode mode = annotation == "hard" ? app::RefreshMode::kHard : app::RefreshMode::kNormal;
      bool ok = false;
      bool ignored = false;
      int64_t observed_ms = 0;
      // The kinds the app had: watched before the first comparison.
      WatchKindsOf(old_status ? *old_status : Node::Map(), {}, nullptr, &ignored);
      for (int pass = 0; pass < 3; ++pass) {
        app::Comparison c;
        StatusCapture capture;
        std::set<std::string> watched = cache_->WatchedKinds();
        try {
          observed_ms = NowMs();  // the live state is read from the cache from here on
          c = manager_->Refresh(app, mode);
          ok = true;
        } catch (const std::exception& e) {
          ok = false;
          Log("warn", std::string("comparison: ") + e.what(), name);
        }
        bool missed = false;
        if (ok) WatchKindsOf(*app.object.Get("status"), c.desired, &watched, &missed);
        if (!missed) break;  // a kind was not watched during the comparison: compare again
      }
      status = app.object.Get("status") ? *app.object.Get("status") : Node::Map();
      if (ok) {
        decision = DecideAutoSync(app, NowMs(), options_.self_heal);
        if (decision->action == AutoSyncDecision::kError) SetCondition(status, "SyncError", decision->message);
        if (status.StrAt({"health", "status"}) == "Healthy") {
          int64_t seen = 0;
          {
            std::lock_guard<std::mutex> l(mu_);
            auto it = commit_seen_.find(name);
            if (it != commit_seen_.end() && it->second.first == status.StrAt({"sync", "revision"})) seen = it->second.second;
          }
          DeployMeasure m = MeasureHealthy(status, NowMs(), seen);  // time to deploy / roll back, in status
          if (m.measured)
            Log("info", std::string(m.rollback ? "time to roll back " : "time to deploy ") + std::to_string(m.ms) + " ms", name);
        }
        // observedAt: when the live state was observed; written only with
        // a status that changed otherwise (a resync with nothing new writes
        // nothing).
        if (Comparable(&status) != before) status.Set("observedAt", Node::String(base::FormatTime(observed_ms)));
      }
    }
  }

  // One write: status (when it changed), the automated operation, the
  // refresh annotation removed.
  Node ops = Node::Seq();
  Node rv = Node::String(obj.StrAt({"metadata", "resourceVersion"}));
  ops.items.push_back(Op("test", "/metadata/resourceVersion", &rv));
  bool write = false;
  if (Comparable(&status) != before) {
    ops.items.push_back(Op("add", "/status", &status));
    write = true;
  }
  if (decision && decision->action == AutoSyncDecision::kSync) {
    ops.items.push_back(Op("add", "/operation", &decision->operation));
    write = true;
  }
  if (!annotation.empty()) {
    ops.items.push_back(Op("remove", "/metadata/annotations/argocd.argoproj.io~1refresh"));
    write = true;
  }
  if (write && !PatchApp(name, ops)) {
    refresh_queue_.AddAfter(name, 200);  // the object moved on: reconcile the newer one
    return;
  }
  if (decision && decision->action == AutoSyncDecision::kSync) {
    Log("info", "initiated automated sync to " + decision->operation.StrAt({"sync", "revision"}), name);
    operation_queue_.Add(name);
  }
  if (decision && decision->action == AutoSyncDecision::kWait) {
    Log("debug", "self-heal backoff: next attempt in " + std::to_string(decision->wait_ms) + " ms", name);
    refresh_queue_.AddAfter(name, decision->wait_ms);
  }
  if (decision && decision->action == AutoSyncDecision::kNone)
    Log("debug", "no automated sync: " + decision->message, name);

  std::string health = status.StrAt({"health", "status"});
  if (!old_health.empty() && !health.empty() && health != old_health)
    Event(obj, health == "Degraded" ? "Warning" : "Normal", "ResourceUpdated",
          "Updated health status: " + old_health + " -> " + health);
  // Time to deploy: a commit first seen by the poller until Synced + Healthy at it.
  if (health == "Healthy" && status.StrAt({"sync", "status"}) == "Synced") {
    std::lock_guard<std::mutex> l(mu_);
    auto it = commit_seen_.find(name);
    if (it != commit_seen_.end() && it->second.first == status.StrAt({"sync", "revision"})) {
      metrics_.Observe("capstan_app_commit_to_healthy_seconds", {{"namespace", options_.apps_namespace}, {"name", name}},
                       double(NowMs() - it->second.second) / 1000.0);
      commit_seen_.erase(it);
    }
  }

  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.Observe("argocd_app_reconcile", {{"namespace", options_.apps_namespace}, {"dest_server", app.destination.server}}, secs);
  std::lock_guard<std::mutex> l(mu_);
  if (auto it = apps_.find(name); it != apps_.end() && options_.resync_ms > 0) {
    std::uniform_int_distribution<int64_t> jitter(0, std::max<int64_t>(0, options_.resync_jitter_ms));
    it->second.next_resync_ms = NowMs() + options_.resync_ms + jitter(rng_);
  }
}

void Controller::HandleDeletion(const Node& obj) {
  std::string name = obj.StrAt({"metadata", "name"});
  std::string finalizer;
  if (!HasFinalizer(obj, &finalizer)) return;  // nothing of ours to do
  {
    std::lock_guard<std::mutex> l(mu_);
    if (running_.count(name)) {
      *running_[name] = true;  // terminate the running operation first
      refresh_queue_.AddAfter(name, 500);
      return;
    }
  }
  try {
    app::Application app = app::ParseApplication(obj, "cluster");
    bool ignored = false;
    WatchKindsOf(obj.Get("status") ? *obj.Get("status") : Node::Map(), {}, nullptr, &ignored);
    app.sync_options.prune_propagation = finalizer.ends_with("/background") ? "background" : "foreground";
    Log("info", "deleting resources (" + finalizer + ")", name);
    manager_->Delete(app, /*cascade=*/true);  // resources first, then the (already terminating) Application
  } catch (const std::exception& e) {
    Log("warn", std::string("deleting resources: ") + e.what(), name);
    Event(obj, "Warning", "DeletionFailed", e.what());
    refresh_queue_.AddAfter(name, 5000);
    return;
  }
  // Drop the finalizer: the API server then removes the Application.
  const Node* fins = obj.At({"metadata", "finalizers"});
  for (size_t i = 0; fins && i < fins->items.size(); ++i) {
    if (fins->items[i].value != finalizer) continue;
    Node ops = Node::Seq();
    Node value = Node::String(finalizer);
    ops.items.push_back(Op("test", "/metadata/finalizers/" + std::to_string(i), &value));
    ops.items.push_back(Op("remove", "/metadata/finalizers/" + std::to_string(i)));
    if (!PatchApp(name, ops)) refresh_queue_.AddAfter(name, 500);
    else Log("info", "resources deleted, finalizer removed", name);
    return;
  }
}

// --- operations -----------------------------------------------------------------------

void Controller::OperationWorker() {
  std::string name;
  while (operation_queue_.Get(&name)) {
    try {
      ShardWork work(owned_, shard_map_->ShardOf(name));
      if (leading_ && work) RunOperation(name);
    } catch (const std::exception& e) {
      Log("error", std::string("operation: ") + e.what(), name);
      operation_queue_.AddAfter(name, 5000);
    }
    operation_queue_.Done(name);
  }
}

void Controller::RunOperation(const std::string& name) {
  auto snap = Snapshot(name);
  if (!snap || !snap->Get("operation")) return;
  Node obj = *snap;
  Node operation = *obj.Get("operation");
  std::string phase = obj.StrAt({"status", "operationState", "phase"});
  Node rv = Node::String(obj.StrAt({"metadata", "resourceVersion"}));
  Node status = obj.Get("status") ? *obj.Get("status") : Node::Map();
  std::string now = base::FormatTime(NowMs());

  if (phase == "Running" || phase == "Terminating") {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (running_.count(name)) return;  // ours, in flight
    }
    // Claimed by a controller that is gone (crash, kill -9): hooks may have
    // run, so the operation is not replayed; it is marked failed and the
    // automated policy or the user decides what comes next.
    Node& state = status.GetOrCreateMap("operationState");
    state.Set("phase", Node::String("Failed"));
    state.Set("message", Node::String("operation interrupted: the controller running it stopped before it finished; not retried to never apply hooks twice"));
    state.Set("finishedAt", Node::String(now));
    // The attempted revision, so automated sync sees a failed attempt of
    // it and does not start it again on its own (its hooks ran already).
    if (state.StrAt({"syncResult", "revision"}).empty() && !operation.StrAt({"sync", "revision"}).empty())
      state.GetOrCreateMap("syncResult").Set("revision", Node::String(operation.StrAt({"sync", "revision"})));
    CountOperation(status, "Failed", false);
    Node ops = Node::Seq();
    ops.items.push_back(Op("test", "/metadata/resourceVersion", &rv));
    ops.items.push_back(Op("add", "/status", &status));
    ops.items.push_back(Op("remove", "/operation"));
    if (PatchApp(name, ops)) {
      Log("warn", "marked an interrupted operation Failed", name);
      Event(obj, "Warning", "OperationCompleted", "Sync operation was interrupted and marked failed");
      refresh_queue_.Add(name);
    } else {
      operation_queue_.AddAfter(name, 200);
    }
    return;
  }

  app::Application app;
  ParsedOperation parsed;
  try {
    app = app::ParseApplication(obj, "cluster");
    parsed = ParseOperation(operation, app);
  } catch (const std::exception& e) {
    parsed.error = e.what();
  }
  // Claim: operationState Running, only if nobody changed the object since we read it.
  Node state = Node::Map();
  state.Set("operation", operation);
  state.Set("phase", Node::String(parsed.error.empty() ? "Running" : "Error"));
  state.Set("message", Node::String(parsed.error.empty() ? "" : parsed.error));
  state.Set("startedAt", Node::String(now));
  if (!parsed.error.empty()) state.Set("finishedAt", Node::String(now));
  status.Set("operationState", state);
  Node ops = Node::Seq();
  ops.items.push_back(Op("test", "/metadata/resourceVersion", &rv));
  ops.items.push_back(Op("add", "/status", &status));
  if (!parsed.error.empty()) ops.items.push_back(Op("remove", "/operation"));
  if (!PatchApp(name, ops)) {
    operation_queue_.AddAfter(name, 200);
    return;
  }
  if (!parsed.error.empty()) {
    Event(obj, "Warning", "OperationCompleted", parsed.error);
    return;
  }
  auto claimed = Snapshot(name);
  if (claimed) app.object = *claimed;
  if (parsed.retry) app.sync_policy.retry = parsed.retry;
  const app::SyncRequest& req = parsed.request;
  std::string target_rev = req.revision.empty() ? app.source.target_revision : req.revision;
  Event(obj, "Normal", "OperationStarted",
        std::string(req.automated ? "Initiated automated sync to '" : "Initiated sync to '") + target_rev + "'");
  Log("info", "sync started (" + std::string(req.automated ? "automated" : "by " + req.initiated_by) + ")", name);

  auto flag = std::make_shared<std::atomic<bool>>(false);
  {
    std::lock_guard<std::mutex> l(mu_);
    running_[name] = flag;
  }
  auto started = std::chrono::steady_clock::now();
  StatusCapture capture;
  TerminableClock::SetThreadFlag(flag.get());
  std::string final_phase, message, revision;
  try {
    app::SyncOutcome out = manager_->Sync(app, req);
    final_phase = out.result.phase;
    message = out.result.message;
    revision = out.revision;
  } catch (const OperationTerminated&) {
    final_phase = "Failed";
    message = "Operation terminated";
  } catch (const std::exception& e) {
    final_phase = "Error";
    message = e.what();
  }
  TerminableClock::SetThreadFlag(nullptr);
  bool lease_lost = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    running_.erase(name);
    lease_lost = lease_lost_.erase(name) > 0;
  }
  if (lease_lost) {
    // Stopped because this replica lost the app's Lease: it writes nothing
    // more; the holder of the Lease (another replica, or this one again)
    // marks the operation interrupted.
    Log("warn", "sync stopped: the lease was lost (" + message + "); its next holder marks it interrupted", name);
    operation_queue_.AddAfter(name, 1000);
    return;
  }
  Node final_status;
  if (capture.captured && capture.captured->Get("status")) final_status = *capture.captured->Get("status");
  else final_status = app.object.Get("status") ? *app.object.Get("status") : Node::Map();
  Node& fstate = final_status.GetOrCreateMap("operationState");
  if (fstate.StrAt({"phase"}).empty() || fstate.StrAt({"phase"}) == "Running" || message == "Operation terminated") {
    fstate.Set("phase", Node::String(final_phase));
    fstate.Set("message", Node::String(message));
    fstate.Set("finishedAt", Node::String(base::FormatTime(NowMs())));
  }
  fstate.Set("operation", operation);  // as requested (keeps selfHealAttemptsCount)
  fstate.Set("startedAt", Node::String(now));
  final_phase = fstate.StrAt({"phase"});
  message = fstate.StrAt({"message"});
  if (!req.dry_run) CountOperation(final_status, final_phase, req.source.has_value());  // success rate, pending deploy
  Node fops = Node::Seq();
  fops.items.push_back(Op("add", "/status", &final_status));
  fops.items.push_back(Op("remove", "/operation"));
  if (!PatchApp(name, fops)) {
    fops.items.pop_back();  // `.operation` already gone
    PatchApp(name, fops);
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  Labels l{{"namespace", options_.apps_namespace}, {"name", name}, {"project", app.project},
           {"dest_server", app.destination.server}, {"phase", final_phase}, {"dry_run", req.dry_run ? "true" : "false"}};
  metrics_.Add("argocd_app_sync_total", l);
  metrics_.Add("argocd_app_sync_duration_seconds_total",
               {{"namespace", options_.apps_namespace}, {"name", name}, {"project", app.project}, {"dest_server", app.destination.server}},
               double(int64_t(secs)));
  metrics_.Add("capstan_app_deploy_total", {{"namespace", options_.apps_namespace}, {"name", name}, {"phase", final_phase}});
  if (req.source) metrics_.Observe("capstan_app_rollback_seconds", {{"namespace", options_.apps_namespace}, {"name", name}}, secs);
  bool ok = final_phase == "Succeeded";
  Event(obj, ok ? "Normal" : "Warning", "OperationCompleted",
        ok ? "Sync operation to " + revision + " succeeded" : "Sync operation to " + revision + " failed: " + message);
  Log(ok ? "info" : "warn", "sync " + final_phase + (message.empty() ? "" : ": " + message), name);
  refresh_queue_.Add(name);
}

// --- metrics ----------------------------------------------------------------------------

void Controller::CountRequest(const std::string& verb, const resource::Gvk& gvk, const std::string& ns, int code) {
  metrics_.Add("argocd_app_k8s_request_total",
               {{"namespace", options_.apps_namespace}, {"name", ""}, {"project", ""}, {"server", options_.server},
                {"response_code", std::to_string(code)}, {"verb", verb}, {"resource_kind", gvk.kind},
                {"resource_namespace", ns}, {"dry_run", "false"}});
}

}  // namespace capstan::controller
