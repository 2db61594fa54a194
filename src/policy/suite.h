// `gator verify`: runs the tests of Gatekeeper suite.yaml files.
#ifndef CAPSTAN_POLICY_SUITE_H_
#define CAPSTAN_POLICY_SUITE_H_

#include <string>
#include <vector>

namespace capstan::policy {

struct CaseResult {
  std::string suite, test, name;
  bool passed = false;
  bool skipped = false;
  std::string error;  // why it failed
};

// Suite files under each path (a suite.yaml file, or a directory searched
// recursively for files whose `kind` is Suite), sorted.
std::vector<std::string> FindSuites(const std::vector<std::string>& paths);

// Runs every case of one suite. A suite that cannot be read gives one
// failed result carrying the error.
std::vector<CaseResult> RunSuite(const std::string& suite_file);

// Go regexp search (RE2 syntax via PCRE2); throws std::runtime_error on a
// bad pattern.
bool RegexSearch(const std::string& pattern, const std::string& text);

}  // namespace capstan::policy

#endif  // CAPSTAN_POLICY_SUITE_H_
