// capstan init DIR: a GitOps repository in the platform plan's layout.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/command.h"
#include "delivery/error.h"
#include "delivery/scaffold.h"

namespace {

namespace delivery = capstan::delivery;

bool SplitPairs(const std::vector<std::string>& in, std::map<std::string, std::string>* out, const char* flag) {
  for (const std::string& p : in) {
    size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == p.size()) {
      std::fprintf(stderr, "capstan init: %s %s: expected SERVICE=VALUE\n", flag, p.c_str());
      return false;
    }
    (*out)[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return true;
}

int RunInit(int argc, char** argv) {
  CLI::App app{"Scaffold a GitOps repository: apps/<svc>/base and overlays/<env>, projects, environments/<env>/apps "
               "(Applications), infrastructure",
               "capstan init"};
  delivery::ScaffoldOptions o;
  o.services = {"example"};
  std::string dir;
  std::vector<std::string> groups, components;
  app.add_option("DIR", dir, "Directory to create (must not exist or be empty)")->required();
  app.add_option("--services", o.services, "Services, comma-separated (default: example)")->delimiter(',');
  app.add_option("--environments", o.environments, "Environments, comma-separated (default dev,staging,production)")
      ->delimiter(',');
  app.add_option("--repo-url", o.repo_url, "URL of the GitOps repository the Applications point at");
  app.add_option("--registry", o.registry, "Image registry prefix: images are REGISTRY/<svc>:TAG");
  app.add_option("--tag", o.tag, "Initial image tag (default v1.0.0)");
  app.add_option("--domain", o.domain, "Ingress host is api.DOMAIN");
  app.add_option("--default-group", o.default_group, "Namespace group: namespaces are <group>-<env> (default apps)");
  app.add_option("--ingress-services", o.ingress_services, "Services the Ingress routes /<svc> to (default: first three)")
      ->delimiter(',');
  app.add_option("--group", groups, "SERVICE=GROUP: another namespace group for one service (repeatable)");
  app.add_option("--component", components, "SERVICE=COMPONENT label (default backend; repeatable)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!SplitPairs(groups, &o.groups, "--group") || !SplitPairs(components, &o.components, "--component")) return 2;
  try {
    auto files = delivery::ScaffoldFiles(o);
    delivery::WriteScaffold(dir, files);
    std::printf("wrote %zu files under %s: %zu services x %zu environments\n", files.size(), dir.c_str(),
                o.services.size(), o.environments.size());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstan init: %s\n", e.what());
    return 1;
  }
}

const capstan::cli::Command kCmd("init", "Scaffold a GitOps repository in the plan's layout (apps, overlays, "
                                 "projects, Applications)", RunInit);

}  // namespace
