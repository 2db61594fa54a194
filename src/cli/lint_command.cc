// capstan lint: kube-score style best-practice and security checks.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/read_input.h"
#include "kustomize/kustomize.h"
#include "lint/lint.h"
#include "validate/report.h"
#include "yaml/yaml.h"

namespace {

namespace lint = capstan::lint;
namespace validate = capstan::validate;
namespace yaml = capstan::yaml;

struct Source {
  std::string name;
  size_t first = 0, count = 0;  // range in the objects
  std::vector<int> lines;
};

std::string Describe(const yaml::Node& o) {
  std::string ns = o.StrAt({"metadata", "namespace"});
  return o.StrAt({"apiVersion"}) + " " + o.StrAt({"kind"}) + " " + (ns.empty() ? "" : ns + "/") +
         o.StrAt({"metadata", "name"});
}

int RunLint(int argc, char** argv) {
  CLI::App app{"Best-practice and security checks on rendered objects, with kube-score's check IDs "
               "(see docs/lint.md)", "capstan lint"};
  std::vector<std::string> files, kustomize_dirs, enable, disable;
  std::string output = "text", fail_on = "critical";
  bool list = false;
  app.add_option("files", files, "YAML/JSON files, or - for stdin");
  app.add_option("-k,--kustomize", kustomize_dirs, "Render this kustomization and lint the output")
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("-o,--output", output, "text, json, junit or sarif")
      ->check(CLI::IsMember({"text", "json", "junit", "sarif"}));
  app.add_option("--fail-on", fail_on, "Exit 1 on findings of this severity or worse: critical, warning or never")
      ->check(CLI::IsMember({"critical", "warning", "never"}));
  app.add_option("--enable", enable, "Also run these optional checks (comma-separated IDs)")->delimiter(',');
  app.add_option("--disable", disable, "Skip these checks (comma-separated IDs)")->delimiter(',');
  app.add_flag("--list-checks", list, "Print every check ID with its origin and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (list) {
    for (const lint::CheckInfo& c : lint::AllChecks())
      std::printf("%-50s %-10s %s%s\n", c.id.c_str(), c.origin.c_str(), c.title.c_str(), c.optional ? " (optional)" : "");
    return 0;
  }
  lint::Options options;
  for (const std::string& id : enable) {
    if (!lint::FindCheck(id)) {
      std::fprintf(stderr, "capstan lint: --enable: unknown check %s (see --list-checks)\n", id.c_str());
      return 2;
    }
    options.enable.insert(id);
  }
  for (const std::string& id : disable) {
    if (!lint::FindCheck(id)) {
      std::fprintf(stderr, "capstan lint: --disable: unknown check %s (see --list-checks)\n", id.c_str());
      return 2;
    }
    options.disable.insert(id);
  }
  if (files.empty() && kustomize_dirs.empty()) {
    std::fprintf(stderr, "capstan lint: nothing to lint: name files, - or --kustomize DIR\n");
    return 2;
  }
  std::vector<yaml::Node> objects;
  std::vector<Source> sources;
  for (const std::string& f : files) {
    std::string text, error;
    if (!capstan::cli::ReadInput(f, &text, &error)) {
      std::fprintf(stderr, "capstan lint: %s\n", error.c_str());
      return 1;
    }
    Source s{f == "-" ? "<stdin>" : f, objects.size(), 0, {}};
    try {
      for (yaml::Node& d : yaml::ParseAll(text, s.name)) {
        if (!d.IsMap()) {
          std::fprintf(stderr, "capstan lint: %s: document %zu: not a Kubernetes object (expected a mapping)\n",
                       s.name.c_str(), objects.size() - s.first + 1);
          return 1;
        }
        objects.push_back(std::move(d));
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "capstan lint: %s\n", e.what());
      return 1;
    }
    s.count = objects.size() - s.first;
    sources.push_back(s);
  }
  for (const std::string& dir : kustomize_dirs) {
    Source s{dir, objects.size(), 0, {}};
    try {
      for (yaml::Node& d : capstan::kustomize::Render(dir)) objects.push_back(std::move(d));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "capstan lint: %s\n", e.what());
      return 1;
    }
    s.count = objects.size() - s.first;
    sources.push_back(s);
  }

  std::vector<lint::Finding> findings = lint::Lint(objects, options);
  bool fail = false;
  for (const lint::Finding& f : findings) {
    if (fail_on == "critical" && f.severity == lint::Severity::kCritical) fail = true;
    if (fail_on == "warning") fail = true;
  }
  validate::Report report;
  for (const Source& s : sources)
    for (size_t i = s.first; i < s.first + s.count; ++i)
      report.subjects.push_back({s.name, Describe(objects[i]), s.name, 0});
  for (const lint::Finding& f : findings)
    report.findings.push_back({f.object, "lint", f.check, std::string(lint::SeverityName(f.severity)), f.path, f.message});
  std::string out;
  if (output == "json") {
    out = "[";
    for (size_t i = 0; i < findings.size(); ++i) {
      const lint::Finding& f = findings[i];
      const yaml::Node& o = objects[f.object];
      out += std::string(i ? ",\n" : "\n") + "  {\"check\": " + validate::JsonString(f.check) +
             ", \"severity\": \"" + std::string(lint::SeverityName(f.severity)) + "\", \"source\": " +
             validate::JsonString(report.subjects[f.object].suite) + ", \"apiVersion\": " +
             validate::JsonString(o.StrAt({"apiVersion"})) + ", \"kind\": " + validate::JsonString(o.StrAt({"kind"})) +
             ", \"namespace\": " + validate::JsonString(o.StrAt({"metadata", "namespace"})) + ", \"name\": " +
             validate::JsonString(o.StrAt({"metadata", "name"})) + ", \"path\": " + validate::JsonString(f.path) +
             ", \"message\": " + validate::JsonString(f.message) + "}";
    }
    out += findings.empty() ? "]\n" : "\n]\n";
  } else if (output == "junit") {
    out = validate::FormatJUnit(report, "capstan lint", fail_on == "warning");
  } else if (output == "sarif") {
    out = validate::FormatSarif(report);
  } else {
    out = validate::FormatText(report);
    size_t critical = 0;
    for (const lint::Finding& f : findings) critical += f.severity == lint::Severity::kCritical;
    out += std::to_string(objects.size()) + " object(s): " + std::to_string(critical) + " critical, " +
           std::to_string(findings.size() - critical) + " warning(s)\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return fail ? 1 : 0;
}

const capstan::cli::Command kCmd("lint", "Best-practice and security checks (kube-score check IDs) on manifests",
                                 RunLint);

}  // namespace
