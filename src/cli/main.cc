// capstan: GitOps for Kubernetes. Dispatches to the registered subcommand.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/command.h"

namespace capstan::cli {

static std::vector<CommandInfo>& Registry() {
  static std::vector<CommandInfo> commands;
  return commands;
}

Command::Command(std::string name, std::string summary, CommandFn run) {
  Registry().push_back({std::move(name), std::move(summary), std::move(run)});
}

const std::vector<CommandInfo>& AllCommands() {
  auto& r = Registry();
  std::sort(r.begin(), r.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return r;
}

}  // namespace capstan::cli

namespace {

void PrintHelp(FILE* out) {
  std::fprintf(out,
               "capstan - GitOps for Kubernetes in one binary\n\n"
               "Usage: capstan <command> [flags]\n\nCommands:\n");
  for (const auto& c : capstan::cli::AllCommands())
    std::fprintf(out, "  %-14s %s\n", c.name.c_str(), c.summary.c_str());
  std::fprintf(out,
               "  %-14s %s\n  %-14s %s\n\nRun 'capstan <command> --help' for a command's flags.\n",
               "help", "Show this help", "version", "Print the version");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintHelp(stderr);
    return 2;
  }
  std::string cmd = argv[1];
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    if (argc > 2) {
      for (const auto& c : capstan::cli::AllCommands()) {
        if (c.name == argv[2]) {
          char help[] = "--help";
          char* args[] = {argv[2], help, nullptr};
          return c.run(2, args);
        }
      }
    }
    PrintHelp(stdout);
    return 0;
  }
  if (cmd == "version" || cmd == "--version") {
    std::printf("capstan %s\n", CAPSTAN_VERSION);
    return 0;
  }
  for (const auto& c : capstan::cli::AllCommands()) {
    if (c.name == cmd) return c.run(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "capstan: unknown command \"%s\"\nRun 'capstan help' for usage.\n", cmd.c_str());
  return 2;
}
