// capstan app: Argo CD-style Applications from Git, synced to a cluster.
//
//   capstan app create -f FILE|DIR          store Applications / AppProjects
//   capstan app list                        NAME SYNC STATUS HEALTH NAMESPACE REVISION NOTES
//   capstan app get NAME                    summary and resources
//   capstan app diff NAME                   live vs Git (exit 1 when different)
//   capstan app sync NAME [--prune] [--dry-run] [--revision R] [--resource G:K:NAME]
//   capstan app history NAME
//   capstan app rollback NAME ID [--prune]
//   capstan app wait NAME [--health] [--sync] [--timeout S]
//   capstan app delete NAME [--cascade=false]
//
// Applications live in the cluster of the kubeconfig (namespace argocd);
// `--file app.yaml` works on Applications from a file instead (nothing
// stored, AppProjects from the same file).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "app/application.h"
#include "app/kube_target.h"
#include "app/manager.h"
#include "app/sync_many.h"
#include "cli/app_print.h"
#include "cli/command.h"
#include "kube/client.h"
#include "yaml/yaml.h"

namespace fs = std::filesystem;

namespace capstan::cli {
namespace {

struct Common {
  std::string kubeconfig, context, file, cache_dir, credentials, output, apps_namespace = "argocd";
  int connections = 2 * app::kDefaultSyncWorkers;  // warm connections kept (>= sync workers)
};

void AddCommon(CLI::App* c, Common& o) {
  c->add_option("--kubeconfig", o.kubeconfig, "Path to the kubeconfig file");
  c->add_option("--context", o.context, "Kubeconfig context");
  c->add_option("--file", o.file, "Work on Applications from this file instead of stored ones");
  c->add_option("--cache-dir", o.cache_dir, "Git cache directory (default $CAPSTAN_HOME/cache)");
  c->add_option("--credentials", o.credentials, "Repository credentials file");
  c->add_option("-o,--output", o.output, "Output format: json|yaml|wide");
  c->add_option("--app-namespace", o.apps_namespace, "Namespace holding Applications");
}

std::vector<yaml::Node> ReadDocs(const std::string& path) {
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
  std::vector<yaml::Node> out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) throw app::AppError(f + ": cannot open file");
    std::stringstream ss;
    ss << in.rdbuf();
    for (auto& d : yaml::ParseAll(ss.str(), f)) {
      if (!d.IsMap()) throw app::AppError(f + ": a document is not a mapping");
      out.push_back(std::move(d));
      out.back().Set("__file", yaml::Node::String(f));
    }
  }
  return out;
}

// Everything a subcommand needs: client, target, manager; built lazily so
// usage errors never touch the network.
struct Env {
  std::unique_ptr<kube::Client> client;
  std::unique_ptr<app::KubeTarget> target;
  std::unique_ptr<app::Manager> manager;
  std::vector<app::Application> file_apps;
  bool from_file = false;
  bool progress = false;  // per-resource progress lines on stderr (a terminal)

  explicit Env(const Common& o) {
    kube::KubeconfigOptions ko;
    ko.explicit_path = o.kubeconfig;
    ko.context = o.context;
    kube::Config cfg = kube::LoadKubeconfig(ko);
    std::string server = cfg.server;
    kube::ClientOptions co = kube::ClientOptionsFromEnv();
    co.max_idle_handles = o.connections;
    client = std::make_unique<kube::Client>(cfg, co);
    target = std::make_unique<app::KubeTarget>(*client, &client->discovery());
    app::ManagerOptions mo;
    mo.cache_dir = o.cache_dir;
    mo.apps_namespace = o.apps_namespace;
    mo.servers = {server};
    mo.fetch_interval_ms = 5000;  // one fetch per repository per command
    if (!o.credentials.empty()) mo.credentials = git::Credentials::Load(o.credentials);
    if (const char* d = getenv("CAPSTAN_SYNC_WAVE_DELAY_MS")) mo.engine.wave_delay_ms = atoll(d);
    else if (const char* d2 = getenv("ARGOCD_SYNC_WAVE_DELAY")) mo.engine.wave_delay_ms = atoll(d2) * 1000;
    progress = isatty(STDERR_FILENO);
    if (progress)
      mo.progress = [](const std::string& app, const std::string& line) {
        std::fprintf(stderr, "%s: %s\n", app.c_str(), line.c_str());
      };
    manager = std::make_unique<app::Manager>(*target, mo);
    if (!o.file.empty()) {
      from_file = true;
      for (auto& d : ReadDocs(o.file)) {
        std::string where = d.StrAt({"__file"});
        d.Remove("__file");
        std::string kind = d.StrAt({"kind"});
        if (kind == "Application") file_apps.push_back(app::ParseApplication(d, where));
        else if (kind == "AppProject") manager->UseProject(app::ParseAppProject(d, where));
      }
    }
  }

  std::vector<app::Application> Apps() { return from_file ? file_apps : manager->List(); }
  app::Application App(const std::string& name) {
    if (!from_file) return manager->Get(name);
    for (const auto& a : file_apps)
      if (a.name == name) return a;
    throw app::AppError("application \"" + name + "\" not found in the file");
  }
};

int Fail(const std::string& msg) {
  std::fprintf(stderr, "capstan app: %s\n", msg.c_str());
  return 1;
}

void PrintObject(const yaml::Node& obj, const std::string& format) {
  if (format == "json") std::cout << yaml::EmitJson(obj, 2) << "\n";
  else std::cout << yaml::EmitYaml(obj);
}

int Run(int argc, char** argv) {
  CLI::App cli{"Applications from Git, synced to a cluster", "capstan app"};
  cli.require_subcommand(1);
  Common o;

  std::string name, revision, id_text;
  bool prune = false, dry_run = false, refresh = true, hard = false, want_health = false,
       want_sync = false, cascade = true, upsert = true;
  std::vector<std::string> resources;
  double timeout = 300;
  std::string create_path;

  auto* create = cli.add_subcommand("create", "Store Applications and AppProjects from a file or directory");
  create->add_option("-f,--filename", create_path, "File or directory")->required();
  create->add_flag("--upsert,!--no-upsert", upsert, "Replace existing objects (default)");
  auto* list = cli.add_subcommand("list", "List Applications");
  list->add_flag("--refresh,!--no-refresh", refresh, "Refresh from Git before listing (default)");
  list->add_flag("--hard-refresh", hard, "Bypass the render cache");
  auto* get = cli.add_subcommand("get", "Show one Application");
  get->add_option("NAME", name)->required();
  get->add_flag("--refresh,!--no-refresh", refresh, "Refresh from Git (default)");
  get->add_flag("--hard-refresh", hard, "Bypass the render cache");
  auto* diffc = cli.add_subcommand("diff", "Diff live objects against Git (exit 1 when different)");
  diffc->add_option("NAME", name)->required();
  diffc->add_option("--revision", revision, "Compare against this revision");
  diffc->add_flag("--hard-refresh", hard, "Bypass the render cache");
  std::vector<std::string> names;
  std::string selector;
  auto* syncc = cli.add_subcommand("sync", "Sync Applications (by name or -l label selector)");
  syncc->add_option("NAME", names, "Application names");
  syncc->add_option("-l,--selector", selector, "Sync every Application with this label (key=value)");
  syncc->add_flag("--prune", prune, "Delete resources no longer in Git");
  syncc->add_flag("--dry-run", dry_run, "Validate without changing anything");
  syncc->add_option("--revision", revision, "Sync this revision instead of targetRevision");
  syncc->add_option("--resource", resources, "Selective sync: GROUP:KIND:NAME or GROUP:KIND:NAMESPACE/NAME");
  int workers = app::kDefaultSyncWorkers;
  syncc->add_option("--workers", workers, "Applications synced in parallel (default 10)")->check(CLI::Range(1, 100));
  auto* history = cli.add_subcommand("history", "Deployment history");
  history->add_option("NAME", name)->required();
  auto* rollback = cli.add_subcommand("rollback", "Sync the revision of a history entry");
  rollback->add_option("NAME", name)->required();
  rollback->add_option("ID", id_text)->required();
  rollback->add_flag("--prune", prune, "Delete resources not in that revision");
  auto* wait = cli.add_subcommand("wait", "Wait until an Application is healthy and/or synced");
  wait->add_option("NAME", name)->required();
  wait->add_flag("--health", want_health, "Wait for Healthy");
  wait->add_flag("--sync", want_sync, "Wait for Synced");
  wait->add_option("--timeout", timeout, "Seconds (default 300)");
  auto* del = cli.add_subcommand("delete", "Delete an Application");
  del->add_option("NAME", name)->required();
  del->add_flag("--cascade,!--no-cascade", cascade, "Delete its resources too (default true)");
  for (auto* c : {create, list, get, diffc, syncc, history, rollback, wait, del}) AddCommon(c, o);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  if (!o.output.empty() && o.output != "json" && o.output != "yaml" && o.output != "wide") {
    std::fprintf(stderr, "capstan app: --output must be json, yaml or wide\n");
    return 2;
  }
  app::RefreshMode mode = hard ? app::RefreshMode::kHard : app::RefreshMode::kNormal;
  o.connections = std::max(o.connections, workers);

  try {
    Env env(o);
    app::Manager& m = *env.manager;

    if (create->parsed()) {
      std::vector<yaml::Node> docs = ReadDocs(create_path);
      // Validate everything before storing anything.
      for (auto& d : docs) {
        std::string where = d.StrAt({"__file"});
        std::string kind = d.StrAt({"kind"});
        yaml::Node clean = d;
        clean.Remove("__file");
        if (kind == "Application") app::ParseApplication(clean, where);
        else if (kind == "AppProject") app::ParseAppProject(clean, where);
        else
          throw app::AppError(where + ": " + kind + " " + d.StrAt({"metadata", "name"}) +
                              ": kind: must be Application or AppProject");
      }
      // Projects first, so Applications find theirs.
      std::stable_sort(docs.begin(), docs.end(), [](const yaml::Node& a, const yaml::Node& b) {
        return (a.StrAt({"kind"}) == "AppProject") > (b.StrAt({"kind"}) == "AppProject");
      });
      for (auto& d : docs) {
        std::string where = d.StrAt({"__file"});
        d.Remove("__file");
        if (!upsert) {
          std::string kind = d.StrAt({"kind"});
          // Existing objects are an error without --upsert.
          bool exists = false;
          try {
            if (kind == "Application") exists = (m.Get(d.StrAt({"metadata", "name"})), true);
          } catch (const app::AppError&) {
          }
          if (exists) throw app::AppError(where + ": " + kind + " " + d.StrAt({"metadata", "name"}) + " already exists");
        }
        std::cout << m.Store(d, where) << " created\n";
      }
      return 0;
    }

    if (list->parsed()) {
      std::vector<app::Application> apps = env.Apps();
      std::vector<AppRow> rows;
      if (refresh) env.target->Prefetch(app::kInstanceLabel);
      for (auto& a : apps) {
        if (refresh) {
          try {
            m.Refresh(a, mode);
          } catch (const app::AppError&) {
            // recorded in status.conditions; shown in NOTES
          }
        }
        rows.push_back(RowOf(a, m.Notes(a)));
      }
      if (o.output == "json" || o.output == "yaml") {
        yaml::Node listobj = yaml::Node::Map();
        listobj.Set("apiVersion", yaml::Node::String("argoproj.io/v1alpha1"));
        listobj.Set("kind", yaml::Node::String("ApplicationList"));
        yaml::Node items = yaml::Node::Seq();
        for (const auto& a : apps) items.items.push_back(a.object);
        listobj.Set("items", items);
        PrintObject(listobj, o.output);
      } else {
        PrintAppTable(std::cout, rows);
      }
      return 0;
    }

    if (syncc->parsed()) {
      std::vector<app::Application> apps;
      if (!selector.empty()) {
        auto eq = selector.find('=');
        std::string key = selector.substr(0, eq), value = eq == std::string::npos ? "" : selector.substr(eq + 1);
        for (auto& a : env.Apps()) {
          const yaml::Node* labels = a.object.At({"metadata", "labels"});
          const yaml::Node* v = labels ? labels->Get(key) : nullptr;
          if (v && (eq == std::string::npos || v->value == value)) apps.push_back(a);
        }
        if (apps.empty()) return Fail("no application matches -l " + selector);
      }
      for (const auto& n : names) apps.push_back(env.App(n));
      if (apps.empty()) {
        std::fprintf(stderr, "capstan app sync: give NAME or -l SELECTOR\n");
        return 2;
      }
      std::vector<app::SyncRequest> requests;
      for (auto& a : apps) {
        app::SyncRequest req;
        req.revision = revision;
        req.prune = prune;
        req.dry_run = dry_run;
        for (const auto& r : resources) req.resources.push_back(ParseResourceFlag(r, a.destination.namespace_));
        requests.push_back(std::move(req));
      }
      // One list per kind for all of them, kept current by the sync itself.
      if (!env.from_file) env.target->Prefetch(app::kInstanceLabel, apps.size() == 1 ? apps[0].name : "");
      size_t finished = 0;
      auto done = [&](const app::Application& a, const app::SyncOutcome& out) {
        ++finished;
        if (apps.size() > 1 && env.progress)
          std::fprintf(stderr, "[%zu/%zu] %s: %s (%s, %s)\n", finished, apps.size(), a.name.c_str(),
                       out.result.phase.c_str(), out.after.sync_status.c_str(), out.after.health.c_str());
      };
      std::vector<app::SyncOutcome> outs = app::SyncMany(m, apps, requests, workers, done);
      bool all_ok = true;
      std::vector<SyncRow> rows;
      for (size_t i = 0; i < apps.size(); ++i) {
        const app::Application& a = apps[i];
        const app::SyncOutcome& out = outs[i];
        all_ok = all_ok && out.result.phase == "Succeeded";
        if (apps.size() == 1) {
          if (o.output == "json" || o.output == "yaml") PrintObject(a.object, o.output);
          else PrintSyncResult(std::cout, a, out);
        } else {
          rows.push_back({a.name, out.result.phase, out.after.sync_status, out.after.health, out.result.message});
        }
      }
      if (apps.size() > 1) PrintSyncTable(std::cout, rows);
      return all_ok ? 0 : 1;
    }

    app::Application a = env.App(name);

    if (get->parsed()) {
      std::string error;
      if (refresh || hard) {
        try {
          m.Refresh(a, mode);
        } catch (const app::AppError& e) {
          error = e.what();
        }
      }
      if (o.output == "json" || o.output == "yaml") PrintObject(a.object, o.output);
      else PrintAppDetails(std::cout, a, m.Notes(a));
      return error.empty() ? 0 : 1;
    }

    if (diffc->parsed()) {
      app::Comparison c;
      try {
        c = m.Refresh(a, mode, revision);
      } catch (const app::AppError& e) {
        std::fprintf(stderr, "capstan app: %s\n", e.what());
        return 2;
      }
      bool any = false;
      for (const auto& r : c.resources) {
        if (r.status == "Synced" || r.hook) continue;
        any = true;
        std::cout << "===== " << r.id.gvk.group << "/" << r.id.gvk.kind << " " << r.id.ns << "/" << r.id.name
                  << " ======\n";
        if (r.requires_pruning) std::cout << "(requires pruning: not in Git)\n";
        else if (!r.error.empty()) std::cout << "(unknown: " << r.error << ")\n";
        else std::cout << r.diff;
        if (!r.diff.empty() && r.diff.back() != '\n') std::cout << "\n";
      }
      return any ? 1 : 0;
    }

    if (history->parsed()) {
      if (o.output == "json" || o.output == "yaml") {
        const yaml::Node* h = a.object.At({"status", "history"});
        PrintObject(h ? *h : yaml::Node::Seq(), o.output);
      } else {
        PrintHistory(std::cout, a);
      }
      return 0;
    }

    if (rollback->parsed()) {
      int64_t id;
      try {
        size_t used = 0;
        id = std::stoll(id_text, &used);
        if (used != id_text.size()) throw std::invalid_argument("");
      } catch (...) {
        std::fprintf(stderr, "capstan app rollback: ID must be a history id (see capstan app history %s)\n",
                     name.c_str());
        return 2;
      }
      app::SyncOutcome out = m.Rollback(a, id, prune);
      PrintSyncResult(std::cout, a, out);
      return out.result.phase == "Succeeded" ? 0 : 1;
    }

    if (wait->parsed()) {
      if (!want_health && !want_sync) want_health = want_sync = true;
      auto start = std::chrono::steady_clock::now();
      std::string last;
      while (true) {
        try {
          m.Refresh(a, app::RefreshMode::kNormal);
        } catch (const app::AppError& e) {
          last = e.what();
        }
        std::string sync = a.object.StrAt({"status", "sync", "status"});
        std::string health = a.object.StrAt({"status", "health", "status"});
        bool ok = (!want_sync || sync == "Synced") && (!want_health || health == "Healthy");
        if (ok) {
          std::cout << a.name << ": " << sync << ", " << health << "\n";
          return 0;
        }
        double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (waited >= timeout) {
          std::string notes = m.Notes(a);
          return Fail("timed out after " + std::to_string(static_cast<int>(timeout)) + "s waiting for " + a.name +
                      " (sync " + sync + ", health " + health + (notes.empty() ? "" : ": " + notes) + ")");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
    }

    if (del->parsed()) {
      if (env.from_file) return Fail("delete works on stored Applications; drop --file");
      m.Delete(a, cascade);
      std::cout << "application.argoproj.io/" << a.name << " deleted\n";
      return 0;
    }
  } catch (const app::AppError& e) {
    return Fail(e.what());
  } catch (const git::GitError& e) {
    return Fail(e.what());
  } catch (const kube::ConfigError& e) {
    return Fail(e.what());
  } catch (const kube::KubeError& e) {
    return Fail(e.what());
  } catch (const sync::TargetError& e) {
    return Fail(e.what());
  } catch (const yaml::ParseError& e) {
    return Fail(e.what());
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
  return 0;
}

Command kCmd("app", "Applications from Git, synced to a cluster (Argo CD-style)", Run);

}  // namespace
}  // namespace capstan::cli
