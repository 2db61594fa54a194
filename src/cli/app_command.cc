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
#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "cli/app_print.h"
#include "cli/command.h"
#include "cli/kube_flags.h"
#include "delivery/unseal_sync.h"
#include "kube/client.h"
#include "yaml/yaml.h"

namespace capstan::cli {
namespace {

void AddCommon(CLI::App* c, app::SessionOptions& o, KubeFlags& kube_flags, std::string& output) {
  AddKubeFlags(c, &kube_flags);
  c->add_option("--file", o.file, "Work on Applications from this file instead of stored ones");
  c->add_option("--cache-dir", o.cache_dir, "Git cache directory (default $CAPSTAN_HOME/cache)");
  c->add_option("--credentials", o.credentials, "Repository credentials file");
  c->add_option("-o,--output", output, "Output format: json|yaml|wide");
  c->add_option("--app-namespace", o.apps_namespace, "Namespace holding Applications");
}

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
  app::SessionOptions o;
  KubeFlags kube_flags;  // app::Session loads them (kube::LoadKubeconfig)
  std::string output;

  std::string name, revision, id_text;
  bool prune = false, refresh = true, hard = false, cascade = true, upsert = true;
  app::SyncFlags sync_flags;
  app::WaitOptions wait_options;
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
  syncc->add_flag("--prune", sync_flags.prune, "Delete resources no longer in Git");
  syncc->add_flag("--dry-run", sync_flags.dry_run, "Validate without changing anything");
  syncc->add_option("--revision", sync_flags.revision, "Sync this revision instead of targetRevision");
  syncc->add_option("--resource", sync_flags.resource_flags, "Selective sync: GROUP:KIND:NAME or GROUP:KIND:NAMESPACE/NAME");
  syncc->add_option("--workers", sync_flags.workers, "Applications synced in parallel (default 10)")->check(CLI::Range(1, 100));
  auto* history = cli.add_subcommand("history", "Deployment history");
  history->add_option("NAME", name)->required();
  auto* rollback = cli.add_subcommand("rollback", "Sync the revision of a history entry");
  rollback->add_option("NAME", name)->required();
  rollback->add_option("ID", id_text)->required();
  rollback->add_flag("--prune", prune, "Delete resources not in that revision");
  auto* wait = cli.add_subcommand("wait", "Wait until an Application is healthy and/or synced");
  wait->add_option("NAME", name)->required();
  wait->add_flag("--health", wait_options.health, "Wait for Healthy");
  wait->add_flag("--sync", wait_options.sync, "Wait for Synced");
  wait->add_option("--timeout", wait_options.timeout_seconds, "Seconds (default 300)");
  auto* del = cli.add_subcommand("delete", "Delete an Application");
  del->add_option("NAME", name)->required();
  del->add_flag("--cascade,!--no-cascade", cascade, "Delete its resources too (default true)");
  for (auto* c : {create, list, get, diffc, syncc, history, rollback, wait, del}) AddCommon(c, o, kube_flags, output);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  o.kubeconfig = kube_flags.kubeconfig;
  o.context = kube_flags.context;
  if (!output.empty() && output != "json" && output != "yaml" && output != "wide") {
    std::fprintf(stderr, "capstan app: --output must be json, yaml or wide\n");
    return 2;
  }
  app::RefreshMode mode = hard ? app::RefreshMode::kHard : app::RefreshMode::kNormal;
  o.connections = std::max(o.connections, sync_flags.workers);
  bool progress = isatty(STDERR_FILENO);
  if (progress)
    o.progress = [](const std::string& app, const std::string& line) {
      std::fprintf(stderr, "%s: %s\n", app.c_str(), line.c_str());
    };

  // As the sealed-secrets controller would: SealedSecrets of a synced app
  // become Secrets (refusals are reported in the operation's message).
  o.after_sync = [](const std::vector<yaml::Node>& desired, capstan::sync::Target& target) {
    capstan::delivery::UnsealReport r = capstan::delivery::UnsealSealedSecrets(target, desired);
    std::vector<std::string> lines;
    for (const std::string& s : r.unsealed) lines.push_back("unsealed Secret " + s);
    for (const std::string& s : r.refused) lines.push_back(s);
    return lines;
  };

  try {
    app::Session env(o);
    app::Manager& m = env.manager();

    if (create->parsed()) {
      app::CreateApps(env, create_path, upsert, [](const std::string& id) { std::cout << id << " created\n"; });
      return 0;
    }

    if (list->parsed()) {
      std::vector<app::Application> apps = app::ListApps(env, refresh, mode);
      if (output == "json" || output == "yaml") {
        yaml::Node listobj = yaml::Node::Map();
        listobj.Set("apiVersion", yaml::Node::String("argoproj.io/v1alpha1"));
        listobj.Set("kind", yaml::Node::String("ApplicationList"));
        yaml::Node items = yaml::Node::Seq();
        for (const auto& a : apps) items.items.push_back(a.object);
        listobj.Set("items", items);
        PrintObject(listobj, output);
      } else {
        std::vector<AppRow> rows;
        for (const auto& a : apps) rows.push_back(RowOf(a, m.Notes(a)));
        PrintAppTable(std::cout, rows);
      }
      return 0;
    }

    if (syncc->parsed()) {
      if (names.empty() && selector.empty()) {
        std::fprintf(stderr, "capstan app sync: give NAME or -l SELECTOR\n");
        return 2;
      }
      std::vector<app::Application> apps = app::SelectApps(env, names, selector);
      size_t finished = 0;
      auto done = [&](const app::Application& a, const app::SyncOutcome& out) {
        ++finished;
        if (apps.size() > 1 && progress)
          std::fprintf(stderr, "[%zu/%zu] %s: %s (%s, %s)\n", finished, apps.size(), a.name.c_str(),
                       out.result.phase.c_str(), out.after.sync_status.c_str(), out.after.health.c_str());
      };
      std::vector<app::SyncOutcome> outs = app::SyncApps(env, apps, sync_flags, done);
      bool all_ok = true;
      std::vector<SyncRow> rows;
      for (size_t i = 0; i < apps.size(); ++i) {
        const app::Application& a = apps[i];
        const app::SyncOutcome& out = outs[i];
        all_ok = all_ok && out.result.phase == "Succeeded";
        if (apps.size() == 1) {
          if (output == "json" || output == "yaml") PrintObject(a.object, output);
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
      std::string error = app::GetApp(env, a, refresh || hard, mode);
      if (output == "json" || output == "yaml") PrintObject(a.object, output);
      else PrintAppDetails(std::cout, a, m.Notes(a));
      return error.empty() ? 0 : 1;
    }

    if (diffc->parsed()) {
      std::vector<app::ResourceState> differing;
      try {
        differing = app::DiffApp(env, a, mode, revision);
      } catch (const app::AppError& e) {
        std::fprintf(stderr, "capstan app: %s\n", e.what());
        return 2;
      }
      for (const auto& r : differing) {
        std::cout << "===== " << r.id.gvk.group << "/" << r.id.gvk.kind << " " << r.id.ns << "/" << r.id.name
                  << " ======\n";
        if (r.requires_pruning) std::cout << "(requires pruning: not in Git)\n";
        else if (!r.error.empty()) std::cout << "(unknown: " << r.error << ")\n";
        else std::cout << r.diff;
        if (!r.diff.empty() && r.diff.back() != '\n') std::cout << "\n";
      }
      return differing.empty() ? 0 : 1;
    }

    if (history->parsed()) {
      if (output == "json" || output == "yaml") {
        const yaml::Node* h = a.object.At({"status", "history"});
        PrintObject(h ? *h : yaml::Node::Seq(), output);
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
      app::SyncOutcome out = app::RollbackApp(env, a, id, prune);
      PrintSyncResult(std::cout, a, out);
      return out.result.phase == "Succeeded" ? 0 : 1;
    }

    if (wait->parsed()) {
      app::WaitResult r = app::WaitForApp(env, a, wait_options);
      if (r.reached) {
        std::cout << a.name << ": " << r.sync << ", " << r.health << "\n";
        return 0;
      }
      return Fail("timed out after " + std::to_string(static_cast<int>(wait_options.timeout_seconds)) +
                  "s waiting for " + a.name + " (sync " + r.sync + ", health " + r.health +
                  (r.notes.empty() ? "" : ": " + r.notes) + ")");
    }

    if (del->parsed()) {
      app::DeleteApp(env, a, cascade);
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
