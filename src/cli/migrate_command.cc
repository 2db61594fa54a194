// capstan migrate compose FILE: a Compose file into the plan's layout.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

#include "cli/command.h"
#include "delivery/compose_migrate.h"
#include "delivery/error.h"

namespace {

namespace delivery = capstan::delivery;

int RunMigrate(int argc, char** argv) {
  CLI::App app{"Migrate to GitOps manifests", "capstan migrate"};
  app.require_subcommand(1);
  auto* compose = app.add_subcommand(
      "compose", "Turn a Compose file into apps/<name>/base + overlays/<env> (Deployments/StatefulSets, Services, "
                 "ConfigMaps, Secrets, PVCs, probes, sync waves) and a report of every key not mapped");
  std::string file, out = ".";
  delivery::MigrateOptions o;
  bool dry_run = false;
  compose->add_option("FILE", file, "compose.yaml")->required();
  compose->add_option("--name", o.name, "App name (default: the Compose file's directory)");
  compose->add_option("--out", out, "Repository root to write apps/<name> under (default .)");
  compose->add_option("--registry", o.registry, "Registry for images of build: services (REGISTRY/<name>/<service>:latest)");
  compose->add_option("--environments", o.environments, "Overlays (default dev,staging,production)")->delimiter(',');
  compose->add_option("--repo-url", o.repo_url, "Also write environments/<env>/apps/<name>.yaml Applications for this repository");
  compose->add_option("--project", o.project, "AppProject of those Applications (default: default)");
  compose->add_flag("--strict", o.strict, "Refuse when any key cannot be mapped");
  compose->add_flag("--dry-run", dry_run, "Print the report, write nothing");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    delivery::Migration m = delivery::MigrateComposeFile(file, o);
    if (!dry_run) {
      std::string dir = (std::filesystem::path(out) / "apps" / m.app).string();
      delivery::WriteMigration(out, m);
      std::printf("wrote %zu files under %s (%zu keys not mapped, see MIGRATION.md)\n\n", m.files.size(), dir.c_str(),
                  m.unmapped);
    }
    std::fwrite(m.report.data(), 1, m.report.size(), stdout);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstan migrate compose: %s\n", e.what());
    return 1;
  }
}

const capstan::cli::Command kCmd("migrate", "Migrate a docker-compose file to the GitOps layout (apps/<name>/base + overlays)",
                                 RunMigrate);

}  // namespace
