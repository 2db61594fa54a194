// capstan ci gitlab|github: CI pipelines whose deploy jobs are capstan commands.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <string>

#include "cli/command.h"
#include "delivery/ci_templates.h"

namespace {

namespace delivery = capstan::delivery;

int RunCi(int argc, char** argv) {
  CLI::App app{"Print a CI pipeline for the plan's stages (test, build, security-scan, deploy-staging, "
               "deploy-production manual) using capstan image set / promote / check",
               "capstan ci"};
  app.require_subcommand(1);
  delivery::CiOptions o;
  auto* gitlab = app.add_subcommand("gitlab", "Print .gitlab-ci.yml");
  auto* github = app.add_subcommand("github", "Print .github/workflows/deploy.yml");
  for (CLI::App* c : {gitlab, github}) {
    c->add_option("--registry", o.registry, "Image registry prefix (images are REGISTRY/<project>)");
    c->add_option("--gitops-repo", o.gitops_repo, "URL of the GitOps repository");
    c->add_option("--branch", o.branch, "Branch of the GitOps repository (default main)");
    c->add_option("--capstan-image", o.capstan_image, "Container image with capstan and git for deploy jobs");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  // The pre-deployment check step only when this binary has `capstan check`.
  const auto& cmds = capstan::cli::AllCommands();
  o.with_check = std::any_of(cmds.begin(), cmds.end(), [](const auto& c) { return c.name == "check"; });
  std::string out = gitlab->parsed() ? delivery::GitlabPipeline(o) : delivery::GithubWorkflow(o);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

const capstan::cli::Command kCmd("ci", "Print a GitLab CI or GitHub Actions pipeline that deploys with capstan", RunCi);

}  // namespace
