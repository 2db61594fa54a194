// batch/v1 Job (SPEC.md §3.6).
#include "health/builtin.h"

namespace capstan::health::internal {

HealthStatus JobHealth(const yaml::Node& obj, const Gvk& gvk) {
  if (gvk.version != "v1") return UnsupportedGvk("Job", gvk);
  Decoder d;
  d.Metadata(obj);
  const yaml::Node* spec = d.Map(&obj, "spec", ".spec");
  d.OptInt(spec, "parallelism", ".spec.parallelism");
  d.OptInt(spec, "completions", ".spec.completions");
  d.OptInt(spec, "backoffLimit", ".spec.backoffLimit");
  d.OptInt(spec, "activeDeadlineSeconds", ".spec.activeDeadlineSeconds");
  d.Bool(spec, "suspend", ".spec.suspend");
  const yaml::Node* st = d.Map(&obj, "status", ".status");
  d.Int(st, "active", ".status.active");
  d.Int(st, "succeeded", ".status.succeeded");
  d.Int(st, "failed", ".status.failed");
  std::vector<Condition> conds = d.Conditions(st, "conditions", ".status.conditions");
  if (d.failed()) return DecodeFailed("Job", d);

  bool failed = false, complete = false, suspended = false;
  std::string fail_msg, message;
  for (const Condition& c : conds) {
    // Statuses are ignored except for Suspended, as in gitops-engine: a
    // Complete=False condition still counts as complete.
    if (c.type == "Failed") {
      failed = true;
      complete = true;
      fail_msg = c.message;
    } else if (c.type == "Complete") {
      complete = true;
      message = c.message;
    } else if (c.type == "Suspended") {
      complete = true;
      message = c.message;
      if (c.status == "True") suspended = true;
    }
  }
  if (!complete) return {Code::kProgressing, message};
  if (failed) return {Code::kDegraded, fail_msg};
  if (suspended) return {Code::kSuspended, fail_msg};
  return {Code::kHealthy, message};
}

}  // namespace capstan::health::internal
