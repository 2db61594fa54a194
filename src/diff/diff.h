// Live-versus-desired comparison, the way Argo CD (gitops-engine pkg/diff)
// decides it without a server-side dry-run.
//
// Promises (rules: shared/conformance/diff/SPEC.md):
// * `modified` is true exactly when applying the desired object would change
//   the live one: fields only the server writes (status, managedFields,
//   resourceVersion, uid, generation, creationTimestamp, selfLink, defaulted
//   spec fields the desired object leaves out) are not differences.
// * The live annotation kubectl.kubernetes.io/last-applied-configuration makes
//   the comparison three-way: a field removed from the desired object since
//   the last apply is a difference.
// * Secret stringData compares equal to the same base64 data.
// * IgnoreDifferences rules (Application.spec.ignoreDifferences) remove
//   paths from every side before comparing.
// * No Secret value ever appears in `unified`, in the normalized nodes or in
//   an error message: values are masked like Argo CD's HideSecretData.
//
// Pure functions, no I/O, thread-safe.
#ifndef CAPSTAN_DIFF_DIFF_H_
#define CAPSTAN_DIFF_DIFF_H_

#include <stdexcept>
#include <string>
#include <vector>

#include "yaml/node.h"

namespace capstan::diff {

// One entry of Application.spec.ignoreDifferences (or of the argocd-cm
// resource.customizations.ignoreDifferences). `group` and `kind` are globs
// (`*`, `?`, `[a-z]`, `{a,b}`); an empty group means the core group. `name`
// and `namespace_` must match exactly when not empty.
struct IgnoreDifferences {
  std::string group;
  std::string kind;
  std::string name;
  std::string namespace_;
  // RFC 6901 pointers ("/spec/replicas"); a pointer that does not resolve is
  // skipped.
  std::vector<std::string> json_pointers;
  // jq path expressions; the supported subset is documented in jq_path.h
  // (".spec.replicas", ".a.b[]?.c",
  // ".spec.template.spec.containers[] | select(.name == \"x\") .image").
  std::vector<std::string> jq_path_expressions;
  // Fields that these managers own in the live object's metadata.managedFields
  // are not compared.
  std::vector<std::string> managed_fields_managers;
};

struct Options {
  std::vector<IgnoreDifferences> ignore_differences;
  // Role/ClusterRole with an aggregationRule: rules are filled by the
  // controller, so they are not compared (Argo CD --ignore-aggregated-roles,
  // resource.compareoptions ignoreAggregatedRoles).
  bool ignore_aggregated_roles = false;
  // Lines of context around each hunk of `unified`.
  int context_lines = 3;
};

struct DiffResult {
  bool modified = false;
  // Unified diff ("--- live" / "+++ desired") of the normalized YAML, empty
  // when not modified. Secret values are masked.
  std::string unified;
  // The live object as the desired one would leave it (Argo CD's
  // "predicted live"), normalized; null when the desired object is absent.
  // Secret values masked.
  yaml::Node normalized_desired;
  // The live object normalized the same way; null when absent. Secret values
  // masked.
  yaml::Node normalized_live;
  // "two-way", "three-way", "server-side-apply" (desired object carries
  // argocd.argoproj.io/sync-options: ServerSideApply=true; compared by
  // field-set merge without defaulting), "create" or "delete".
  std::string mode;
};

// Thrown when there is nothing to compare (both objects absent) or an object
// is not a mapping. The message never contains field values.
class DiffError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `desired` or `live` may be nullptr or a null node: the object is absent.
// Desired absent, live present: not modified (pruning is the caller's call).
// Desired present, live absent: modified (it would be created).
DiffResult Diff(const yaml::Node* desired, const yaml::Node* live, const Options& options = {});

// Replaces every Secret data value of `desired`, `live` and of live's
// last-applied annotation by runs of '+' (8, 12, 16, ... one length per
// distinct value of a key), so equal values stay visibly equal and different
// ones visibly different. Objects that are not core/v1 Secrets are left as
// they are. Either pointer may be null.
void HideSecretData(yaml::Node* desired, yaml::Node* live);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_DIFF_H_
