// capstan lint: best-practice and security checks on rendered objects.
//
// Check IDs and meaning follow kube-score where kube-score has the check
// (container-resources, pod-probes, ...); capstan adds the migration
// checks of the team's plan (secrets kept out of ConfigMaps and literal env
// values, configuration from ConfigMaps/Secrets) and a few security-context
// checks kube-score lacks. docs/lint.md documents every check.
//
// Objects are checked together: cross-object checks (Service selectors,
// NetworkPolicies, PodDisruptionBudgets, Ingress backends, HPA targets)
// look for their partners among the same objects, within a namespace.
//
// Annotations on an object (or its pod template), as kube-score reads them:
//   kube-score/ignore: id1,id2   skip these checks for the object
//   kube-score/enable: id        run these optional checks for the object
//
// Pure and reentrant; never throws on input.
#ifndef CAPSTAN_LINT_LINT_H_
#define CAPSTAN_LINT_LINT_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "yaml/node.h"

namespace capstan::lint {

enum class Severity { kWarning, kCritical };
std::string_view SeverityName(Severity s);  // "warning", "critical"

struct CheckInfo {
  std::string id;           // "container-resources"
  std::string title;        // one line
  std::string origin;       // "kube-score" or "capstan"
  bool optional = false;    // off unless enabled (annotation or Options::enable)
};
const std::vector<CheckInfo>& AllChecks();
const CheckInfo* FindCheck(std::string_view id);

struct Finding {
  std::string check;        // check ID
  Severity severity = Severity::kCritical;
  size_t object = 0;        // index into the objects given to Lint
  std::string path;         // field path, "" for the object
  std::string message;
};

struct Options {
  std::set<std::string> enable;   // optional checks to run everywhere
  std::set<std::string> disable;  // checks to skip everywhere
};

// Findings ordered by object, then check, then path.
std::vector<Finding> Lint(const std::vector<yaml::Node>& objects, const Options& options = {});

}  // namespace capstan::lint

#endif  // CAPSTAN_LINT_LINT_H_
