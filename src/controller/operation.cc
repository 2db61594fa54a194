#include "controller/operation.h"

#include <chrono>
#include <thread>

#include "sync/plan.h"

namespace capstan::controller {

using yaml::Node;

namespace {
thread_local const std::atomic<bool>* t_terminate = nullptr;
}

int64_t TerminableClock::NowMs() { return base::RealClock().NowMs(); }

std::chrono::steady_clock::time_point TerminableClock::Monotonic() { return std::chrono::steady_clock::now(); }

void TerminableClock::SleepMs(int64_t ms) {
  if (TerminateRequested()) throw OperationTerminated();
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    // Asked while sleeping: wake up, so that the sync engine, polling its
    // hooks, sees EngineOptions::terminated and deletes the running ones
    // (Argo CD's terminate); the next sleep throws.
    if (TerminateRequested()) return;
    auto now = std::chrono::steady_clock::now();
    if (now >= end) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(end - now, std::chrono::milliseconds(50)));
  }
}

void TerminableClock::SetThreadFlag(const std::atomic<bool>* flag) { t_terminate = flag; }

bool TerminableClock::TerminateRequested() { return t_terminate && t_terminate->load(); }

ParsedOperation ParseOperation(const Node& op, const app::Application& app) {
  ParsedOperation p;
  const Node* sync = op.Get("sync");
  if (!sync || !sync->IsMap()) {
    p.error = "application " + app.name + ": operation: only sync operations are supported";
    return p;
  }
  app::SyncRequest& r = p.request;
  r.revision = sync->StrAt({"revision"});
  if (const Node* pr = sync->Get("prune")) r.prune = pr->AsBool();
  if (const Node* dr = sync->Get("dryRun")) r.dry_run = dr->AsBool();
  if (const Node* by = op.Get("initiatedBy")) {
    if (const Node* a = by->Get("automated")) r.automated = a->AsBool();
    std::string user = by->StrAt({"username"});
    if (!user.empty()) r.initiated_by = user;
  }
  if (const Node* res = sync->Get("resources"); res && res->IsSeq()) {
    for (const Node& x : res->items) {
      std::string ns = x.StrAt({"namespace"});
      std::string kind = x.StrAt({"kind"}), name = x.StrAt({"name"});
      if (kind.empty() || name.empty()) {
        p.error = "application " + app.name + ": operation.sync.resources: kind and name are required";
        return p;
      }
      if (ns.empty() && !resource::IsClusterScoped({x.StrAt({"group"}), "", kind})) ns = app.destination.namespace_;
      r.resources.push_back(x.StrAt({"group"}) + "/" + kind + "/" + ns + "/" + name);
    }
  }
  if (const Node* src = sync->Get("source"); src && src->IsMap()) {
    Node fake = app.object;
    fake.GetOrCreateMap("spec").Set("source", *src);
    try {
      r.source = app::ParseApplication(fake, "operation").source;
    } catch (const std::exception& e) {
      p.error = e.what();
      return p;
    }
  }
  if (const Node* retry = op.Get("retry"); retry && retry->IsMap()) {
    sync::RetryPolicy policy;
    if (const Node* l = retry->Get("limit")) policy.limit = l->AsInt(0);
    if (const Node* b = retry->Get("backoff"); b && b->IsMap()) {
      auto dur = [](const Node* n, int64_t fallback) -> int64_t {
        if (!n) return fallback;
        if (n->IsInt()) return n->AsInt(0) * 1000;  // a bare number is seconds
        auto ms = sync::ParseDurationMs(n->value);
        return ms ? *ms : fallback;
      };
      policy.duration_ms = dur(b->Get("duration"), policy.duration_ms);
      policy.max_duration_ms = dur(b->Get("maxDuration"), policy.max_duration_ms);
      if (const Node* f = b->Get("factor")) policy.factor = f->AsInt(policy.factor);
    }
    p.retry = policy;
  }
  return p;
}

}  // namespace capstan::controller
