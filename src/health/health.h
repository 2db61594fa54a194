// Health of live Kubernetes objects, as Argo CD / gitops-engine judge it.
//
// Promises:
//  * Assess() gives the built-in gitops-engine verdict for Deployment,
//    StatefulSet, DaemonSet, ReplicaSet, Pod, Job, PersistentVolumeClaim,
//    Service, Ingress, HorizontalPodAutoscaler, APIService and Argo Workflow,
//    with Argo CD's exact status and message texts (see
//    ../shared/conformance/health/SPEC.md). Kinds without a check give
//    std::nullopt ("no health"), which is not the same as Unknown.
//  * A Lua script configured for the object's group/kind (Argo CD
//    `resource.customizations.health.<group>_<kind>` or a
//    resource_customizations-style directory) runs before the built-in
//    check, in a sandbox: no files, no processes, bounded instructions,
//    time and memory. A failing script gives Unknown with the error text;
//    Assess never throws and never hangs.
//  * Aggregate() folds resource healths into an application health the way
//    the Argo CD application controller does (worst wins:
//    Healthy < Suspended < Progressing < Missing < Degraded < Unknown) and
//    says which resource decided it.
#ifndef CAPSTAN_HEALTH_HEALTH_H_
#define CAPSTAN_HEALTH_HEALTH_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "yaml/node.h"

namespace capstan::health {

// In gitops-engine's severity order, best first.
enum class Code : uint8_t { kHealthy, kSuspended, kProgressing, kMissing, kDegraded, kUnknown };

// "Healthy", "Suspended", ...
std::string_view CodeName(Code code);
// Exact, case-sensitive match of a CodeName; nullopt otherwise.
std::optional<Code> ParseCode(std::string_view name);
// True when `candidate` is strictly worse than `current`.
bool IsWorse(Code current, Code candidate);

struct HealthStatus {
  Code code = Code::kUnknown;
  std::string message;
  bool operator==(const HealthStatus&) const = default;
};

// --- Lua health scripts ----------------------------------------------------

struct LuaLimits {
  uint64_t max_instructions = 20'000'000;       // VM instructions per run
  size_t max_memory_bytes = size_t{64} << 20;   // Lua heap per run
  std::chrono::milliseconds timeout{1000};      // wall clock per run (Argo CD: 1s)
};

// One script and where it came from (a file path or a ConfigMap key), the
// latter named in error messages.
struct LuaScript {
  std::string code;
  std::string source;
};

// Registry of health scripts keyed like Argo CD resource overrides:
// "<group>/<kind>", or just "<kind>" for the core group; `*` is a wildcard
// ("*.crossplane.io/*"). Lookup order, as in Argo CD: ConfigMap scripts
// (exact key, then wildcard keys), then directory scripts (exact, then
// wildcard). Among several wildcard matches the longest pattern wins.
class LuaHealthScripts {
 public:
  // Reads every DIR/**/health.lua laid out as Argo CD's resource_customizations:
  // DIR/<group>/<kind>/health.lua, DIR/<Kind>/health.lua for the core group;
  // `_` in a folder name is a wildcard (DIR/_.crossplane.io/_/health.lua).
  // Returns false with a one-line error on an unreadable directory/file.
  bool LoadDirectory(const std::string& dir, std::string* error);

  // An argocd-cm style ConfigMap (YAML/JSON document, `data:` map): keys
  // `resource.customizations.health.<group>_<kind>` (or `.<Kind>`), and the
  // older `resource.customizations` key holding a map of
  // "<group>/<kind>": {health.lua: ...}. `source` names the file in errors.
  bool LoadConfigMap(const yaml::Node& config_map, std::string_view source, std::string* error);

  // Adds one script. `from_config` scripts take precedence over directory
  // scripts, as Argo CD's argocd-cm overrides take precedence over built-ins.
  void Add(std::string key, LuaScript script, bool from_config);

  // The script for a group/kind, or nullptr.
  const LuaScript* Find(std::string_view group, std::string_view kind) const;

  size_t size() const { return config_.size() + dir_.size(); }
  bool empty() const { return size() == 0; }

  LuaLimits limits;

 private:
  static const LuaScript* FindIn(const std::map<std::string, LuaScript, std::less<>>& m,
                                 std::string_view key);
  std::map<std::string, LuaScript, std::less<>> config_, dir_;
};

// Result of one script run: a health, or nothing (the script returned no
// usable table is an *error*, not "nothing"), or an error text.
struct LuaResult {
  std::optional<HealthStatus> health;
  std::string error;  // non-empty on failure
};

// Runs `script` with global `obj` bound to `obj`, in a fresh sandboxed state.
LuaResult RunHealthScript(const LuaScript& script, const yaml::Node& obj, const LuaLimits& limits);

// --- Assessment -------------------------------------------------------------

struct Options {
  const LuaHealthScripts* scripts = nullptr;  // optional custom checks
  // Also apply the health checks Argo CD ships as Lua rather than in
  // gitops-engine, re-implemented natively: argoproj.io/Rollout and
  // batch/CronJob (resource_customizations), and argoproj.io/Application
  // (the snippet Argo CD documents for app-of-apps). Off by default, which
  // is gitops-engine's behaviour (these kinds then have no health). Scripts
  // in `scripts` still take precedence.
  bool argocd_builtins = false;
};

// Health of one live object; nullopt means "no health" (no check for the
// kind). Never throws on any input.
std::optional<HealthStatus> Assess(const yaml::Node& obj, const Options& options = {});

// True when Assess has a check for this group/kind (built-in or script).
bool HasHealthCheck(std::string_view group, std::string_view kind, const Options& options = {});

// --- Aggregation ------------------------------------------------------------

// One managed resource of an application.
struct ResourceHealth {
  std::string group, kind, ns, name;
  // nullopt: no health (skipped). Set code kMissing for an absent object.
  std::optional<HealthStatus> health;
  // Resources Argo CD leaves out of the app health: sync hooks, objects
  // annotated argocd.argoproj.io/ignore-healthcheck: "true".
  bool skip = false;
  // For a Missing resource: whether its kind has a health check. Argo CD
  // ignores Missing resources of kinds without one.
  bool has_check = true;
};

struct AppHealth {
  Code code = Code::kHealthy;
  // Index into the input of the resource that set `code` (-1: none did,
  // the app is Healthy by default), and that resource's message.
  int decided_by = -1;
  std::string message;
  // "Deployment default/web: <message>" when a resource decided, else "".
  std::string reason;
};

// Argo CD application controller fold: start Healthy, skip `skip` and
// no-health entries, Missing of kinds without a check, and Missing/Unknown
// child Applications (argoproj.io/Application); worst wins, first of equals.
AppHealth Aggregate(std::span<const ResourceHealth> resources);

// Convenience for callers with live objects: a ResourceHealth for `obj`
// (nullptr = absent from the cluster) of the given identity.
ResourceHealth ResourceHealthOf(const yaml::Node* live, std::string_view group,
                                std::string_view kind, std::string_view ns,
                                std::string_view name, const Options& options = {});

}  // namespace capstan::health

#endif  // CAPSTAN_HEALTH_HEALTH_H_
