// capstan check: one command for CI. Finds every kustomization (or every
// Argo CD Application) in a repository, renders each, and runs validate,
// lint and any registered policy checks on the output, in parallel; one
// report (text, JSON, JUnit, SARIF) and one verdict.
//
// Order: all targets render first (in parallel); CRDs found in any render
// are registered for all; then every target is validated and linted (in
// parallel). Results come back in target order, whatever the scheduling.
#ifndef CAPSTAN_CHECK_CHECK_H_
#define CAPSTAN_CHECK_CHECK_H_

#include <functional>
#include <string>
#include <vector>

#include "app/application.h"
#include "lint/lint.h"
#include "validate/report.h"
#include "validate/validate.h"
#include "yaml/node.h"

namespace capstan::check {

struct Target {
  enum class Kind { kKustomization, kApplication } kind = Kind::kKustomization;
  std::string name;       // "apps/auth/overlays/dev" or "Application auth-dev"
  std::string path;       // directory rendered, relative to the root
  std::string manifest;   // the Application's file (applications only)
  app::Source source;     // applications only
  std::string error;      // set when the target itself could not be read
};

// Directories holding kustomization.yaml|.yml|Kustomization (not Components),
// sorted; hidden directories are skipped; `exclude` are globs on the
// relative path.
std::vector<Target> FindKustomizations(const std::string& root, const std::vector<std::string>& exclude = {});
// Argo CD Applications in *.yaml/*.yml files; their source paths are read
// from the same repository.
std::vector<Target> FindApplications(const std::string& root, const std::vector<std::string>& exclude = {});

// A finding of a policy engine (the policy module registers itself here).
struct PolicyFinding {
  size_t object = 0;
  std::string rule, severity = "error", path, message;
};
using PolicyCheck = std::function<std::vector<PolicyFinding>(const std::vector<yaml::Node>& objects)>;


struct Options {
  bool validate = true, lint = true;
  lint::Options lint_options;
  // Lint findings at or above this fail the target; "never" to report only.
  std::string lint_fail_on = "critical";
  validate::Options validate_options;
  std::vector<PolicyCheck> policies;
  unsigned jobs = 0;  // 0: one per core
};

struct TargetResult {
  Target target;
  std::string render_error;
  std::vector<yaml::Node> objects;
  std::vector<validate::DocumentResult> validation;
  std::vector<lint::Finding> lint;
  std::vector<PolicyFinding> policy;
  bool failed = false;
};

struct Result {
  std::vector<TargetResult> targets;
  bool failed = false;
};

Result Run(const std::string& root, std::vector<Target> targets, validate::Schemas& schemas, const Options& options);

// Subjects: one per rendered object (suite = target), plus one per target
// that failed to render.
validate::Report ToReport(const Result& result);

}  // namespace capstan::check

#endif  // CAPSTAN_CHECK_CHECK_H_
