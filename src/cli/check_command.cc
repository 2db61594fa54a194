// capstan check: render every kustomization (or Application) of a repository
// and validate + lint the output; one report and one exit code for CI.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "check/check.h"
#include "cli/command.h"
#include "policy/policy_set.h"
#include "validate/report.h"
#include "validate/validate.h"

namespace {

namespace check = capstan::check;
namespace validate = capstan::validate;

std::string JsonResult(const check::Result& result) {
  using validate::JsonString;
  validate::Report report = check::ToReport(result);
  std::map<std::string, std::vector<const validate::ReportFinding*>> by_suite;
  for (const validate::ReportFinding& f : report.findings) by_suite[report.subjects[f.subject].suite].push_back(&f);
  std::string out = "{\"failed\": " + std::string(result.failed ? "true" : "false") + ", \"targets\": [";
  for (size_t i = 0; i < result.targets.size(); ++i) {
    const check::TargetResult& t = result.targets[i];
    out += std::string(i ? ",\n" : "\n") + "  {\"name\": " + JsonString(t.target.name) + ", \"path\": " +
           JsonString(t.target.path) + ", \"objects\": " + std::to_string(t.objects.size()) +
           ", \"failed\": " + (t.failed ? "true" : "false") + ", \"findings\": [";
    bool first = true;
    for (const validate::ReportFinding* f : by_suite[t.target.name]) {
      out += std::string(first ? "" : ", ") + "{\"tool\": " + JsonString(f->tool) + ", \"rule\": " + JsonString(f->rule) +
             ", \"severity\": " + JsonString(f->severity) + ", \"object\": " + JsonString(report.subjects[f->subject].name) +
             ", \"path\": " + JsonString(f->path) + ", \"message\": " + JsonString(f->message) + "}";
      first = false;
    }
    out += "]}";
  }
  return out + "\n]}\n";
}

int RunCheck(int argc, char** argv) {
  CLI::App app{"Render every kustomization (or Argo CD Application) of a repository and run validate and "
               "lint on each, in parallel: one report, one exit code for CI",
               "capstan check"};
  std::string root = ".", output = "text", junit_file, fail_on = "critical", schema_dir;
  std::vector<std::string> exclude, crd_dirs, enable, disable;
  bool applications = false, no_validate = false, no_lint = false, ignore_missing = false;
  unsigned jobs = 0;
  app.add_option("dir", root, "Repository root (default: .)");
  app.add_flag("--applications", applications,
               "Check the sources of the Argo CD Applications found in the repository instead of every kustomization");
  app.add_option("-o,--output", output, "text, json, junit or sarif")
      ->check(CLI::IsMember({"text", "json", "junit", "sarif"}));
  app.add_option("--junit", junit_file, "Also write the JUnit report to this file (GitLab CI artifacts:reports:junit)");
  app.add_option("-j,--jobs", jobs, "Targets checked at once (default: one per core)");
  app.add_option("--fail-on", fail_on, "Lint findings that fail a target: critical, warning or never")
      ->check(CLI::IsMember({"critical", "warning", "never"}));
  app.add_option("--exclude", exclude, "Skip paths matching this glob (repeatable)")
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--no-validate", no_validate, "Skip schema validation");
  app.add_flag("--no-lint", no_lint, "Skip lint");
  app.add_option("--enable", enable, "Also run these optional lint checks")->delimiter(',');
  app.add_option("--disable", disable, "Skip these lint checks")->delimiter(',');
  app.add_option("--schema-dir", schema_dir, "OpenAPI v3 documents of another Kubernetes version (/openapi/v3 layout)");
  app.add_option("--crds", crd_dirs, "Directory of CustomResourceDefinition manifests (repeatable)")
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--ignore-missing-schemas", ignore_missing, "Skip objects of unknown apiVersion/kind");
  std::vector<std::string> policy_paths;
  app.add_option("--policy", policy_paths,
                 "Gatekeeper ConstraintTemplates and constraints (file or directory, repeatable) to enforce")
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  check::Options options;
  options.validate = !no_validate;
  options.lint = !no_lint;
  options.lint_fail_on = fail_on;
  options.jobs = jobs;
  options.validate_options.ignore_missing_schemas = ignore_missing;
  for (const std::string& id : enable) options.lint_options.enable.insert(id);
  for (const std::string& id : disable) options.lint_options.disable.insert(id);
  std::unique_ptr<validate::Schemas> schemas;
  std::vector<check::Target> targets;
  auto policies = std::make_shared<capstan::policy::PolicySet>();
  try {
    if (!policy_paths.empty()) {
      *policies = capstan::policy::LoadPolicySet(policy_paths);
      // Gatekeeper constraints: deny fails the target, warn/dryrun report.
      options.policies.push_back([policies](const std::vector<capstan::yaml::Node>& objects) {
        std::vector<check::PolicyFinding> out;
        for (auto& v : capstan::policy::CheckObjects(*policies, objects)) {
          const std::string& action = v.constraint->enforcement_action;
          out.push_back({v.object, v.constraint->kind + "/" + v.constraint->name,
                         v.error || action == "deny" ? "error" : action == "warn" ? "warning" : "note", "",
                         std::move(v.msg)});
        }
        return out;
      });
    }
    schemas = schema_dir.empty() ? validate::Schemas::BuiltIn() : validate::Schemas::FromDirectory(schema_dir);
    for (const std::string& d : crd_dirs) schemas->AddCrdsFromDirectory(d);
    if (!std::filesystem::is_directory(root)) throw std::runtime_error(root + ": not a directory");
    targets = applications ? check::FindApplications(root, exclude) : check::FindKustomizations(root, exclude);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstan check: %s\n", e.what());
    return 1;
  }
  if (targets.empty()) {
    std::fprintf(stderr, "capstan check: %s: no %s found\n", root.c_str(),
                 applications ? "Argo CD Application" : "kustomization");
    return 1;
  }
  check::Result result = check::Run(root, std::move(targets), *schemas, options);
  validate::Report report = check::ToReport(result);
  std::string junit = validate::FormatJUnit(report, "capstan check", false);
  if (!junit_file.empty()) {
    std::ofstream f(junit_file, std::ios::binary | std::ios::trunc);
    f << junit;
    if (!f) {
      std::fprintf(stderr, "capstan check: %s: cannot write the JUnit report\n", junit_file.c_str());
      return 1;
    }
  }
  std::string out;
  if (output == "json") {
    out = JsonResult(result);
  } else if (output == "junit") {
    out = junit;
  } else if (output == "sarif") {
    out = validate::FormatSarif(report);
  } else {
    size_t failed = 0;
    for (const check::TargetResult& t : result.targets) {
      failed += t.failed;
      out += std::string(t.failed ? "FAIL " : "ok   ") + t.target.name + " (" + std::to_string(t.objects.size()) + " objects)\n";
    }
    std::string findings = validate::FormatText(report);
    if (!findings.empty()) out += "\n" + findings;
    out += "\n" + std::to_string(result.targets.size()) + " target(s): " +
           std::to_string(result.targets.size() - failed) + " passed, " + std::to_string(failed) + " failed\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return result.failed ? 1 : 0;
}

const capstan::cli::Command kCmd("check",
                                 "Render every kustomization (or Application) of a repo and validate + lint it: "
                                 "one report and exit code for CI",
                                 RunCheck);

}  // namespace
