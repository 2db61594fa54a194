#include "app/status.h"

#include <set>

#include "base/clock.h"

namespace capstan::app {
namespace {

using yaml::Node;

Node S(const std::string& s) { return Node::String(s); }

void CollectImages(const Node& n, std::set<std::string>* out) {
  if (n.IsMap()) {
    for (const auto& f : n.fields) {
      if ((f.key.value == "containers" || f.key.value == "initContainers") && f.value.IsSeq()) {
        for (const auto& c : f.value.items) {
          std::string img = c.StrAt({"image"});
          if (!img.empty()) out->insert(img);
        }
      } else {
        CollectImages(f.value, out);
      }
    }
  } else if (n.IsSeq()) {
    for (const auto& i : n.items) CollectImages(i, out);
  }
}

}  // namespace

Node ResourceRef(const resource::ResId& id) {
  Node r = Node::Map();
  if (!id.gvk.group.empty()) r.Set("group", S(id.gvk.group));
  r.Set("version", S(id.gvk.version));
  r.Set("kind", S(id.gvk.kind));
  if (!id.ns.empty()) r.Set("namespace", S(id.ns));
  r.Set("name", S(id.name));
  return r;
}

void SetComparisonStatus(Node& status, const Application& app, const Source& source,
                         const Comparison& c, const std::string& source_type, int64_t now_ms) {
  Node sync = Node::Map();
  sync.Set("status", S(c.sync_status));
  Node compared = Node::Map();
  compared.Set("source", source.raw);
  Node dest = Node::Map();
  if (!app.destination.server.empty()) dest.Set("server", S(app.destination.server));
  if (!app.destination.name.empty()) dest.Set("name", S(app.destination.name));
  if (!app.destination.namespace_.empty()) dest.Set("namespace", S(app.destination.namespace_));
  compared.Set("destination", dest);
  sync.Set("comparedTo", compared);
  if (!c.revision.empty()) sync.Set("revision", S(c.revision));
  status.Set("sync", sync);

  Node health = Node::Map();
  health.Set("status", S(c.health));
  if (!c.health_message.empty()) health.Set("message", S(c.health_message));
  status.Set("health", health);

  Node resources = Node::Seq();
  for (const auto& r : c.resources) {
    Node n = ResourceRef(r.id);
    n.Set("status", S(r.status));
    if (!r.health.empty()) {
      Node h = Node::Map();
      h.Set("status", S(r.health));
      if (!r.health_message.empty()) h.Set("message", S(r.health_message));
      n.Set("health", h);
    }
    if (r.hook) n.Set("hook", Node::Bool(true));
    if (r.requires_pruning) n.Set("requiresPruning", Node::Bool(true));
    resources.items.push_back(std::move(n));
  }
  status.Set("resources", resources);

  std::set<std::string> images;
  for (const auto& d : c.desired) CollectImages(d, &images);
  Node summary = Node::Map();
  if (!images.empty()) {
    Node list = Node::Seq();
    for (const auto& i : images) list.items.push_back(S(i));
    summary.Set("images", list);
  }
  status.Set("summary", summary);
  status.Set("sourceType", S(source_type));
  status.Set("reconciledAt", S(base::FormatTime(now_ms)));
}

Node OperationState(const OperationInfo& op, const sync::SyncResult& r) {
  Node state = Node::Map();
  Node operation = Node::Map();
  Node s = Node::Map();
  s.Set("revision", S(op.revision));
  if (op.prune) s.Set("prune", Node::Bool(true));
  if (op.dry_run) s.Set("dryRun", Node::Bool(true));
  if (!op.sync_options.empty()) {
    Node so = Node::Seq();
    for (const auto& o : op.sync_options) so.items.push_back(S(o));
    s.Set("syncOptions", so);
  }
  operation.Set("sync", s);
  Node by = Node::Map();
  if (op.automated) by.Set("automated", Node::Bool(true));
  else by.Set("username", S(op.initiated_by));
  operation.Set("initiatedBy", by);
  if (op.has_retry) {
    Node retry = Node::Map();
    retry.Set("limit", Node::Int(op.retry.limit));
    operation.Set("retry", retry);
  }
  state.Set("operation", operation);
  state.Set("phase", S(r.phase));
  state.Set("message", S(r.message));
  Node result = Node::Map();
  Node resources = Node::Seq();
  for (const auto& rr : r.resources) {
    Node n = ResourceRef(rr.id);
    n.Set("status", S(rr.status));
    n.Set("message", S(rr.message));
    if (!rr.hook_type.empty()) n.Set("hookType", S(rr.hook_type));
    if (!rr.hook_phase.empty()) n.Set("hookPhase", S(rr.hook_phase));
    n.Set("syncPhase", S(rr.sync_phase));
    resources.items.push_back(std::move(n));
  }
  result.Set("resources", resources);
  result.Set("revision", S(op.revision));
  if (op.source) result.Set("source", op.source->raw);
  state.Set("syncResult", result);
  state.Set("startedAt", S(base::FormatTime(r.started_ms)));
  state.Set("finishedAt", S(base::FormatTime(r.finished_ms)));
  if (r.retry_count > 0) state.Set("retryCount", Node::Int(r.retry_count));
  return state;
}

void AppendHistory(Node& status, const Application& app, const OperationInfo& op,
                   const sync::SyncResult& r) {
  Node* history = status.Get("history");
  if (!history || !history->IsSeq()) history = &status.Set("history", Node::Seq());
  int64_t next_id = 0;
  for (const auto& h : history->items) {
    const Node* id = h.Get("id");
    if (id) next_id = std::max(next_id, id->AsInt(0) + 1);
  }
  Node e = Node::Map();
  e.Set("revision", S(op.revision));
  e.Set("deployedAt", S(base::FormatTime(r.finished_ms)));
  e.Set("id", Node::Int(next_id));
  if (op.source) e.Set("source", op.source->raw);
  e.Set("deployStartedAt", S(base::FormatTime(r.started_ms)));
  Node by = Node::Map();
  if (op.automated) by.Set("automated", Node::Bool(true));
  else by.Set("username", S(op.initiated_by));
  e.Set("initiatedBy", by);
  history->items.push_back(std::move(e));
  int64_t limit = app.revision_history_limit;
  if (limit >= 0 && static_cast<int64_t>(history->items.size()) > limit)
    history->items.erase(history->items.begin(),
                         history->items.end() - static_cast<long>(std::max<int64_t>(limit, 0)));
}

}  // namespace capstan::app
