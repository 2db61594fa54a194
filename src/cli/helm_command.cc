// capstan helm template|lint: Helm charts rendered natively (src/helm).
#include <CLI/CLI.hpp>

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "app/application.h"
#include "app/oci_chart.h"
#include "cli/command.h"
#include "git/git.h"
#include "helm/helm.h"
#include "helm/oci.h"

namespace {

namespace helm = capstan::helm;
namespace app = capstan::app;
namespace git = capstan::git;

// Flags for a chart given as oci://host/path/chart (helm's registry flags).
struct OciFlags {
  std::string version, username, password, ca_file, credentials;
  bool plain_http = false;
};

// helm's registry config: $HELM_REGISTRY_CONFIG, else
// $HELM_CONFIG_HOME, $XDG_CONFIG_HOME/helm or ~/.config/helm, + registry/config.json.
std::string ReadRegistryConfig() {
  std::string path;
  if (const char* p = getenv("HELM_REGISTRY_CONFIG"); p && *p) path = p;
  else if (const char* c = getenv("HELM_CONFIG_HOME"); c && *c) path = std::string(c) + "/registry/config.json";
  else if (const char* x = getenv("XDG_CONFIG_HOME"); x && *x) path = std::string(x) + "/helm/registry/config.json";
  else if (const char* h = getenv("HOME"); h && *h) path = std::string(h) + "/.config/helm/registry/config.json";
  if (path.empty()) return "";
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Pulls an oci:// chart into a temp dir (removed by the caller) and returns
// the unpacked chart's directory.
std::string PullOciChart(const std::string& chart_ref, const OciFlags& f, const std::string& tmp) {
  helm::OciReference ref = helm::ParseOciReference(chart_ref, "", "chart");
  git::Credentials creds;
  if (!f.credentials.empty()) creds = git::Credentials::Load(f.credentials);
  git::Credential flag_cred;
  app::OciFetchOptions o;
  o.credential = app::FindOciCredential(&creds, ref);
  // Without flags or an entry: the login `helm registry login` stored.
  std::string login_user, login_password;
  bool login = f.username.empty() && f.password.empty() && o.credential == nullptr &&
               helm::RegistryConfigLogin(ReadRegistryConfig(), ref.registry, &login_user, &login_password);
  if (!f.username.empty() || !f.password.empty() || !f.ca_file.empty() || login) {
    if (o.credential != nullptr) flag_cred = *o.credential;
    flag_cred.url_prefix = login ? "helm's registry config" : "--username/--password";
    if (login) {
      flag_cred.username = login_user;
      flag_cred.password = login_password;
    }
    if (!f.username.empty()) flag_cred.username = f.username;
    if (!f.password.empty()) flag_cred.password = f.password;
    if (!f.ca_file.empty()) flag_cred.ca_file = f.ca_file;
    o.credential = &flag_cred;
  }
  o.plain_http = f.plain_http;
  o.refresh = true;
  o.field = "chart";
  o.version_field = "--version";
  return app::FetchOciChart(tmp, ref, f.version, o).dir;
}

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
  OciFlags oci;
  app.add_option("--version", oci.version, "chart version or semver range (oci:// charts; default: the newest)");
  app.add_option("--username", oci.username, "registry user name (oci:// charts)");
  app.add_option("--password", oci.password, "registry password (oci:// charts)");
  app.add_option("--ca-file", oci.ca_file, "PEM CAs trusted for the registry besides the system's");
  app.add_option("--credentials", oci.credentials,
                 "credentials file (docs/credentials.md) for oci:// charts (default: helm registry login's)");
  app.add_flag("--plain-http", oci.plain_http, "use http:// for the registry");
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
  std::string tmp;
  struct RemoveTmp {
    std::string& dir;
    ~RemoveTmp() {
      std::error_code ec;
      if (!dir.empty()) std::filesystem::remove_all(dir, ec);
    }
  } remove_tmp{tmp};
  try {
    if (o.chart_path.rfind("oci://", 0) == 0) {
      std::string tmpl = (std::filesystem::temp_directory_path() / "capstan-oci-XXXXXX").string();
      if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("cannot create a temp dir for the chart");
      tmp = tmpl;
      o.chart_path = PullOciChart(o.chart_path, oci, tmp);
    } else if (!oci.version.empty()) {
      throw std::runtime_error("--version applies to oci:// charts only");
    }
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
