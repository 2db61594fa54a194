// OPA Gatekeeper semantics on top of the Rego engine, as `gator` applies
// them: ConstraintTemplates (Rego in spec.targets[0].rego/libs or the
// `engine: Rego` code entry), Constraints (spec.match, spec.parameters,
// enforcementAction), the AdmissionReview-shaped input, data.inventory, and
// the violation[{"msg", "details"}] rules.
#ifndef CAPSTAN_POLICY_GATEKEEPER_H_
#define CAPSTAN_POLICY_GATEKEEPER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "yaml/node.h"

namespace capstan::policy {

struct Template {
  std::string file;
  std::string kind;                  // spec.crd.spec.names.kind
  std::vector<std::string> package;  // package of the target's main module
  std::shared_ptr<Engine> engine;    // compiled modules
};

struct Constraint {
  std::string file;
  std::string kind, name;
  yaml::Node match;     // spec.match (null when absent)
  Value match_value;    // the same as a value
  Value parameters;     // spec.parameters ({} when absent)
  std::string enforcement_action = "deny";
};

struct Violation {
  std::string msg;
  std::optional<Value> details;
};

// Throw std::runtime_error naming the file and field on bad input; a
// template whose Rego calls an unsupported built-in fails here.
Template LoadTemplate(const yaml::Node& doc, const std::string& file, Limits limits = {});
Constraint LoadConstraint(const yaml::Node& doc, const std::string& file);

// data.inventory for the given objects (cluster[apiVersion][kind][name],
// namespace[ns][apiVersion][kind][name]).
Value BuildInventory(const std::vector<yaml::Node>& objects);

// The review gatekeeper builds for an object, or the request of an
// AdmissionReview.
Value BuildReview(const yaml::Node& object);

// Whether the constraint's spec.match selects the object. `inventory` is
// consulted for namespaceSelector.
bool Matches(const Constraint& c, const Value& review, const Value& inventory);

// Violations the constraint reports for the object (empty when it does not
// match). Throws Error when evaluation fails.
std::vector<Violation> Review(const Template& t, const Constraint& c, const yaml::Node& object,
                              const Value& inventory);
// The same for a review built once with BuildReview (many constraints).
std::vector<Violation> ReviewBuilt(const Template& t, const Constraint& c, const Value& review,
                                   const Value& inventory);

}  // namespace capstan::policy

#endif  // CAPSTAN_POLICY_GATEKEEPER_H_
