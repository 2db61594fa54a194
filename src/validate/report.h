// Findings of validate, lint and check printed as text, JUnit XML or SARIF
// 2.1.0 (one shape for the three commands, so CI reads them alike).
#ifndef CAPSTAN_VALIDATE_REPORT_H_
#define CAPSTAN_VALIDATE_REPORT_H_

#include <string>
#include <vector>

namespace capstan::validate {

// One object that was checked (a JUnit test case).
struct ReportSubject {
  std::string suite;    // JUnit test suite: a file, or a kustomization
  std::string name;     // "apps/v1 Deployment shop/web (document 2)"
  std::string file;
  int line = 0;
};

struct ReportFinding {
  size_t subject = 0;       // index into the subjects
  std::string tool;         // "validate", "lint", "policy"
  std::string rule;         // "FieldValueTypeInvalid", "container-resources", ...
  std::string severity;     // "error", "critical", "warning", "note"
  std::string path;         // field path, "" for the whole object
  std::string message;
};

struct Report {
  std::vector<ReportSubject> subjects;
  std::vector<ReportFinding> findings;
  std::vector<std::string> notes;  // e.g. CEL rules not evaluated
};

// "file:line: <object>: <tool>/<rule> [severity] path: message" per finding.
std::string FormatText(const Report& report);
// <testsuites> with one <testsuite> per suite and one <testcase> per subject
// (and per tool); findings become <failure>s (warnings too, when
// `warnings_fail`; otherwise they go to <system-out>).
std::string FormatJUnit(const Report& report, const std::string& name, bool warnings_fail);
// SARIF 2.1.0: one run, tool "capstan", results with ruleId "<tool>/<rule>".
std::string FormatSarif(const Report& report);
// Escapes for XML attribute/text content.
std::string XmlEscape(const std::string& s);
std::string JsonString(const std::string& s);

}  // namespace capstan::validate

#endif  // CAPSTAN_VALIDATE_REPORT_H_
