// capstan helm template|lint: Helm charts rendered natively (src/helm).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "helm/helm.h"

namespace {

namespace helm = capstan::helm;

int RunTemplate(int argc, char** argv) {
  CLI::App app{"Render a Helm chart as `helm template` does", "capstan helm template"};
  helm::TemplateOptions o;
  std::vector<std::string> positional;
  app.add_option("args", positional, "RELEASE CHART, or CHART (release name \"release-name\")");
  app.add_option("-n,--namespace", o.namespace_, "namespace");
  // Helm's StringSlice flags split on commas; its StringArray flags (--set*, --show-only) do not.
  app.add_option("-f,--values", o.value_files, "values files")->take_all()->delimiter(',');
  app.add_option("--set", o.set, "set values (a.b=c,d=e)")->take_all();
  app.add_option("--set-string", o.set_string, "set string values")->take_all();
  app.add_option("--set-json", o.set_json, "set JSON values")->take_all();
  app.add_option("--set-file", o.set_file, "set values from files")->take_all();
  app.add_option("--kube-version", o.kube_version, "Kubernetes version for .Capabilities");
  app.add_option("-a,--api-versions", o.api_versions, "extra API versions for .Capabilities")->take_all()->delimiter(',');
  app.add_flag("--include-crds", o.include_crds, "print the crds/ of the chart and its subcharts");
  app.add_flag("--skip-tests", o.skip_tests, "do not print test hooks");
  app.add_flag("--skip-schema-validation", o.skip_schema_validation, "do not validate values.schema.json");
  app.add_flag("--is-upgrade", o.is_upgrade, "set .Release.IsUpgrade");
  app.add_option("-s,--show-only", o.show_only, "only print these templates")->take_all();
  std::string release_name_flag;
  bool generate_name = false;
  app.add_option("--name-template", release_name_flag, "release name");
  app.add_flag("-g,--generate-name", generate_name, "generate a release name");
  app.allow_windows_style_options(false);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (positional.size() == 2) {
    o.release_name = positional[0];
    o.chart_path = positional[1];
  } else if (positional.size() == 1) {
    o.chart_path = positional[0];
  } else {
    std::cerr << "Error: \"capstan helm template\" requires RELEASE CHART or CHART\n";
    return 2;
  }
  if (!release_name_flag.empty()) o.release_name = release_name_flag;
  try {
    helm::TemplateResult r = helm::Template(o);
    for (const auto& w : r.warnings) std::cerr << w << "\n";
    std::fwrite(r.output.data(), 1, r.output.size(), stdout);
    return 0;
  } catch (const helm::RenderError& e) {
    std::cerr << "Error: " << e.what() << "\n\nUse --debug flag to render out invalid YAML\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "Error: " << e.what() << "\n";
    return 1;
  }
}

int RunLint(int argc, char** argv) {
  CLI::App app{"Check a Helm chart as `helm lint` does", "capstan helm lint"};
  std::vector<std::string> charts, values, set;
  app.add_option("chart", charts, "chart directories or archives")->required();
  app.add_option("-f,--values", values, "values files")->take_all();
  app.add_option("--set", set, "set values")->take_all();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  int failed = 0;
  for (const auto& c : charts) {
    std::cout << "==> Linting " << c << "\n";
    bool err = false;
    for (const auto& m : helm::Lint(c, values, set)) {
      std::cout << "[" << m.severity << "] " << (m.path.empty() ? "" : m.path + ": ") << m.message << "\n";
      err |= m.severity == "ERROR";
    }
    std::cout << "\n";
    failed += err;
  }
  std::string summary = std::to_string(charts.size()) + " chart(s) linted, " + std::to_string(failed) + " chart(s) failed";
  if (failed) {
    std::cerr << "Error: " << summary << "\n";
    return 1;
  }
  std::cout << summary << "\n";
  return 0;
}

int Run(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << "usage: capstan helm template RELEASE CHART [flags] | capstan helm lint CHART [-f values]\n";
    return argc < 2 ? 2 : 0;
  }
  std::string sub = argv[1];
  if (sub == "template") return RunTemplate(argc - 1, argv + 1);
  if (sub == "lint") return RunLint(argc - 1, argv + 1);
  std::cerr << "capstan helm: unknown subcommand \"" << sub << "\" (template, lint)\n";
  return 2;
}

capstan::cli::Command helm_command("helm", "render (template) and lint Helm charts natively", Run);

}  // namespace
