// capstan appset generate -f FILE: the Applications an ApplicationSet
// generates, as YAML, without a cluster (Git generators fetch into the
// cache as `capstan app` does). The controller reconciles the same set in
// the cluster.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/application.h"
#include "appset/appset.h"
#include "cli/command.h"
#include "git/git.h"
#include "yaml/yaml.h"

namespace {

namespace appset = capstan::appset;
namespace yaml = capstan::yaml;

int Run(int argc, char** argv) {
  CLI::App cli{"ApplicationSets", "capstan appset"};
  cli.require_subcommand(1);
  std::string file, cache_dir;
  auto* gen = cli.add_subcommand("generate", "Print the Applications an ApplicationSet generates");
  gen->add_option("-f,--filename", file, "ApplicationSet file")->required();
  gen->add_option("--cache-dir", cache_dir, "Git cache directory (default $CAPSTAN_HOME/cache)");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  try {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(file + ": cannot open file");
    std::stringstream ss;
    ss << in.rdbuf();
    if (cache_dir.empty()) {
      const char* home = getenv("CAPSTAN_HOME");
      const char* h = getenv("HOME");
      cache_dir = home ? std::string(home) + "/cache" : std::string(h ? h : "/tmp") + "/.capstan/cache";
    }
    capstan::git::RepoCache repos(cache_dir + "/git");
    appset::GeneratorContext ctx;
    ctx.checkout = [&](const std::string& url, const std::string& rev) {
      return repos.Snapshot(url, repos.Resolve(url, rev.empty() ? "HEAD" : rev, true));
    };
    ctx.clusters.push_back({capstan::app::kInClusterName, capstan::app::kInClusterServer, "", {}, {}});
    bool first = true;
    for (const auto& doc : yaml::ParseAll(ss.str(), file)) {
      if (doc.StrAt({"kind"}) != "ApplicationSet")
        throw std::runtime_error(file + ": " + doc.StrAt({"kind"}, "<no kind>") + " " + doc.StrAt({"metadata", "name"}) +
                                 ": kind: must be ApplicationSet");
      for (const auto& app : appset::GenerateApplications(doc, ctx)) {
        std::cout << (first ? "" : "---\n") << yaml::EmitYaml(app);
        first = false;
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstan appset: %s\n", e.what());
    return 1;
  }
}

capstan::cli::Command kCmd("appset", "ApplicationSets: print the Applications a set generates", Run);

}  // namespace
