#include "app/pre_sync_checks.h"

#include <sstream>

#include "app/application.h"
#include "lint/lint.h"
#include "validate/validate.h"

namespace capstan::app {
namespace {

std::string Describe(const yaml::Node& o) {
  std::string ns = o.StrAt({"metadata", "namespace"});
  return o.StrAt({"apiVersion"}) + " " + o.StrAt({"kind"}) + " " + (ns.empty() ? "" : ns + "/") +
         o.StrAt({"metadata", "name"});
}

}  // namespace

std::string PreSyncChecks::Describe() const {
  std::string s;
  if (validate) s += "validate";
  if (lint) s += std::string(s.empty() ? "" : ",") + (lint_warnings_fail ? "lint:warning" : "lint:critical");
  return s;
}

void ParsePreSyncChecks(const std::string& value, const std::string& where, PreSyncChecks* checks) {
  std::stringstream ss(value);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) continue;
    if (item == "validate") {
      checks->validate = true;
    } else if (item == "lint" || item == "lint:critical") {
      checks->lint = true;
    } else if (item == "lint:warning") {
      checks->lint = true;
      checks->lint_warnings_fail = true;
    } else {
      throw AppError(where + ": annotation " + kPreSyncChecksAnnotation + ": unknown check \"" + item +
                     "\" (known: validate, lint, lint:critical, lint:warning)");
    }
  }
}

PreSyncResult RunPreSyncChecks(const PreSyncChecks& checks, const std::vector<yaml::Node>& desired) {
  PreSyncResult r;
  if (checks.validate) {
    auto schemas = validate::Schemas::BuiltIn();
    schemas->AddCrds(desired, /*override_builtin=*/false);
    for (const yaml::Node& o : desired) {
      validate::DocumentResult d = validate::ValidateObject(*schemas, o);
      for (const validate::Finding& f : d.errors) {
        r.failed = true;
        r.findings.push_back(Describe(o) + ": validate " + f.type + (f.path.empty() ? "" : " " + f.path) + ": " +
                             f.detail);
      }
    }
  }
  if (checks.lint) {
    for (const lint::Finding& f : lint::Lint(desired)) {
      bool fails = checks.lint_warnings_fail || f.severity == lint::Severity::kCritical;
      if (!fails) continue;
      r.failed = true;
      r.findings.push_back(Describe(desired[f.object]) + ": lint " + f.check + " [" +
                           std::string(lint::SeverityName(f.severity)) + "]" + (f.path.empty() ? "" : " " + f.path) +
                           ": " + f.message);
    }
  }
  return r;
}

std::string PreSyncRefusal(const AppProject& project, const Application& app, const std::vector<yaml::Node>& desired) {
  PreSyncChecks checks;
  ParsePreSyncChecks(project.pre_sync_checks, "AppProject " + project.name, &checks);
  if (const yaml::Node* a = app.object.At({"metadata", "annotations"}); a != nullptr && a->IsMap())
    if (const yaml::Node* v = a->Get(kPreSyncChecksAnnotation); v != nullptr && v->IsScalar())
      ParsePreSyncChecks(v->value, "Application " + app.name, &checks);
  if (!checks.any()) return "";
  PreSyncResult r = RunPreSyncChecks(checks, desired);
  return r.failed ? r.Message(checks) : "";
}

std::string PreSyncResult::Message(const PreSyncChecks& checks) const {
  constexpr size_t kShown = 10;
  std::string m = "pre-sync checks (" + checks.Describe() + ") failed: " + std::to_string(findings.size()) +
                  " finding(s): ";
  for (size_t i = 0; i < findings.size() && i < kShown; ++i) m += (i ? "; " : "") + findings[i];
  if (findings.size() > kShown) m += "; (and " + std::to_string(findings.size() - kShown) + " more)";
  return m;
}

}  // namespace capstan::app
