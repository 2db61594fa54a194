#include "app/manager.h"
#include "app/pre_sync_checks.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "app/operation_lock.h"
#include "app/project.h"
#include "app/status.h"
#include "sync/plan.h"
#include "yaml/yaml.h"

namespace fs = std::filesystem;

namespace capstan::app {
namespace {

using yaml::Node;

const resource::Gvk kAppGvk{"argoproj.io", "v1alpha1", "Application"};
const resource::Gvk kProjectGvk{"argoproj.io", "v1alpha1", "AppProject"};

const char* kCrdTemplate = R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: PLURAL.argoproj.io
spec:
  group: argoproj.io
  names:
    kind: KIND
    listKind: KINDList
    plural: PLURAL
    singular: SINGULAR
    shortNames: [SHORT]
  scope: Namespaced
  versions:
  - name: v1alpha1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
    additionalPrinterColumns:
    - name: Sync Status
      type: string
      jsonPath: .status.sync.status
    - name: Health Status
      type: string
      jsonPath: .status.health.status
)";

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
  return s;
}

Node Crd(const std::string& kind, const std::string& plural, const std::string& singular,
         const std::string& shortname) {
  std::string text = Replace(Replace(Replace(Replace(kCrdTemplate, "PLURAL", plural), "SINGULAR", singular),
                                     "KIND", kind),
                             "SHORT", shortname);
  return yaml::ParseOne(text, "<builtin CRD>");
}

Node& StatusOf(Application& app) { return app.object.GetOrCreateMap("status"); }

// The status keys a refresh writes; a sync's final write adds
// operationState (and appends to history).
const std::vector<std::string> kComparisonKeys = {"sync",    "health",     "resources",   "summary",
                                                  "sourceType", "reconciledAt", "conditions"};
std::vector<std::string> OperationKeys() {
  std::vector<std::string> keys = kComparisonKeys;
  keys.push_back("operationState");
  return keys;
}

std::string SourceType(const std::string& root, const Source& s) {
  fs::path dir = fs::path(root) / s.path;
  if (s.helm) return "Helm";
  for (const char* n : {"kustomization.yaml", "kustomization.yml", "Kustomization"})
    if (fs::exists(dir / n)) return "Kustomize";
  if (!s.directory && fs::exists(dir / "Chart.yaml")) return "Helm";
  return "Directory";
}

}  // namespace

Manager::Manager(sync::Target& target, ManagerOptions options)
    : target_(target), options_(std::move(options)) {
  clock_ = options_.clock ? options_.clock : &base::RealClock();
  if (options_.cache_dir.empty()) {
    const char* home = getenv("CAPSTAN_HOME");
    const char* h = getenv("HOME");
    options_.cache_dir = home ? std::string(home) + "/cache" : std::string(h ? h : "/tmp") + "/.capstan/cache";
  }
  repos_ = std::make_unique<git::RepoCache>(options_.cache_dir + "/git", options_.credentials);
}

Manager::~Manager() = default;

// --- stored objects -----------------------------------------------------------

std::vector<Application> Manager::List() {
  std::vector<Application> out;
  std::vector<Node> objs;
  try {
    objs = target_.List(kAppGvk, options_.apps_namespace);
  } catch (const sync::TargetError& e) {
    if (e.code() == 404) return out;  // no CRD yet: no applications
    throw AppError(std::string("listing applications: ") + e.what());
  }
  for (const auto& o : objs) out.push_back(ParseApplication(o, "cluster"));
  std::sort(out.begin(), out.end(), [](const Application& a, const Application& b) { return a.name < b.name; });
  return out;
}

Application Manager::Get(const std::string& name) {
  std::optional<Node> obj;
  try {
    obj = target_.Get({kAppGvk, options_.apps_namespace, name});
  } catch (const sync::TargetError& e) {
    if (e.code() != 404) throw AppError(std::string("application ") + name + ": " + e.what());
  }
  if (!obj) throw AppError("application \"" + name + "\" not found in namespace " + options_.apps_namespace);
  return ParseApplication(*obj, "cluster");
}

AppProject Manager::Project(const std::string& name) {
  for (const auto& p : file_projects_)
    if (p.name == name) return p;
  std::optional<Node> obj;
  try {
    obj = target_.Get({kProjectGvk, options_.apps_namespace, name});
  } catch (const sync::TargetError& e) {
    if (e.code() != 404) throw AppError(std::string("project ") + name + ": " + e.what());
  }
  if (obj) return ParseAppProject(*obj, "cluster");
  if (name == "default") return DefaultProject();
  throw AppError("project \"" + name + "\" not found in namespace " + options_.apps_namespace);
}

void Manager::UseProject(const AppProject& project) { file_projects_.push_back(project); }

std::string Manager::Store(const Node& in, const std::string& where) {
  std::string kind = in.StrAt({"kind"});
  if (kind == "Application") ParseApplication(in, where);
  else if (kind == "AppProject") ParseAppProject(in, where);
  else throw AppError(where + ": " + (kind.empty() ? "<no kind>" : kind) + " " + in.StrAt({"metadata", "name"}) +
                      ": kind: must be Application or AppProject");
  Node obj = in;
  Node& meta = obj.GetOrCreateMap("metadata");
  if (obj.StrAt({"metadata", "namespace"}).empty())
    meta.Set("namespace", Node::String(options_.apps_namespace));
  std::string ns = obj.StrAt({"metadata", "namespace"});

  // The argoproj.io kinds and the namespace, created on first use.
  resource::ResId ns_id{{"", "v1", "Namespace"}, "", ns};
  if (!ensured_.count("ns/" + ns) && !target_.Get(ns_id)) {
    Node n = yaml::ParseOne("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n");
    target_.Apply(n, {});
  }
  ensured_.insert("ns/" + ns);
  bool is_app = kind == "Application";
  Node crd = is_app ? Crd("Application", "applications", "application", "app")
                    : Crd("AppProject", "appprojects", "appproject", "appproj");
  resource::ResId crd_id = resource::ResId::Of(crd);
  if (!ensured_.count("crd/" + kind) && !target_.Get(crd_id)) target_.Apply(crd, {});
  ensured_.insert("crd/" + kind);
  // A fresh CRD takes a moment to be served.
  for (int attempt = 0;; ++attempt) {
    try {
      // Keep the stored status when re-applying an Application.
      auto live = target_.Get(resource::ResId::Of(obj));
      if (live && live->Get("status") && !obj.Get("status")) obj.Set("status", *live->Get("status"));
      target_.Apply(obj, {});
      break;
    } catch (const sync::TargetError& e) {
      if (e.code() != 404 || attempt >= 50) throw AppError(where + ": storing " + kind + ": " + e.what());
      clock_->SleepMs(100);
    }
  }
  return (is_app ? "application.argoproj.io/" : "appproject.argoproj.io/") + obj.StrAt({"metadata", "name"});
}

// --- refresh ------------------------------------------------------------------

std::string Manager::ResolveServer(const Application& app) {
  const Destination& d = app.destination;
  if (!d.name.empty()) {
    if (d.name == kInClusterName) return kInClusterServer;
    throw AppError("application destination can't have name \"" + d.name +
                   "\": there is no cluster with this name (known: in-cluster)");
  }
  if (d.server == kInClusterServer) return d.server;
  for (const auto& s : options_.servers)
    if (s == d.server) return d.server;
  throw AppError("application destination {" + d.server + " " + d.namespace_ +
                 "} is invalid: there are no clusters with this URL: " + d.server);
}

std::string Manager::RenderKey(const Application& app, const Source& source, const std::string& commit) {
  return RenderCache::Key(source, commit, app.name + "\n" + app.destination.namespace_);
}

std::vector<Node> Manager::Render(const Application& app, const Source& source, const std::string& commit,
                                  RefreshMode mode) {
  RenderEnv env;
  env.app_name = app.name;
  env.project = app.project;
  env.revision = commit;
  std::string key = RenderKey(app, source, commit);
  std::vector<Node> objects;
  if (mode == RefreshMode::kNormal && render_cache_.Get(key, &objects)) return objects;
  std::string root;
  try {
    root = source.chart.empty() ? repos_->Snapshot(source.repo_url, commit)
                                : FetchRepoChart(options_.cache_dir, source, commit, false, &options_.credentials).dir;
  } catch (const git::GitError& e) {
    throw AppError(e.what());
  }
  try {
    objects = RenderSource(root, source, env, app.destination.namespace_);
  } catch (const AppError& e) {
    throw AppError("application " + app.name + ": " + e.what());
  }
  render_cache_.Put(key, objects);
  return objects;
}

std::vector<Node> Manager::Live(const Application& app) {
  std::vector<Node> live;
  try {
    live = target_.ListByLabel(kInstanceLabel, app.name);
  } catch (const sync::TargetError& e) {
    throw AppError(std::string("listing live objects: ") + e.what());
  }
  std::vector<Node> out;
  for (auto& l : live)
    if (IsTrackedBy(l, app, options_.tracking)) out.push_back(std::move(l));
  return out;
}

void Manager::SetCondition(Application& app, const std::string& type, const std::string& message) {
  Node& status = StatusOf(app);
  Node conds = Node::Seq();
  if (!message.empty()) {
    Node c = Node::Map();
    c.Set("type", Node::String(type));
    c.Set("message", Node::String(message));
    c.Set("lastTransitionTime", Node::String(base::FormatTime(clock_->NowMs())));
    conds.items.push_back(std::move(c));
    status.Set("conditions", conds);
  } else {
    status.Remove("conditions");
  }
}

void Manager::WriteStatus(Application& app, const std::vector<std::string>& keys,
                          const std::function<void(Node& status)>& also) {
  const Node mine = app.object.Get("status") ? *app.object.Get("status") : Node::Map();
  auto change = [&](Node& status) {
    for (const auto& k : keys) {
      if (const Node* v = mine.Get(k)) status.Set(k, *v);
      else status.Remove(k);
    }
    if (also) also(status);
  };
  if (options_.status_client && !app.object.StrAt({"metadata", "resourceVersion"}).empty()) {
    WriteStatusChecked(*options_.status_client, app, change);
    return;
  }
  change(StatusOf(app));
  // Applications from a file (not stored) keep their status in memory.
  try {
    target_.UpdateStatus(app.object);
  } catch (const sync::TargetError& e) {
    if (e.code() == 404) return;
    throw AppError("application " + app.name + ": writing status: " + e.what());
  }
}

Comparison Manager::Refresh(Application& app, RefreshMode mode, const std::string& revision) {
  return Refresh(app, mode, revision, /*write_status=*/true);
}

Comparison Manager::Preview(const Application& app, const std::string& revision) {
  Application copy = app;
  return Refresh(copy, RefreshMode::kNormal, revision, /*write_status=*/false);
}

Comparison Manager::Refresh(Application& app, RefreshMode mode, const std::string& revision, bool write_status) {
  const Source& source = app.source;
  std::string rev = revision.empty() ? source.target_revision : revision;
  try {
    AppProject project = Project(app.project);
    std::string server = ResolveServer(app);
    if (auto e = CheckSource(project, source.repo_url)) throw AppError(*e);
    if (auto e = CheckDestination(project, server, app.destination.name, app.destination.namespace_))
      throw AppError(*e);
    std::string commit;
    try {
      // Concurrent syncs of one repository: the first one fetches, the
      // others wait for it and then read the fresh mirror (resolving is a
      // lookup of a millisecond).
      std::lock_guard<std::mutex> l(fetch_mu_);
      int64_t now = clock_->NowMs();
      auto last = fetched_at_.find(source.repo_url);
      bool fresh = last != fetched_at_.end() && now - last->second < options_.fetch_interval_ms;
      bool fetch = mode == RefreshMode::kHard || (options_.fetch && !fresh);
      // A chart from a Helm repository: the revision is the resolved chart version.
      commit = source.chart.empty() ? repos_->Resolve(source.repo_url, rev, fetch)
                                    : FetchRepoChart(options_.cache_dir, source, rev, fetch, &options_.credentials).version;
      if (fetch) fetched_at_[source.repo_url] = now;
    } catch (const git::GitError& e) {
      throw AppError(e.what());
    }
    std::vector<Node> desired = Render(app, source, commit, mode);
    PrepareDesired(app, options_.tracking, &desired);
    std::vector<std::string> violations = Violations(project, app, server, desired);
    if (!violations.empty()) throw AppError(violations.front());
    Comparison c = Compare(app, desired, Live(app), options_.health);
    c.revision = commit;
    // A revision that fails the pre-sync checks shows it in the conditions
    // (app get/list) and is refused by Sync.
    std::string refusal = PreSyncRefusal(project, app, desired);
    SetCondition(app, refusal.empty() ? "" : "PreSyncChecksFailed", refusal);
    std::string root = source.chart.empty() ? repos_->Snapshot(source.repo_url, commit) : "";
    SetComparisonStatus(StatusOf(app), app, source, c, SourceType(root, source), clock_->NowMs());
    if (write_status) WriteStatus(app, kComparisonKeys);
    return c;
  } catch (const AppError& e) {
    SetCondition(app, "ComparisonError", e.what());
    Node& status = StatusOf(app);
    status.GetOrCreateMap("sync").Set("status", Node::String("Unknown"));
    if (write_status) WriteStatus(app, kComparisonKeys);
    throw;
  }
}

// --- sync ---------------------------------------------------------------------

SyncOutcome Manager::Sync(Application& app, const SyncRequest& req) {
  SyncOutcome out;
  Source source = req.source ? *req.source : app.source;
  std::string rev = req.revision.empty() ? source.target_revision : req.revision;
  OperationInfo op;
  op.prune = req.prune;
  op.dry_run = req.dry_run;
  op.automated = req.automated;
  op.initiated_by = req.initiated_by;
  op.sync_options = app.sync_policy.sync_options;
  op.source = &source;
  if (app.sync_policy.retry) {
    op.has_retry = true;
    op.retry = *app.sync_policy.retry;
  }
  int64_t started = clock_->NowMs();

  auto fail = [&](const std::string& phase, const std::string& message) {
    out.result.phase = phase;
    out.result.message = message;
    out.result.started_ms = started;
    out.result.finished_ms = clock_->NowMs();
    StatusOf(app).Set("operationState", OperationState(op, out.result));
    WriteStatus(app, OperationKeys());
    return out;
  };

  Application target_app = app;
  target_app.source = source;
  Comparison c;
  try {
    // Status is written once, after the operation.
    c = Refresh(target_app, RefreshMode::kNormal, rev, /*write_status=*/false);
  } catch (const AppError& e) {
    app.object = target_app.object;  // carries the condition
    op.revision = rev;
    return fail("Error", e.what());
  }
  app.object = target_app.object;
  op.revision = c.revision;
  out.revision = c.revision;
  // Pre-sync checks (capstan.io/pre-sync-checks on the project or the app):
  // Refresh recorded a refusal in the conditions; nothing is applied.
  if (const Node* conds = app.object.At({"status", "conditions"}); conds != nullptr && conds->IsSeq()) {
    for (const Node& cond : conds->items)
      if (cond.StrAt({"type"}) == "PreSyncChecksFailed") return fail("Failed", cond.StrAt({"message"}));
  }
  if (req.automated && c.desired.empty() && !app.sync_policy.allow_empty)
    return fail("Error", "auto-sync will wipe out all resources; set syncPolicy.automated.allowEmpty to allow it");

  sync::EngineOptions eo = options_.engine;
  if (options_.progress)
    eo.progress = [this, &app](const std::string& line) { options_.progress(app.name, line); };
  if (app.sync_options.create_namespace && !app.destination.namespace_.empty())
    eo.create_namespace = app.destination.namespace_;
  sync::SyncOptions so = app.sync_options;
  so.prune = req.prune;
  so.dry_run = req.dry_run;

  std::vector<Node> desired = c.desired;
  auto attempt = [&]() -> sync::SyncResult {
    sync::PlanInput in;
    in.desired = desired;
    try {
      in.live = Live(target_app);
    } catch (const AppError& e) {
      sync::SyncResult r;
      r.phase = "Error";
      r.message = e.what();
      return r;
    }
    in.options = so;
    if (so.apply_out_of_sync_only) {
      Comparison now = Compare(target_app, desired, in.live, options_.health);
      for (const auto& r : now.resources)
        if (r.status != "Synced") in.out_of_sync.push_back(r.id.String());
    }
    in.only = req.resources;
    sync::HealthFn health = [this](const Node& live) -> sync::Health {
      auto h = health::Assess(live, options_.health);
      if (!h) return {"", ""};
      return {std::string(health::CodeName(h->code)), h->message};
    };
    return sync::RunPlan(sync::BuildPlan(in), so, target_, *clock_, health, eo);
  };
  sync::RetryPolicy policy;
  if (app.sync_policy.retry) policy = *app.sync_policy.retry;
  else policy.limit = 0;
  out.result = sync::RunWithRetry(attempt, policy, *clock_);
  out.result.started_ms = started;
  if (options_.after_sync && out.result.phase == "Succeeded" && !req.dry_run) {
    for (const std::string& line : options_.after_sync(desired, target_)) {
      out.result.message += (out.result.message.empty() ? "" : "; ") + line;
    }
  }

  // Status after the operation: fresh comparison, operation state, history.
  try {
    out.after = Compare(target_app, desired, Live(target_app), options_.health);
    out.after.revision = c.revision;
    std::string root = source.chart.empty() ? repos_->Snapshot(source.repo_url, c.revision) : "";
    SetComparisonStatus(StatusOf(app), target_app, source, out.after, SourceType(root, source), clock_->NowMs());
  } catch (const AppError&) {
  }
  StatusOf(app).Set("operationState", OperationState(op, out.result));
  // The history entry is appended to the stored history as it is when
  // written (again after a conflict), never to a stale copy.
  std::function<void(Node&)> add_history;
  if (out.result.phase == "Succeeded" && !req.dry_run)
    add_history = [&](Node& status) { AppendHistory(status, app, op, out.result); };
  WriteStatus(app, OperationKeys(), add_history);
  return out;
}

SyncOutcome Manager::Rollback(Application& app, int64_t id, bool prune) {
  if (app.sync_policy.automated)
    throw AppError("rollback cannot be initiated when auto-sync is enabled");
  const Node* history = app.object.At({"status", "history"});
  if (history && history->IsSeq()) {
    for (const auto& h : history->items) {
      const Node* hid = h.Get("id");
      if (!hid || hid->AsInt(-1) != id) continue;
      SyncRequest req;
      req.revision = h.StrAt({"revision"});
      req.prune = prune;
      if (const Node* src = h.Get("source")) {
        Node fake = app.object;
        fake.GetOrCreateMap("spec").Set("source", *src);
        req.source = ParseApplication(fake, "history").source;
      }
      return Sync(app, req);
    }
  }
  throw AppError("application " + app.name + " does not have deployment id '" + std::to_string(id) +
                 "' in history");
}

void Manager::Delete(Application& app, bool cascade) {
  if (cascade) {
    sync::PlanInput in;
    in.live = Live(app);
    in.options.prune = true;
    sync::Plan plan = sync::BuildPlan(in);
    // Reverse kind order: workloads before their config, namespaces last.
    for (const auto& t : plan.tasks) {
      sync::DeleteOptions d;
      d.propagation = app.sync_options.prune_propagation;
      target_.Delete(t.id, d);
    }
    // As Argo CD's resources finalizer: the Application goes only once its
    // resources are gone (a foreground delete finishes after its dependents).
    int64_t deadline = clock_->NowMs() + options_.engine.health_timeout_ms;
    for (const auto& t : plan.tasks) {
      while (target_.Get(t.id)) {
        if (clock_->NowMs() >= deadline)
          throw AppError("application " + app.name + ": timed out waiting for " + sync::KubectlName(t.id) +
                         " to be deleted");
        clock_->SleepMs(200);
      }
    }
  }
  target_.Delete({kAppGvk, app.namespace_, app.name}, {});
}

// --- notes --------------------------------------------------------------------

std::string Manager::PodReason(const resource::ResId& w) {
  std::optional<Node> live = target_.Get(w);
  if (!live) return "";
  const Node* match = live->At({"spec", "selector", "matchLabels"});
  if (!match || !match->IsMap()) return "";
  std::vector<Node> pods;
  try {
    pods = target_.List({"", "v1", "Pod"}, w.ns);
  } catch (const sync::TargetError&) {
    return "";
  }
  for (const auto& pod : pods) {
    const Node* labels = pod.At({"metadata", "labels"});
    bool ok = labels != nullptr;
    for (const auto& f : match->fields) {
      if (!ok) break;
      const Node* v = labels->Get(f.key.value);
      ok = v && v->value == f.value.value;
    }
    if (!ok) continue;
    const Node* statuses = pod.At({"status", "containerStatuses"});
    if (!statuses || !statuses->IsSeq()) continue;
    for (const auto& cs : statuses->items) {
      std::string waiting = cs.StrAt({"state", "waiting", "reason"});
      if (!waiting.empty() && waiting != "ContainerCreating" && waiting != "PodInitializing") return waiting;
      std::string term = cs.StrAt({"state", "terminated", "reason"});
      if (!term.empty() && term != "Completed") return term;
    }
  }
  return "";
}

std::string Manager::Notes(const Application& app) {
  const Node& s = app.object;
  if (const Node* conds = s.At({"status", "conditions"}); conds && conds->IsSeq() && !conds->items.empty())
    return conds->items[0].StrAt({"message"});
  std::string op_phase = s.StrAt({"status", "operationState", "phase"});
  std::string health = s.StrAt({"status", "health", "status"});
  // The resource deciding the health, with the pod-level reason if any.
  if (!health.empty() && health != "Healthy") {
    const Node* resources = s.At({"status", "resources"});
    if (resources && resources->IsSeq()) {
      for (const auto& r : resources->items) {
        if (r.StrAt({"health", "status"}) != health) continue;
        resource::ResId id{{r.StrAt({"group"}), r.StrAt({"version"}), r.StrAt({"kind"})},
                           r.StrAt({"namespace"}), r.StrAt({"name"})};
        std::string reason;
        if (id.gvk.kind == "Deployment" || id.gvk.kind == "StatefulSet" || id.gvk.kind == "DaemonSet" ||
            id.gvk.kind == "ReplicaSet")
          reason = PodReason(id);
        if (reason.empty()) reason = r.StrAt({"health", "message"});
        if (reason.empty()) reason = health;
        return id.name + " " + id.gvk.kind + (reason.empty() ? "" : ": " + reason);
      }
    }
  }
  if (op_phase == "Failed" || op_phase == "Error") return s.StrAt({"status", "operationState", "message"});
  if (s.StrAt({"status", "sync", "status"}) == "OutOfSync") {
    const Node* resources = s.At({"status", "resources"});
    int out_of_sync = 0, prune = 0;
    if (resources && resources->IsSeq()) {
      for (const auto& r : resources->items) {
        if (r.StrAt({"status"}) != "OutOfSync") continue;
        if (r.Get("requiresPruning")) ++prune;
        else ++out_of_sync;
      }
    }
    std::string note;
    if (out_of_sync) note = std::to_string(out_of_sync) + " resource(s) OutOfSync";
    if (prune) note += std::string(note.empty() ? "" : ", ") + std::to_string(prune) + " require pruning";
    return note;
  }
  return "";
}

}  // namespace capstan::app
