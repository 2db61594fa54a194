#include "controller/auto_sync.h"

#include <ctime>

namespace capstan::controller {

using yaml::Node;

int64_t SelfHealDelayMs(const SelfHealBackoff& b, int64_t attempts) {
  if (attempts <= 0) return 0;
  double d = static_cast<double>(b.duration_ms);
  for (int64_t i = 1; i < attempts && d < static_cast<double>(b.cap_ms); ++i) d *= static_cast<double>(b.factor);
  if (b.cap_ms > 0 && d > static_cast<double>(b.cap_ms)) d = static_cast<double>(b.cap_ms);
  return static_cast<int64_t>(d);
}

int64_t ParseTimeMs(const std::string& text) {
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return 0;
  int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  if (*rest == '.') {  // fractional seconds (MicroTime)
    int64_t scale = 100;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest, scale /= 10) ms += (*rest - '0') * scale;
  }
  return ms;
}

AutoSyncDecision DecideAutoSync(const app::Application& app, int64_t now_ms, const SelfHealBackoff& backoff) {
  AutoSyncDecision d;
  const Node& obj = app.object;
  const app::SyncPolicy& policy = app.sync_policy;
  if (!policy.automated) return d.message = "automated sync is off", d;
  if (obj.Get("operation")) return d.message = "an operation is in progress", d;
  if (!obj.StrAt({"metadata", "deletionTimestamp"}).empty()) return d.message = "the application is being deleted", d;
  if (obj.StrAt({"status", "sync", "status"}) != "OutOfSync") return d.message = "not OutOfSync", d;

  // What is out of sync, and whether all of it is pruning.
  std::vector<const Node*> out_of_sync;
  int resources = 0, prunable = 0;
  if (const Node* rs = obj.At({"status", "resources"}); rs && rs->IsSeq()) {
    for (const Node& r : rs->items) {
      if (r.Get("hook") && r.Get("hook")->AsBool()) continue;
      ++resources;
      bool prune = r.Get("requiresPruning") && r.Get("requiresPruning")->AsBool();
      if (prune) ++prunable;
      if (r.StrAt({"status"}) != "Synced") out_of_sync.push_back(&r);
    }
  }
  bool only_pruning = !out_of_sync.empty();
  for (const Node* r : out_of_sync)
    if (!(r->Get("requiresPruning") && r->Get("requiresPruning")->AsBool())) only_pruning = false;
  if (!policy.prune && only_pruning) return d.message = "only pruning is needed and prune is off", d;

  std::string revision = obj.StrAt({"status", "sync", "revision"});
  const Node* last = obj.At({"status", "operationState"});
  bool attempted = false;
  int64_t heal_attempts = 0;
  if (last) {
    const Node* src = last->At({"syncResult", "source"});
    attempted = last->StrAt({"syncResult", "revision"}) == revision && !revision.empty() &&
                (!src || *src == app.source.raw);
    if (const Node* n = last->At({"operation", "sync", "selfHealAttemptsCount"})) heal_attempts = n->AsInt(0);
  }
  std::string phase = last ? last->StrAt({"phase"}) : "";
  bool ok = phase == "Succeeded";
  if (attempted && (!policy.self_heal || !ok)) {
    if (!ok && phase != "Running" && phase != "Terminating") {
      d.action = AutoSyncDecision::kError;
      d.message = "Failed last sync attempt to " + revision + ": " + last->StrAt({"message"});
      return d;
    }
    d.message = "revision " + revision + " already synced and selfHeal is off";
    return d;
  }
  if (!attempted) heal_attempts = 0;
  if (attempted) {
    int64_t finished = ParseTimeMs(last->StrAt({"finishedAt"}));
    int64_t wait = SelfHealDelayMs(backoff, heal_attempts) - (now_ms - finished);
    if (wait > 0) {
      d.action = AutoSyncDecision::kWait;
      d.wait_ms = wait;
      d.message = "self-heal backoff";
      return d;
    }
  }
  if (policy.prune && !policy.allow_empty && resources > 0 && prunable == resources) {
    d.action = AutoSyncDecision::kError;
    d.message = "auto-sync will wipe out all resources";
    return d;
  }

  Node sync = Node::Map();
  sync.Set("revision", Node::String(revision));
  if (policy.prune) sync.Set("prune", Node::Bool(true));
  if (!policy.sync_options.empty()) {
    Node so = Node::Seq();
    for (const auto& o : policy.sync_options) so.items.push_back(Node::String(o));
    sync.Set("syncOptions", so);
  }
  if (attempted) {
    // Self-heal: only what drifted.
    Node res = Node::Seq();
    for (const Node* r : out_of_sync) {
      Node n = Node::Map();
      n.Set("group", Node::String(r->StrAt({"group"})));
      n.Set("kind", Node::String(r->StrAt({"kind"})));
      n.Set("name", Node::String(r->StrAt({"name"})));
      if (!r->StrAt({"namespace"}).empty()) n.Set("namespace", Node::String(r->StrAt({"namespace"})));
      res.items.push_back(std::move(n));
    }
    sync.Set("resources", res);
    sync.Set("selfHealAttemptsCount", Node::Int(heal_attempts + 1));
  }
  Node op = Node::Map();
  op.Set("sync", sync);
  Node by = Node::Map();
  by.Set("username", Node::String("capstan-controller"));
  by.Set("automated", Node::Bool(true));
  op.Set("initiatedBy", by);
  if (policy.retry) {
    Node retry = Node::Map();
    retry.Set("limit", Node::Int(policy.retry->limit));
    Node b = Node::Map();
    b.Set("duration", Node::String(std::to_string(policy.retry->duration_ms / 1000) + "s"));
    b.Set("factor", Node::Int(policy.retry->factor));
    b.Set("maxDuration", Node::String(std::to_string(policy.retry->max_duration_ms / 1000) + "s"));
    retry.Set("backoff", b);
    op.Set("retry", retry);
  }
  d.action = AutoSyncDecision::kSync;
  d.operation = std::move(op);
  return d;
}

}  // namespace capstan::controller
