// Sync, rollback and terminate: in-process through app::Manager unless a
// controller holds the lease.
#include <algorithm>
#include <ctime>

#include "app/application.h"
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

Node MergePatchOf(const std::string& key, Node value) {
  Node p = Node::Map();
  p.Set(key, std::move(value));
  return p;
}

}  // namespace

bool OperationTerminateRequested() { return t_terminate && t_terminate->load(); }

bool Api::ControllerActive() {
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

bool Api::StartOperation(const std::string& name, std::function<void()> op, bool terminable) {
  std::lock_guard<std::mutex> l(ops_mu_);
  if (stopping_ || running_ops_.count(name)) return false;
  RunningOp running;
  if (terminable) running.terminate = std::make_shared<std::atomic<bool>>(false);
  running_ops_[name] = running;
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
  op_threads_.emplace_back([this, name, flag = running.terminate, op = std::move(op)] {
    t_terminate = flag.get();
    op();
    t_terminate = nullptr;
    std::lock_guard<std::mutex> g(ops_mu_);
    running_ops_.erase(name);
    finished_op_threads_.push_back(std::this_thread::get_id());
  });
  return true;
}

void Api::WriteOperationState(const std::string& name, const Node& operation, const std::string& phase,
                              const std::string& message) {
  Node state = Node::Map();
  state.Set("operation", operation);
  state.Set("phase", Node::String(phase));
  state.Set("message", Node::String(message));
  state.Set("startedAt", Node::String(Rfc3339(NowSeconds())));
  if (phase != "Running") state.Set("finishedAt", Node::String(Rfc3339(NowSeconds())));
  Node status = Node::Map();
  status.Set("operationState", state);
  Node patch = MergePatchOf("status", status);
  patch.Set("operation", phase == "Running" ? operation : Node::Null());
  Node updated = client_.Patch({kApplicationGvk, options_.ns, name}, patch, {});
  cache_.Put(updated);
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
  if (a->object.Get("operation") && !a->object.Get("operation")->IsNull())
    return ErrorResponse(409, "another operation is already in progress");
  if (ControllerActive()) {
    Node updated = client_.Patch({kApplicationGvk, options_.ns, name}, MergePatchOf("operation", operation), {});
    cache_.Put(updated);
    return Json(PublicApp(updated));
  }
  return RunOperation(name, operation, "sync started by " + c.who->user, a->json, [this, name, req] {
    app::Application application = manager_->Get(name);
    manager_->Sync(application, req);
  });
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
  return RunOperation(name, operation, message, a->json, [this, name, id, prune] {
    app::Application application = manager_->Get(name);
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
                           const std::string& app_json, std::function<void()> work) {
  {
    std::lock_guard<std::mutex> l(ops_mu_);
    if (running_ops_.count(name)) return ErrorResponse(409, "another operation is already in progress");
  }
  WriteOperationState(name, operation, "Running", message);
  bool started = StartOperation(name, [this, name, operation, work] {
    std::string error;
    try {
      work();
    } catch (const std::exception& e) {
      error = e.what();
    }
    std::lock_guard<std::mutex> l(ops_mu_);
    // From here on the operation cannot be terminated; a request that
    // raced its end must not leave its phase (Terminating) behind.
    running_ops_[name].terminate = nullptr;
    try {
      if (!error.empty()) {
        WriteOperationState(name, operation, "Failed", error);
        return;
      }
      Node patch = MergePatchOf("operation", Node::Null());
      if (OperationTerminateRequested()) {
        Node now = client_.Get({kApplicationGvk, options_.ns, name});
        if (now.StrAt({"status", "operationState", "phase"}) == "Terminating") {
          Node state = Node::Map();
          state.Set("phase", Node::String("Failed"));
          state.Set("message", Node::String("Operation terminated"));
          state.Set("finishedAt", Node::String(Rfc3339(NowSeconds())));
          Node status = Node::Map();
          status.Set("operationState", state);
          patch.Set("status", status);
        }
      }
      cache_.Put(client_.Patch({kApplicationGvk, options_.ns, name}, patch, {}));
    } catch (const std::exception& e) {
      try {
        WriteOperationState(name, operation, "Failed", e.what());
      } catch (const std::exception&) {
      }
    }
  }, /*terminable=*/true);
  if (!started) return ErrorResponse(409, "another operation is already in progress");
  auto now = cache_.Get(name);
  return JsonText(now ? now->json : app_json);
}

Response Api::TerminateOperation(Call& c, const std::string& name) {
  Response denied;
  auto a = AppFor(c, name, "sync", &denied);
  if (!a) return denied;
  // As Argo CD's API server: phase Terminating; whoever runs the operation
  // (a controller, or this server) stops it at its next wait and writes
  // Failed "Operation terminated".
  Node state = Node::Map();
  state.Set("phase", Node::String("Terminating"));
  Node status = Node::Map();
  status.Set("operationState", state);
  Node b = Node::Map();
  b.Set("message", Node::String("operation terminating"));
  {
    std::lock_guard<std::mutex> l(ops_mu_);
    auto it = running_ops_.find(name);
    if (it != running_ops_.end() && it->second.terminate) {
      if (!it->second.terminate->load()) {
        // Terminating is written before the flag is raised, so the final
        // state the operation writes comes after it.
        Node updated = client_.Patch({kApplicationGvk, options_.ns, name}, MergePatchOf("status", status), {});
        cache_.Put(updated);
        it->second.terminate->store(true);
      }
      return Json(b);
    }
    if (it != running_ops_.end())
      return ErrorResponse(400, "Unable to terminate operation. No operation is in progress");
  }
  if (a->object.StrAt({"status", "operationState", "phase"}) != "Running")
    return ErrorResponse(400, "Unable to terminate operation. No operation is in progress");
  Node updated = client_.Patch({kApplicationGvk, options_.ns, name}, MergePatchOf("status", status), {});
  cache_.Put(updated);
  return Json(b);
}

}  // namespace capstan::server
