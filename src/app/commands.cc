#include "app/commands.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "app/operation_lock.h"
#include "base/clock.h"
#include "resource/resource.h"

namespace fs = std::filesystem;

namespace capstan::app {

int64_t WaveDelayFromEnvironment() {
  if (const char* d = getenv("CAPSTAN_SYNC_WAVE_DELAY_MS")) return atoll(d);
  if (const char* d = getenv("ARGOCD_SYNC_WAVE_DELAY")) return atoll(d) * 1000;
  return -1;
}

std::vector<Document> ReadDocuments(const std::string& path) {
  std::vector<std::string> files;
  if (fs::is_directory(path)) {
    for (const auto& e : fs::recursive_directory_iterator(path)) {
      std::string ext = e.path().extension().string();
      if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json"))
        files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  std::vector<Document> out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) throw AppError(f + ": cannot open file");
    std::stringstream ss;
    ss << in.rdbuf();
    for (auto& d : yaml::ParseAll(ss.str(), f)) {
      if (!d.IsMap()) throw AppError(f + ": a document is not a mapping");
      out.push_back({std::move(d), f});
    }
  }
  return out;
}

Session::Session(const SessionOptions& o) {
  kube::KubeconfigOptions ko;
  ko.explicit_path = o.kubeconfig;
  ko.context = o.context;
  kube::Config cfg = kube::LoadKubeconfig(ko);
  std::string server = cfg.server;
  apps_namespace_ = o.apps_namespace;
  kube::ClientOptions co = kube::ClientOptionsFromEnv();
  co.max_idle_handles = o.connections;
  client_ = std::make_unique<kube::Client>(cfg, co);
  target_ = std::make_unique<KubeTarget>(*client_, &client_->discovery());
  ManagerOptions mo;
  mo.cache_dir = o.cache_dir;
  mo.apps_namespace = o.apps_namespace;
  mo.servers = {server};
  mo.fetch_interval_ms = 5000;  // one fetch per repository per command
  if (!o.credentials.empty()) mo.credentials = git::Credentials::Load(o.credentials);
  int64_t delay = o.wave_delay_ms >= 0 ? o.wave_delay_ms : WaveDelayFromEnvironment();
  if (delay >= 0) mo.engine.wave_delay_ms = delay;
  mo.progress = o.progress;
  mo.after_sync = o.after_sync;
  // Status writes checked by resourceVersion (app/operation_lock.h).
  mo.status_client = client_.get();
  manager_ = std::make_unique<Manager>(*target_, mo);
  if (!o.file.empty()) {
    from_file_ = true;
    for (auto& d : ReadDocuments(o.file)) {
      std::string kind = d.object.StrAt({"kind"});
      if (kind == "Application") file_apps_.push_back(ParseApplication(d.object, d.where));
      else if (kind == "AppProject") manager_->UseProject(ParseAppProject(d.object, d.where));
    }
  }
}

std::vector<Application> Session::Apps() { return from_file_ ? file_apps_ : manager_->List(); }

Application Session::App(const std::string& name) {
  if (!from_file_) return manager_->Get(name);
  for (const auto& a : file_apps_)
    if (a.name == name) return a;
  throw AppError("application \"" + name + "\" not found in the file");
}

void CreateApps(Session& session, const std::string& path, bool upsert,
                const std::function<void(const std::string&)>& stored) {
  Manager& m = session.manager();
  std::vector<Document> docs = ReadDocuments(path);
  // Validate everything before storing anything.
  for (const auto& d : docs) {
    std::string kind = d.object.StrAt({"kind"});
    if (kind == "Application") ParseApplication(d.object, d.where);
    else if (kind == "AppProject") ParseAppProject(d.object, d.where);
    else
      throw AppError(d.where + ": " + kind + " " + d.object.StrAt({"metadata", "name"}) +
                     ": kind: must be Application or AppProject");
  }
  // Projects first, so Applications find theirs.
  std::stable_sort(docs.begin(), docs.end(), [](const Document& a, const Document& b) {
    return (a.object.StrAt({"kind"}) == "AppProject") > (b.object.StrAt({"kind"}) == "AppProject");
  });
  for (const auto& d : docs) {
    if (!upsert) {
      std::string kind = d.object.StrAt({"kind"});
      std::string name = d.object.StrAt({"metadata", "name"});
      bool exists = false;
      try {
        if (kind == "Application") exists = (m.Get(name), true);
      } catch (const AppError&) {
      }
      if (exists) throw AppError(d.where + ": " + kind + " " + name + " already exists");
    }
    std::string id = m.Store(d.object, d.where);
    if (stored) stored(id);
  }
}

std::vector<Application> ListApps(Session& session, bool refresh, RefreshMode mode) {
  std::vector<Application> apps = session.Apps();
  if (!refresh) return apps;
  session.target().Prefetch(kInstanceLabel);
  for (auto& a : apps) {
    try {
      session.manager().Refresh(a, mode);
    } catch (const AppError&) {
      // recorded in status.conditions; shown in NOTES
    }
  }
  return apps;
}

std::string GetApp(Session& session, Application& app, bool refresh, RefreshMode mode) {
  if (!refresh) return "";
  try {
    session.manager().Refresh(app, mode);
  } catch (const AppError& e) {
    return e.what();
  }
  return "";
}

std::vector<ResourceState> DiffApp(Session& session, Application& app, RefreshMode mode,
                                   const std::string& revision) {
  std::vector<ResourceState> out;
  for (auto& r : session.manager().Refresh(app, mode, revision).resources)
    if (r.status != "Synced" && !r.hook) out.push_back(std::move(r));
  return out;
}

std::vector<Application> SelectApps(Session& session, const std::vector<std::string>& names,
                                    const std::string& selector) {
  std::vector<Application> apps;
  if (!selector.empty()) {
    auto eq = selector.find('=');
    std::string key = selector.substr(0, eq), value = eq == std::string::npos ? "" : selector.substr(eq + 1);
    for (auto& a : session.Apps()) {
      const yaml::Node* labels = a.object.At({"metadata", "labels"});
      const yaml::Node* v = labels ? labels->Get(key) : nullptr;
      if (v && (eq == std::string::npos || v->value == value)) apps.push_back(a);
    }
    if (apps.empty()) throw AppError("no application matches -l " + selector);
  }
  for (const auto& n : names) apps.push_back(session.App(n));
  return apps;
}

std::string ParseResourceFlag(const std::string& flag, const std::string& default_ns) {
  // GROUP:KIND:NAME, NAME may be NAMESPACE/NAME.
  auto c1 = flag.find(':');
  auto c2 = c1 == std::string::npos ? c1 : flag.find(':', c1 + 1);
  if (c2 == std::string::npos) throw AppError("--resource " + flag + ": want GROUP:KIND:NAME");
  std::string group = flag.substr(0, c1), kind = flag.substr(c1 + 1, c2 - c1 - 1), name = flag.substr(c2 + 1);
  std::string ns = default_ns;
  if (auto slash = name.find('/'); slash != std::string::npos) {
    ns = name.substr(0, slash);
    name = name.substr(slash + 1);
  }
  resource::Gvk gvk{group, "", kind};
  if (resource::IsClusterScoped(gvk)) ns.clear();
  // Versions do not take part in the match (sync::GroupKindKey); any
  // version the plan carries for this group/kind is accepted.
  return group + "/" + kind + "/" + ns + "/" + name;
}

std::vector<SyncOutcome> SyncApps(Session& session, std::vector<Application>& apps, const SyncFlags& flags,
                                  const std::function<void(const Application&, const SyncOutcome&)>& done) {
  std::vector<SyncRequest> requests;
  for (auto& a : apps) {
    SyncRequest req;
    req.revision = flags.revision;
    req.prune = flags.prune;
    req.dry_run = flags.dry_run;
    for (const auto& r : flags.resource_flags) req.resources.push_back(ParseResourceFlag(r, a.destination.namespace_));
    requests.push_back(std::move(req));
  }
  return SyncThroughLock(session, apps, requests, flags.workers, done);
}

std::vector<SyncOutcome> SyncThroughLock(Session& session, std::vector<Application>& apps,
                                         const std::vector<SyncRequest>& requests, int workers,
                                         const std::function<void(const Application&, const SyncOutcome&)>& done) {
  if (session.from_file()) return SyncMany(session.manager(), apps, requests, workers, done);
  kube::Client& client = session.client();
  std::vector<SyncOutcome> out(apps.size());
  std::mutex done_mu;
  auto report = [&](size_t i) {
    if (!done) return;
    std::lock_guard<std::mutex> l(done_mu);
    done(apps[i], out[i]);
  };
  if (ControllerActive(client, session.apps_namespace(), base::RealClock().NowMs())) {
    // A controller runs operations: hand them over and wait.
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next++) < apps.size();) {
        try {
          out[i] = RequestOperation(client, apps[i], requests[i], 900);
        } catch (const std::exception& e) {
          out[i].result.phase = "Error";
          out[i].result.message = e.what();
        }
        report(i);
      }
    };
    std::vector<std::thread> threads;
    for (int t = 1; t < std::min<int>(std::max(workers, 1), static_cast<int>(apps.size())); ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    return out;
  }
  // In-process: claim every app first; only claimed apps are synced.
  std::vector<Application> claimed;
  std::vector<SyncRequest> claimed_requests;
  std::vector<size_t> index;
  for (size_t i = 0; i < apps.size(); ++i) {
    try {
      ClaimOperation(client, apps[i], requests[i], base::RealClock().NowMs());
      claimed.push_back(apps[i]);
      claimed_requests.push_back(requests[i]);
      index.push_back(i);
    } catch (const AppError& e) {
      out[i].result.phase = "Error";
      out[i].result.message = e.what();
      report(i);
    }
  }
  if (claimed.empty()) return out;
  // One list per kind for all of them, kept current by the sync itself.
  session.target().Prefetch(kInstanceLabel, claimed.size() == 1 ? claimed[0].name : "");
  std::vector<SyncOutcome> synced = SyncMany(session.manager(), claimed, claimed_requests, workers,
                                             [&](const Application& a, const SyncOutcome& o) {
                                               if (!done) return;
                                               std::lock_guard<std::mutex> l(done_mu);
                                               done(a, o);
                                             });
  for (size_t k = 0; k < claimed.size(); ++k) {
    size_t i = index[k];
    out[i] = std::move(synced[k]);
    apps[i] = std::move(claimed[k]);
    if (out[i].result.phase != "Succeeded")
      AbortOperation(client, apps[i], out[i].result.message, base::RealClock().NowMs());  // if the sync threw
  }
  return out;
}

SyncOutcome RollbackApp(Session& session, Application& app, int64_t id, bool prune) {
  if (session.from_file()) return session.manager().Rollback(app, id, prune);
  if (app.sync_policy.automated) throw AppError("rollback cannot be initiated when auto-sync is enabled");
  const yaml::Node* history = app.object.At({"status", "history"});
  if (history && history->IsSeq()) {
    for (const auto& h : history->items) {
      const yaml::Node* hid = h.Get("id");
      if (!hid || hid->AsInt(-1) != id) continue;
      SyncRequest req;
      req.revision = h.StrAt({"revision"});
      req.prune = prune;
      if (const yaml::Node* src = h.Get("source")) {
        yaml::Node fake = app.object;
        fake.GetOrCreateMap("spec").Set("source", *src);
        req.source = ParseApplication(fake, "history").source;
      }
      std::vector<Application> apps{app};
      std::vector<SyncOutcome> out = SyncThroughLock(session, apps, {req}, 1, {});
      app = apps[0];
      return out[0];
    }
  }
  throw AppError("application " + app.name + " does not have deployment id '" + std::to_string(id) + "' in history");
}

WaitResult WaitForApp(Session& session, Application& app, WaitOptions o) {
  if (!o.health && !o.sync) o.health = o.sync = true;
  auto start = std::chrono::steady_clock::now();
  WaitResult r;
  while (true) {
    try {
      session.manager().Refresh(app, RefreshMode::kNormal);
    } catch (const AppError&) {
    }
    r.sync = app.object.StrAt({"status", "sync", "status"});
    r.health = app.object.StrAt({"status", "health", "status"});
    if ((!o.sync || r.sync == "Synced") && (!o.health || r.health == "Healthy")) {
      r.reached = true;
      return r;
    }
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (waited >= o.timeout_seconds) {
      r.notes = session.manager().Notes(app);
      return r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(o.poll_ms));
  }
}

void DeleteApp(Session& session, Application& app, bool cascade) {
  if (session.from_file()) throw AppError("delete works on stored Applications; drop --file");
  session.manager().Delete(app, cascade);
}

}  // namespace capstan::app
