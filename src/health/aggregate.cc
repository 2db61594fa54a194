// Application health from resource healths, as the Argo CD application
// controller computes it (controller/health.go setApplicationHealth).
#include "health/builtin.h"
#include "health/health.h"

namespace capstan::health {

AppHealth Aggregate(std::span<const ResourceHealth> resources) {
  AppHealth app;
  for (size_t i = 0; i < resources.size(); ++i) {
    const ResourceHealth& r = resources[i];
    if (r.skip || !r.health) continue;
    Code code = r.health->code;
    // A Missing resource of a kind nobody can assess does not count.
    if (code == Code::kMissing && !r.has_check) continue;
    // Missing or Unknown child Applications do not affect the parent.
    if (r.group == "argoproj.io" && r.kind == "Application" &&
        (code == Code::kMissing || code == Code::kUnknown)) {
      continue;
    }
    if (!IsWorse(app.code, code)) continue;
    app.code = code;
    app.decided_by = static_cast<int>(i);
    app.message = r.health->message;
    app.reason = r.kind + " " + (r.ns.empty() ? r.name : r.ns + "/" + r.name);
    if (!r.health->message.empty()) app.reason += ": " + r.health->message;
  }
  return app;
}

ResourceHealth ResourceHealthOf(const yaml::Node* live, std::string_view group,
                                std::string_view kind, std::string_view ns,
                                std::string_view name, const Options& options) {
  ResourceHealth r;
  r.group = group;
  r.kind = kind;
  r.ns = ns;
  r.name = name;
  r.has_check = HasHealthCheck(group, kind, options);
  if (live == nullptr) {
    r.health = HealthStatus{Code::kMissing, ""};
    return r;
  }
  if (const yaml::Node* ann = live->At({"metadata", "annotations"}); ann != nullptr) {
    // Hooks and explicitly ignored resources stay out of the app health.
    if (ann->Get("helm.sh/hook") != nullptr || ann->Get("argocd.argoproj.io/hook") != nullptr) {
      r.skip = true;
    }
    if (const yaml::Node* ig = ann->Get("argocd.argoproj.io/ignore-healthcheck");
        ig != nullptr && ig->IsScalar() && ig->value == "true") {
      r.skip = true;
    }
  }
  r.health = Assess(*live, options);
  return r;
}

}  // namespace capstan::health
