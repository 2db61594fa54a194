// A set of Gatekeeper policies loaded from files or directories, checked
// against a list of rendered objects (what `capstan check --policy` runs).
#ifndef CAPSTAN_POLICY_POLICY_SET_H_
#define CAPSTAN_POLICY_POLICY_SET_H_

#include <memory>
#include <string>
#include <vector>

#include "policy/gatekeeper.h"
#include "yaml/node.h"

namespace capstan::policy {

struct PolicySet {
  std::vector<std::shared_ptr<Template>> templates;
  std::vector<std::pair<std::shared_ptr<Template>, Constraint>> constraints;
};

// Every YAML document of the files (directories: their *.yaml/*.yml,
// recursively): ConstraintTemplates, and constraints (documents whose kind
// is a loaded template's kind). Other documents (sample objects, suites) are
// ignored; a constraints.gatekeeper.sh object without its template, or a
// template that does not load, is an error naming the file.
PolicySet LoadPolicySet(const std::vector<std::string>& paths);

struct PolicyViolation {
  size_t object = 0;  // index into the objects checked
  const Constraint* constraint = nullptr;
  std::string msg;
  bool error = false;  // the evaluation failed (msg says why)
};

// Reviews every object against every constraint; the objects are also the
// inventory (data.inventory). A review whose evaluation fails (limits,
// strict errors) gives one violation with `error` set. Safe to call from
// several threads at once.
std::vector<PolicyViolation> CheckObjects(const PolicySet& set, const std::vector<yaml::Node>& objects);

}  // namespace capstan::policy

#endif  // CAPSTAN_POLICY_POLICY_SET_H_
