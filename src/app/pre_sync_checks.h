// Checks that gate a sync: the annotation
//   capstan.io/pre-sync-checks: validate,lint:critical
// on an AppProject or an Application makes `app sync` (and the controller)
// refuse a revision whose rendered output fails them: nothing is applied,
// the findings go to the Application's conditions and the operation's
// message. A project's checks cannot be switched off by its Applications:
// both lists apply.
//
// Items: `validate` (OpenAPI schema validation of every rendered object,
// built-in 1.32 schemas plus CRDs in the output), `lint` or `lint:critical`
// (critical `capstan lint` findings fail), `lint:warning` (any finding
// fails). Argo CD has no such gate.
#ifndef CAPSTAN_APP_PRE_SYNC_CHECKS_H_
#define CAPSTAN_APP_PRE_SYNC_CHECKS_H_

#include <string>
#include <vector>

#include "yaml/node.h"

namespace capstan::app {

inline constexpr const char* kPreSyncChecksAnnotation = "capstan.io/pre-sync-checks";

struct PreSyncChecks {
  bool validate = false;
  bool lint = false;
  bool lint_warnings_fail = false;  // lint:warning
  bool any() const { return validate || lint; }
  std::string Describe() const;     // "validate,lint:critical"
};

// Adds the items of one annotation value. Throws AppError naming `where`
// and the unknown item.
void ParsePreSyncChecks(const std::string& value, const std::string& where, PreSyncChecks* checks);

struct PreSyncResult {
  bool failed = false;
  std::vector<std::string> findings;  // "apps/v1 Deployment ns/web: validate FieldValueTypeInvalid spec.replicas: ..."
  // One line: "pre-sync checks (validate,lint:critical) failed: N finding(s): a; b; ... (and N more)".
  std::string Message(const PreSyncChecks& checks) const;
};

PreSyncResult RunPreSyncChecks(const PreSyncChecks& checks, const std::vector<yaml::Node>& desired);

struct AppProject;
struct Application;
// The checks `project` and `app` require, run on `desired`: the message of
// the refusal, or "" when the revision may be applied. Throws AppError on an
// unknown check name.
std::string PreSyncRefusal(const AppProject& project, const Application& app, const std::vector<yaml::Node>& desired);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_PRE_SYNC_CHECKS_H_
