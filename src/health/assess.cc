// Order of evaluation (SPEC.md §2): pending deletion, custom Lua override,
// built-in check.
#include <exception>

#include "health/builtin.h"
#include "health/health.h"

namespace capstan::health {

namespace {

constexpr std::string_view kHookFinalizer = "argocd.argoproj.io/hook-finalizer";

bool PendingDeletion(const yaml::Node& obj) {
  const yaml::Node* md = obj.Get("metadata");
  if (md == nullptr || !md->IsMap()) return false;
  const yaml::Node* ts = md->Get("deletionTimestamp");
  if (ts == nullptr || ts->IsNull() || !ts->IsScalar() || ts->value.empty()) return false;
  if (const yaml::Node* fin = md->Get("finalizers"); fin != nullptr && fin->IsSeq()) {
    for (const yaml::Node& f : fin->items) {
      if (f.IsScalar() && f.value == kHookFinalizer) return false;
    }
  }
  return true;
}

}  // namespace

std::optional<HealthStatus> Assess(const yaml::Node& obj, const Options& options) {
  if (!obj.IsMap()) return std::nullopt;
  if (PendingDeletion(obj)) return HealthStatus{Code::kProgressing, "Pending deletion"};
  resource::Gvk gvk = resource::Gvk::Of(obj);
  try {
    if (options.scripts != nullptr) {
      if (const LuaScript* script = options.scripts->Find(gvk.group, gvk.kind)) {
        LuaResult r = RunHealthScript(*script, obj, options.scripts->limits);
        if (!r.error.empty()) return HealthStatus{Code::kUnknown, r.error};
        if (r.health) return r.health;
      }
    }
    internal::CheckFn check = nullptr;
    if (options.argocd_builtins) check = internal::FindArgoCdBuiltin(gvk.group, gvk.kind);
    if (check == nullptr) check = internal::FindBuiltin(gvk.group, gvk.kind);
    if (check == nullptr) return std::nullopt;
    return check(obj, gvk);
  } catch (const std::exception& e) {
    // Checks do not throw on bad input; this is a last line against bad_alloc
    // and the like, so one object can never take the whole run down.
    return HealthStatus{Code::kUnknown, std::string("health assessment failed: ") + e.what()};
  }
}

bool HasHealthCheck(std::string_view group, std::string_view kind, const Options& options) {
  if (internal::FindBuiltin(group, kind) != nullptr) return true;
  if (options.argocd_builtins && internal::FindArgoCdBuiltin(group, kind) != nullptr) return true;
  return options.scripts != nullptr && options.scripts->Find(group, kind) != nullptr;
}

}  // namespace capstan::health
