#include "controller/deploy_stats.h"

#include <algorithm>
#include <cstdio>

#include "controller/auto_sync.h"

namespace capstan::controller {

using yaml::Node;

namespace {

int64_t IntAt(const Node& n, const char* key, int64_t fallback = 0) {
  const Node* v = n.Get(key);
  return v ? v->AsInt(fallback) : fallback;
}

Node& Stats(Node& status) { return status.GetOrCreateMap("capstan").GetOrCreateMap("deployments"); }

const Node* NewestHistory(const Node& status) {
  const Node* history = status.Get("history");
  if (!history || !history->IsSeq()) return nullptr;
  const Node* newest = nullptr;
  for (const auto& h : history->items)
    if (h.Get("id") && (!newest || h.Get("id")->AsInt(-1) > newest->Get("id")->AsInt(-1))) newest = &h;
  return newest;
}

void Observe(Node& timing, int64_t ms) {
  int64_t count = IntAt(timing, "count");
  int64_t average = IntAt(timing, "average");
  timing.Set("last", Node::Int(ms));
  timing.Set("average", Node::Int((average * count + ms) / (count + 1)));
  timing.Set("count", Node::Int(count + 1));
}

}  // namespace

void CountOperation(Node& status, const std::string& phase, bool rollback) {
  Node& s = Stats(status);
  int64_t total = IntAt(s, "total") + 1;
  int64_t ok = IntAt(s, "succeeded") + (phase == "Succeeded" ? 1 : 0);
  s.Set("total", Node::Int(total));
  s.Set("succeeded", Node::Int(ok));
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.3f", double(ok) / double(total));
  s.Set("successRate", Node::String(rate));
  if (phase != "Succeeded") return;
  const Node* newest = NewestHistory(status);
  if (!newest) return;
  // The same revision again (self-heal, a manual re-sync) deploys nothing new.
  if (!rollback) {
    const Node* history = status.Get("history");
    const Node* previous = nullptr;
    for (const auto& h : history->items)
      if (&h != newest && h.Get("id") && (!previous || h.Get("id")->AsInt(-1) > previous->Get("id")->AsInt(-1))) previous = &h;
    if (previous && previous->StrAt({"revision"}) == newest->StrAt({"revision"})) return;
  }
  Node pending = Node::Map();
  pending.Set("historyId", Node::Int(newest->Get("id")->AsInt(0)));
  pending.Set("rollback", Node::Bool(rollback));
  Stats(status).Set("pending", pending);
}

DeployMeasure MeasureHealthy(Node& status, int64_t now_ms, int64_t commit_seen_ms) {
  DeployMeasure m;
  const Node* stats = status.At({"capstan", "deployments"});
  const Node* pending = stats ? stats->Get("pending") : nullptr;
  if (!pending) return m;
  int64_t id = IntAt(*pending, "historyId", -1);
  const Node* entry = nullptr;
  if (const Node* history = status.Get("history"); history && history->IsSeq())
    for (const auto& h : history->items)
      if (h.Get("id") && h.Get("id")->AsInt(-2) == id) entry = &h;
  if (!entry) {  // cut from history already: nothing to measure it from
    Stats(status).Remove("pending");
    return m;
  }
  m.rollback = pending->Get("rollback") && pending->Get("rollback")->value == "true";
  // A deploy counts once Synced at its revision; a rollback leaves the app
  // OutOfSync with its target (as in Argo CD), so Healthy is enough.
  if (!m.rollback && (status.StrAt({"sync", "status"}) != "Synced" || entry->StrAt({"revision"}) != status.StrAt({"sync", "revision"})))
    return m;
  int64_t started = ParseTimeMs(entry->StrAt({"deployStartedAt"}));
  // A commit seen before the sync started is the start of "time to deploy".
  if (!m.rollback && commit_seen_ms > 0 && (!started || commit_seen_ms <= started)) started = commit_seen_ms;
  if (!started) {
    Stats(status).Remove("pending");
    return m;
  }
  m.measured = true;
  m.ms = std::max<int64_t>(0, now_ms - started);
  Node& s = Stats(status);
  Observe(s.GetOrCreateMap(m.rollback ? "timeToRollbackMs" : "timeToDeployMs"), m.ms);
  s.Set("measuredHistoryId", Node::Int(id));
  s.Remove("pending");
  return m;
}

double SuccessRate(const Node& status) {
  const Node* s = status.At({"capstan", "deployments"});
  if (!s || IntAt(*s, "total") <= 0) return -1;
  return double(IntAt(*s, "succeeded")) / double(IntAt(*s, "total"));
}

}  // namespace capstan::controller
