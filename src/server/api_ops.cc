// Sync, rollback and terminate: in-process through app::Manager (claimed
// as app/operation_lock.h says) unless a controller holds its lease.
#include <algorithm>
#include <ctime>

#include "app/application.h"
#include "app/operation_lock.h"
#include "base/clock.h"
#include "server/api_internal.h"

namespace capstan::server {

using yaml::Node;

namespace {

thread_local const std::atomic<bool>* t_terminate = nullptr;

int64_t ParseTime(const std::string& s) {
  struct tm tm = {};
  if (!strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  return timegm(&tm);
}

const char kInProgress[] = "another operation is already in progress";

Node Op(const std::string& op, const std::string& path, const Node* value = nullptr) {
  Node n = Node::Map();
  n.Set("op", Node::String(op));
  n.Set("path", Node::String(path));
  if (value) n.Set("value", *value);
  return n;
}

// Patches app `name` with the JSON patch `build` makes from the stored
// object, tested against its resourceVersion; after a conflict (another
// writer in between) reads again and builds again. `build` returns false
// to write nothing (the object is returned as read). Throws KubeError.
Node PatchChecked(kube::ResourceClient& client, const std::string& ns, const std::string& name,
                  const std::function<bool(const Node& obj, Node& ops)>& build) {
  for (int attempt = 1;; ++attempt) {
    Node obj = client.Get({kApplicationGvk, ns, name});
    Node ops = Node::Seq();
    Node rv = Node::String(obj.StrAt({"metadata", "resourceVersion"}));
    ops.items.push_back(Op("test", "/metadata/resourceVersion", &rv));
    if (!build(obj, ops)) return obj;
    kube::PatchOptions po;
    po.type = kube::PatchType::kJson;
    try {
      return client.Patch({kApplicationGvk, ns, name}, ops, po);
    } catch (const kube::KubeError& e) {
      if ((e.code != 409 && e.code != 422) || attempt >= app::kStatusWriteAttempts) throw;
    }
  }
}

bool InProgress(const Node& obj) {
  std::string phase = obj.StrAt({"status", "operationState", "phase"});
  const Node* op = obj.Get("operation");
  return (op && !op->IsNull()) || phase == "Running" || phase == "Terminating";
}

}  // namespace

bool OperationTerminateRequested() { return t_terminate && t_terminate->load(); }

bool Api::ControllerActive() {
  if (app::ControllerActive(client_, options_.ns, base::RealClock().NowMs())) return true;
  try {
    Node lease = client_.Get({{"coordination.k8s.io", "v1", "Lease"}, options_.ns, "argocd-application-controller"});
    int64_t renew = ParseTime(lease.StrAt({"spec", "renewTime"}));
    const Node* dur = lease.At({"spec", "leaseDurationSeconds"});
    int64_t d = dur ? dur->AsInt(15) : 15;
    return !lease.StrAt({"spec", "holderIdentity"}).empty() && renew + d >= NowSeconds();
  } catch (const std::exception&) {
    return false;
  }
}

void Api::JoinEndedThreadsLocked() {
  // Threads of operations that ended are joined here, so a long-running
  // server does not keep one per sync, rollback or webhook refresh.
  for (auto it = op_threads_.begin(); it != op_threads_.end();) {
    auto done = std::find(finished_op_threads_.begin(), finished_op_threads_.end(), it->get_id());
    if (done == finished_op_threads_.end()) {
      ++it;
      continue;
    }
    finished_op_threads_.erase(done);
    it->join();  // it only returns now: it released ops_mu_ for the last time
    it = op_threads_.erase(it);
  }
}

bool Api::StartOperation(const std::string& name, std::function<void()> op) {
  std::lock_guard<std::mutex> l(ops_mu_);
  if (stopping_ || running_ops_.count(name)) return false;
  running_ops_[name] = RunningOp{};
  JoinEndedThreadsLocked();
  op_threads_.emplace_back([this, name, op = std::move(op)] {
    op();
    std::lock_guard<std::mutex> g(ops_mu_);
    running_ops_.erase(name);
    finished_op_threads_.push_back(std::this_thread::get_id());
  });
  return true;
}

Response Api::SyncApp(Call& c, const std::string& name) {
  Response denied;
  auto a = AppFor(c, name, "sync", &denied);
  if (!a) return denied;
  Response err;
  auto body = Body(c.req, &err);
  if (!body) return err;
  app::SyncRequest req;
  req.revision = body->StrAt({"revision"});
  req.prune = body->Get("prune") && body->Get("prune")->AsBool();
  req.dry_run = body->Get("dryRun") && body->Get("dryRun")->AsBool();
  req.initiated_by = c.who->user;
  Node sync = Node::Map();
  if (!req.revision.empty()) sync.Set("revision", Node::String(req.revision));
  sync.Set("prune", Node::Bool(req.prune));
  sync.Set("dryRun", Node::Bool(req.dry_run));
  if (const Node* rs = body->Get("resources"); rs && rs->IsSeq() && !rs->items.empty()) {
    sync.Set("resources", *rs);
    for (const auto& r : rs->items) {
      if (r.StrAt({"kind"}).empty() || r.StrAt({"name"}).empty())
        return ErrorResponse(400, "request body: resources[] need kind and name");
      req.resources.push_back(r.StrAt({"group"}) + "/" + r.StrAt({"kind"}) + "/" + r.StrAt({"namespace"}) + "/" +
                              r.StrAt({"name"}));
    }
  }
  if (const Node* so = body->At({"syncOptions", "items"}); so && so->IsSeq()) sync.Set("syncOptions", *so);
  Node operation = Node::Map();
  Node by = Node::Map();
  by.Set("username", Node::String(c.who->user));
  operation.Set("initiatedBy", by);
  operation.Set("sync", sync);
  if (ControllerActive()) {
    // As Argo CD's SetAppOperation: .operation for the controller, checked
    // by resourceVersion and refused while an operation is in progress.
    bool busy = false;
    Node updated = PatchChecked(client_, options_.ns, name, [&](const Node& obj, Node& ops) {
      if ((busy = InProgress(obj))) return false;
      ops.items.push_back(Op("add", "/operation", &operation));
      return true;
    });
    if (busy) return ErrorResponse(409, kInProgress);
    cache_.Put(updated);
    return Json(PublicApp(updated));
  }
  return RunOperation(name, operation, "sync started by " + c.who->user, req,
                      [this, req](app::Application& application) { manager_->Sync(application, req); });
}

Response Api::RollbackApp(Call& c, const std::string& name) {
  Response denied;
  auto a = AppFor(c, name, "sync", &denied);
  if (!a) return denied;
  Response err;
  auto body = Body(c.req, &err);
  if (!body) return err;
  const Node* idn = body->Get("id");
  if (!idn) return ErrorResponse(400, "request body: id (history entry) is required");
  int64_t id = idn->IsNumber() ? idn->AsInt() : std::atoll(idn->Str().c_str());
  bool prune = body->Get("prune") && body->Get("prune")->AsBool();
  if (a->object.At({"spec", "syncPolicy", "automated"}))
    return ErrorResponse(400, "rollback cannot be initiated when auto-sync is enabled");
  bool found = false;
  if (const Node* h = a->object.At({"status", "history"}); h && h->IsSeq())
    for (const auto& e : h->items)
      if (e.Get("id") && e.Get("id")->AsInt() == id) found = true;
  if (!found) return ErrorResponse(400, "application " + name + " has no history entry with id " + std::to_string(id));
  Node operation = Node::Map();
  Node by = Node::Map();
  by.Set("username", Node::String(c.who->user));
  operation.Set("initiatedBy", by);
  Node rb = Node::Map();
  rb.Set("id", Node::Int(id));
  rb.Set("prune", Node::Bool(prune));
  operation.Set("rollback", rb);
  std::string message = "rollback to " + std::to_string(id) + " started by " + c.who->user;
  app::SyncRequest claim;
  claim.prune = prune;
  claim.initiated_by = c.who->user;
  return RunOperation(name, operation, message, claim, [this, name, id, prune](app::Application& application) {
    manager_->Rollback(application, id, prune);
    // Then compare with targetRevision again, as Argo CD's controller does
    // after an operation: a rolled-back app is OutOfSync with Git.
    app::Application after = manager_->Get(name);
    try {
      manager_->Refresh(after);
    } catch (const app::AppError&) {
    }
  });
}

Response Api::RunOperation(const std::string& name, const Node& operation, const std::string& message,
                           const app::SyncRequest& claim, std::function<void(app::Application&)> work) {
  // This server's own slot first (its terminate flag, and no second
  // thread); then the claim in the cluster, which every capstan process
  // (server, `capstan app`) respects.
  auto terminate = std::make_shared<std::atomic<bool>>(false);
  {
    std::lock_guard<std::mutex> l(ops_mu_);
    if (stopping_) return ErrorResponse(503, "the server is stopping");
    if (running_ops_.count(name)) return ErrorResponse(409, kInProgress);
    running_ops_[name].terminate = terminate;
  }
  auto release = [this, &name] {
    std::lock_guard<std::mutex> l(ops_mu_);
    running_ops_.erase(name);
  };
  app::Application application;
  try {
    application = manager_->Get(name);
    app::ClaimOperation(client_, application, claim, base::RealClock().NowMs());
    // Argo CD's shape while the operation runs: .operation set, and the
    // operation as requested (sync options, rollback id) in its state.
    Node updated = PatchChecked(client_, options_.ns, name, [&](const Node& obj, Node& ops) {
      if (obj.StrAt({"status", "operationState", "phase"}) != "Running") return false;
      Node msg = Node::String(message);
      ops.items.push_back(Op("add", "/operation", &operation));
      ops.items.push_back(Op("add", "/status/operationState/operation", &operation));
      ops.items.push_back(Op("add", "/status/operationState/message", &msg));
      return true;
    });
    application.object = updated;
    cache_.Put(updated);
  } catch (const app::AppError& e) {
    release();
    std::string m = e.what();
    return ErrorResponse(m.find(kInProgress) != std::string::npos ? 409 : 400, m);
  } catch (const kube::KubeError& e) {
    release();
    if (kube::IsNotFound(e)) return ErrorResponse(404, "application " + name + " not found");
    app::AbortOperation(client_, application, e.what(), base::RealClock().NowMs());
    return ErrorResponse(500, "application " + name + ": starting the operation: " + e.what());
  } catch (const std::exception& e) {
    release();
    app::AbortOperation(client_, application, e.what(), base::RealClock().NowMs());
    return ErrorResponse(500, "application " + name + ": starting the operation: " + e.what());
  }
  std::string app_json = yaml::EmitJson(PublicApp(application.object));
  std::lock_guard<std::mutex> l(ops_mu_);
  JoinEndedThreadsLocked();
  op_threads_.emplace_back([this, name, terminate, application, work]() mutable {
    t_terminate = terminate.get();
    std::string error;
    try {
      work(application);
    } catch (const std::exception& e) {
      error = e.what();
    }
    t_terminate = nullptr;
    std::lock_guard<std::mutex> g(ops_mu_);
    // From here on the operation cannot be terminated; a request that
    // raced its end must not leave its phase (Terminating) behind.
    running_ops_[name].terminate = nullptr;
    FinishOperation(name, error, terminate->load());
    running_ops_.erase(name);
    finished_op_threads_.push_back(std::this_thread::get_id());
  });
  return JsonText(app_json);
}

void Api::FinishOperation(const std::string& name, const std::string& error, bool terminate_requested) {
  try {
    cache_.Put(PatchChecked(client_, options_.ns, name, [&](const Node& obj, Node& ops) {
      bool changed = false;
      if (obj.Get("operation")) {
        ops.items.push_back(Op("remove", "/operation"));
        changed = true;
      }
      std::string phase = obj.StrAt({"status", "operationState", "phase"});
      std::string final_message = !error.empty()                                   ? error
                                  : terminate_requested && phase == "Terminating" ? "Operation terminated"
                                                                                   : "";
      if (!final_message.empty() && (phase == "Running" || phase == "Terminating")) {
        Node failed = Node::String("Failed"), msg = Node::String(final_message),
             fin = Node::String(Rfc3339(NowSeconds()));
        ops.items.push_back(Op("add", "/status/operationState/phase", &failed));
        ops.items.push_back(Op("add", "/status/operationState/message", &msg));
        ops.items.push_back(Op("add", "/status/operationState/finishedAt", &fin));
        changed = true;
      }
      return changed;
    }));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstan server: ending the operation of %s: %s\n", name.c_str(), e.what());
  }
}

Response Api::TerminateOperation(Call& c, const std::string& name) {
  Response denied;
  auto a = AppFor(c, name, "sync", &denied);
  if (!a) return denied;
  // As Argo CD's API server: phase Terminating (checked by resourceVersion,
  // only over a Running operation); whoever runs the operation (a
  // controller, or this server) stops it at its next wait and writes Failed
  // "Operation terminated".
  bool running = false;
  auto to_terminating = [&](const Node& obj, Node& ops) {
    std::string phase = obj.StrAt({"status", "operationState", "phase"});
    running = phase == "Running" || phase == "Terminating";
    if (phase != "Running") return false;
    Node t = Node::String("Terminating");
    ops.items.push_back(Op("add", "/status/operationState/phase", &t));
    return true;
  };
  Node b = Node::Map();
  b.Set("message", Node::String("operation terminating"));
  {
    std::lock_guard<std::mutex> l(ops_mu_);
    auto it = running_ops_.find(name);
    if (it != running_ops_.end() && it->second.terminate) {
      if (!it->second.terminate->load()) {
        // Terminating is written before the flag is raised, so the final
        // state the operation writes comes after it.
        cache_.Put(PatchChecked(client_, options_.ns, name, to_terminating));
        it->second.terminate->store(true);
      }
      return Json(b);
    }
    if (it != running_ops_.end())
      return ErrorResponse(400, "Unable to terminate operation. No operation is in progress");
  }
  Node updated = PatchChecked(client_, options_.ns, name, to_terminating);
  if (!running) return ErrorResponse(400, "Unable to terminate operation. No operation is in progress");
  cache_.Put(updated);
  return Json(b);
}

}  // namespace capstan::server
