#include "app/operation_lock.h"

#include <chrono>
#include <ctime>
#include <thread>

#include "base/clock.h"

namespace capstan::app {

using yaml::Node;

namespace {

const resource::Gvk kAppGvk{"argoproj.io", "v1alpha1", "Application"};

int64_t ParseTime(const std::string& text) {
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  return rest ? static_cast<int64_t>(timegm(&tm)) * 1000 : 0;
}

Node Op(const std::string& op, const std::string& path, const Node* value = nullptr) {
  Node n = Node::Map();
  n.Set("op", Node::String(op));
  n.Set("path", Node::String(path));
  if (value) n.Set("value", *value);
  return n;
}

yaml::Node JsonPatch(kube::ResourceClient& client, const Application& app, const Node& ops) {
  kube::PatchOptions po;
  po.type = kube::PatchType::kJson;
  return client.Patch({kAppGvk, app.namespace_, app.name}, ops, po);
}

// A JSON patch's `test` of metadata.resourceVersion failed (422), or the
// object changed between the server's read and write (409).
bool IsPreconditionFailure(const kube::KubeError& e) { return e.code == 409 || e.code == 422; }

std::string InProgress(const Application& app, const Node& obj) {
  return "application " + app.name + ": another operation is already in progress (" +
         obj.StrAt({"status", "operationState", "phase"}, "pending") + " since " +
         obj.StrAt({"status", "operationState", "startedAt"}, "now") + ")";
}

}  // namespace

bool ControllerActive(kube::ResourceClient& client, const std::string& ns, int64_t now_ms) {
  Node leases;
  try {
    leases = client.List({"coordination.k8s.io", "v1", "Lease"}, ns);
  } catch (const kube::KubeError&) {
    return false;
  }
  const Node* items = leases.Get("items");
  if (!items || !items->IsSeq()) return false;
  for (const auto& l : items->items) {
    std::string name = l.StrAt({"metadata", "name"});
    if (name != "capstan-controller" && name.rfind("capstan-controller-shard-", 0) != 0) continue;
    if (l.StrAt({"spec", "holderIdentity"}).empty()) continue;
    int64_t renewed = ParseTime(l.StrAt({"spec", "renewTime"}));
    const Node* d = l.At({"spec", "leaseDurationSeconds"});
    int64_t duration = (d ? d->AsInt(15) : 15) * 1000;
    if (renewed + duration + 1000 >= now_ms) return true;
  }
  return false;
}

Node OperationOf(const SyncRequest& r) {
  Node sync = Node::Map();
  if (!r.revision.empty()) sync.Set("revision", Node::String(r.revision));
  if (r.prune) sync.Set("prune", Node::Bool(true));
  if (r.dry_run) sync.Set("dryRun", Node::Bool(true));
  if (r.source) sync.Set("source", r.source->raw);
  if (!r.resources.empty()) {
    Node res = Node::Seq();
    for (const auto& key : r.resources) {  // group/kind/namespace/name
      size_t a = key.find('/'), b = key.find('/', a + 1), c = key.find('/', b + 1);
      Node n = Node::Map();
      n.Set("group", Node::String(key.substr(0, a)));
      n.Set("kind", Node::String(key.substr(a + 1, b - a - 1)));
      if (c > b + 1) n.Set("namespace", Node::String(key.substr(b + 1, c - b - 1)));
      n.Set("name", Node::String(key.substr(c + 1)));
      res.items.push_back(std::move(n));
    }
    sync.Set("resources", res);
  }
  Node op = Node::Map();
  op.Set("sync", sync);
  Node by = Node::Map();
  by.Set("username", Node::String(r.initiated_by));
  op.Set("initiatedBy", by);
  return op;
}

void ClaimOperation(kube::ResourceClient& client, Application& app, const SyncRequest& request, int64_t now_ms) {
  // Each attempt decides on what the server holds; a precondition failure
  // means someone wrote in between (another claimant, a refresh): read
  // again and decide again.
  for (int attempt = 0; attempt < kStatusWriteAttempts; ++attempt) {
    Node obj;
    try {
      obj = attempt == 0 && !app.object.StrAt({"metadata", "resourceVersion"}).empty()
                ? app.object
                : client.Get({kAppGvk, app.namespace_, app.name});
    } catch (const kube::KubeError& e) {
      if (kube::IsNotFound(e)) return;  // not stored (--file): nothing to lock
      throw AppError("application " + app.name + ": " + e.what());
    }
    std::string phase = obj.StrAt({"status", "operationState", "phase"});
    bool stale = now_ms - ParseTime(obj.StrAt({"status", "operationState", "startedAt"})) > kStaleClaimMs;
    if (obj.Get("operation") || ((phase == "Running" || phase == "Terminating") && !stale))
      throw AppError(InProgress(app, obj));
    Node state = Node::Map();
    state.Set("operation", OperationOf(request));
    state.Set("phase", Node::String("Running"));
    state.Set("message", Node::String(""));
    state.Set("startedAt", Node::String(base::FormatTime(now_ms)));
    Node status = obj.Get("status") ? *obj.Get("status") : Node::Map();
    status.Set("operationState", state);
    Node rv = Node::String(obj.StrAt({"metadata", "resourceVersion"}));
    Node ops = Node::Seq();
    ops.items.push_back(Op("test", "/metadata/resourceVersion", &rv));
    ops.items.push_back(Op("add", "/status", &status));
    try {
      app.object = JsonPatch(client, app, ops);
      return;
    } catch (const kube::KubeError& e) {
      if (kube::IsNotFound(e)) return;
      if (!IsPreconditionFailure(e))
        throw AppError("application " + app.name + ": claiming the operation: " + e.what());
    }
  }
  throw AppError("application " + app.name + ": claiming the operation: the application changed " +
                 std::to_string(kStatusWriteAttempts) + " times while claiming it");
}

void AbortOperation(kube::ResourceClient& client, Application& app, const std::string& message, int64_t now_ms) {
  try {
    for (int attempt = 0; attempt < kStatusWriteAttempts; ++attempt) {
      Node obj = client.Get({kAppGvk, app.namespace_, app.name});
      if (obj.StrAt({"status", "operationState", "phase"}) != "Running") return;
      Node rv = Node::String(obj.StrAt({"metadata", "resourceVersion"}));
      Node phase = Node::String("Error"), msg = Node::String(message), fin = Node::String(base::FormatTime(now_ms));
      Node ops = Node::Seq();
      ops.items.push_back(Op("test", "/metadata/resourceVersion", &rv));
      ops.items.push_back(Op("add", "/status/operationState/phase", &phase));
      ops.items.push_back(Op("add", "/status/operationState/message", &msg));
      ops.items.push_back(Op("add", "/status/operationState/finishedAt", &fin));
      try {
        app.object = JsonPatch(client, app, ops);
        return;
      } catch (const kube::KubeError& e) {
        if (!IsPreconditionFailure(e)) return;
      }
    }
  } catch (const std::exception&) {
  }
}

void WriteStatusChecked(kube::ResourceClient& client, Application& app,
                        const std::function<void(Node& status)>& change) {
  Node obj = app.object;
  for (int attempt = 1;; ++attempt) {
    Node status = obj.Get("status") ? *obj.Get("status") : Node::Map();
    change(status);
    Node rv = Node::String(obj.StrAt({"metadata", "resourceVersion"}));
    Node ops = Node::Seq();
    ops.items.push_back(Op("test", "/metadata/resourceVersion", &rv));
    ops.items.push_back(Op("add", "/status", &status));
    try {
      app.object = JsonPatch(client, app, ops);
      return;
    } catch (const kube::KubeError& e) {
      if (kube::IsNotFound(e)) return;  // deleted meanwhile, or never stored
      if (!IsPreconditionFailure(e) || attempt >= kStatusWriteAttempts)
        throw AppError("application " + app.name + ": writing status: " + e.what());
    }
    try {
      obj = client.Get({kAppGvk, app.namespace_, app.name});
    } catch (const kube::KubeError& e) {
      if (kube::IsNotFound(e)) return;
      throw AppError("application " + app.name + ": writing status: " + e.what());
    }
  }
}

SyncOutcome RequestOperation(kube::ResourceClient& client, Application& app, const SyncRequest& request,
                             double timeout_s) {
  // As Argo CD's SetAppOperation: refuse while an operation is set or
  // running; otherwise write .operation checked by resourceVersion, and
  // after a precondition failure (the controller writes status all the
  // time) read again and decide again.
  Node obj;
  std::string before;
  for (int attempt = 1;; ++attempt) {
    obj = client.Get({kAppGvk, app.namespace_, app.name});
    std::string phase = obj.StrAt({"status", "operationState", "phase"});
    if (obj.Get("operation") || phase == "Running" || phase == "Terminating") throw AppError(InProgress(app, obj));
    before = obj.StrAt({"status", "operationState", "startedAt"}) + "|" +
             obj.StrAt({"status", "operationState", "finishedAt"});
    Node op = OperationOf(request);
    Node rv = Node::String(obj.StrAt({"metadata", "resourceVersion"}));
    Node ops = Node::Seq();
    ops.items.push_back(Op("test", "/metadata/resourceVersion", &rv));
    ops.items.push_back(Op("add", "/operation", &op));
    try {
      JsonPatch(client, app, ops);
      break;
    } catch (const kube::KubeError& e) {
      if (!IsPreconditionFailure(e) || attempt >= kStatusWriteAttempts)
        throw AppError("application " + app.name + ": writing .operation: " + e.what());
    }
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    obj = client.Get({kAppGvk, app.namespace_, app.name});
    std::string now = obj.StrAt({"status", "operationState", "startedAt"}) + "|" +
                      obj.StrAt({"status", "operationState", "finishedAt"});
    std::string p = obj.StrAt({"status", "operationState", "phase"});
    if (!obj.Get("operation") && now != before && p != "Running" && p != "Terminating") break;
    if (std::chrono::steady_clock::now() > deadline)
      throw AppError("application " + app.name + ": timed out waiting for the controller to run the operation");
  }
  app.object = obj;
  SyncOutcome out;
  out.result.phase = obj.StrAt({"status", "operationState", "phase"});
  out.result.message = obj.StrAt({"status", "operationState", "message"});
  out.revision = obj.StrAt({"status", "operationState", "syncResult", "revision"});
  if (const Node* rs = obj.At({"status", "operationState", "syncResult", "resources"}); rs && rs->IsSeq())
    for (const auto& r : rs->items) {
      sync::ResourceResult rr;
      rr.id = {{r.StrAt({"group"}), r.StrAt({"version"}), r.StrAt({"kind"})}, r.StrAt({"namespace"}), r.StrAt({"name"})};
      rr.status = r.StrAt({"status"});
      rr.message = r.StrAt({"message"});
      rr.hook_type = r.StrAt({"hookType"});
      rr.hook_phase = r.StrAt({"hookPhase"});
      rr.sync_phase = r.StrAt({"syncPhase"});
      out.result.resources.push_back(std::move(rr));
    }
  out.after.sync_status = obj.StrAt({"status", "sync", "status"});
  out.after.health = obj.StrAt({"status", "health", "status"});
  out.after.revision = obj.StrAt({"status", "sync", "revision"});
  return out;
}

}  // namespace capstan::app
