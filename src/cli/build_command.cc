// capstan build DIR: renders a kustomization like `kustomize build DIR`.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

#include "cli/command.h"
#include "git/git.h"
#include "kustomize/kustomize.h"
#include "yaml/yaml.h"

namespace {

int RunBuild(int argc, char** argv) {
  CLI::App app{"Render a kustomization to stdout, as `kustomize build DIR` does.", "capstan build"};
  std::string dir = ".";
  std::string restrictor = "LoadRestrictionsRootOnly";
  std::string output;
  app.add_option("dir", dir, "Directory holding kustomization.yaml (default: .)");
  app.add_option("--load-restrictor", restrictor,
                 "LoadRestrictionsRootOnly (default): files must be under the kustomization "
                 "directory; LoadRestrictionsNone: any file")
      ->check(CLI::IsMember({"LoadRestrictionsRootOnly", "LoadRestrictionsNone"}));
  bool offline = false;
  std::string cache_dir;
  app.add_flag("--offline", offline,
               "Remote bases (Git URLs in resources/components) come from the Git cache only; no network");
  app.add_option("--cache-dir", cache_dir,
                 "Git cache for remote bases (default $CAPSTAN_HOME/cache, else ~/.capstan/cache), shared "
                 "with `capstan app`");
  bool enable_helm = false;
  app.add_flag("--enable-helm", enable_helm, "inflate helmCharts (Helm charts rendered natively)");
  app.add_option("-o,--output", output,
                 "Write to FILE instead of stdout; if it is an existing directory, one file per "
                 "object named <group>_<version>_<kind>_<name>.yaml");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "capstan build: " << e.what() << "\n" << app.help();
    return 2;
  }
  capstan::kustomize::Options opts;
  opts.enable_helm = enable_helm;
  opts.load_restrictor = restrictor == "LoadRestrictionsNone" ? capstan::kustomize::LoadRestrictor::kNone
                                                              : capstan::kustomize::LoadRestrictor::kRootOnly;
  // Remote bases: fetched with the Git source into its cache, pinned by
  // the URL's ref; each repository is fetched at most once per build.
  std::unique_ptr<capstan::git::RepoCache> repos;
  std::map<std::string, bool> fetched;
  opts.fetch_remote = [&](const std::string& url, const std::string& ref) -> std::string {
    if (!repos) {
      if (cache_dir.empty()) {
        const char* home = std::getenv("CAPSTAN_HOME");
        const char* h = std::getenv("HOME");
        cache_dir = home && *home ? std::string(home) + "/cache" : std::string(h ? h : "/tmp") + "/.capstan/cache";
      }
      repos = std::make_unique<capstan::git::RepoCache>(cache_dir + "/git");
    }
    if (offline && !repos->Has(url))
      throw capstan::git::GitError(capstan::git::RedactUrl(url) + ": not in the Git cache (--offline)");
    bool fetch = !offline && !fetched[url];
    std::string commit = repos->Resolve(url, ref, fetch);
    fetched[url] = true;
    return repos->Snapshot(url, commit);
  };
  std::vector<capstan::yaml::Node> docs;
  std::string text;
  try {
    docs = capstan::kustomize::Render(dir, opts);
    if (output.empty() || !std::filesystem::is_directory(output)) text = capstan::yaml::EmitYamlStream(docs);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "Error: %s\n", e.what());
    return 1;
  }
  if (output.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    int rc = std::fflush(stdout) == 0 ? 0 : 1;
    // Everything is written: leave without tearing down the rendered tree
    // node by node (a tenth of a large build's time).
    std::_Exit(rc);
  }
  namespace fs = std::filesystem;
  auto write = [](const fs::path& path, const std::string& data) {
    fs::path tmp = path;
    tmp += ".tmp";
    std::ofstream out(tmp, std::ios::binary);
    out << data;
    out.close();
    std::error_code ec;
    if (!out) {
      fs::remove(tmp, ec);
      return false;
    }
    fs::rename(tmp, path, ec);
    return !ec;
  };
  if (fs::is_directory(output)) {
    for (const auto& d : docs) {
      fs::path p = fs::path(output) / capstan::kustomize::OutputFileName(d);
      if (!write(p, capstan::yaml::EmitYaml(d))) {
        std::fprintf(stderr, "Error: cannot write %s\n", p.c_str());
        return 1;
      }
    }
    return 0;
  }
  if (!write(output, text)) {
    std::fprintf(stderr, "Error: cannot write %s\n", output.c_str());
    return 1;
  }
  return 0;
}

capstan::cli::Command kCmd("build", "Render a kustomization (kustomize build)", RunBuild);

}  // namespace
