// Subcommand registry of the capstan binary.
//
// Each subcommand lives in its own file in src/cli and registers itself with
// a static Command object; main() only dispatches. A command parses its own
// flags (CLI11) and calls into the modules: no logic lives here.
//
// Exit codes: 0 success, 1 failure of the operation, 2 usage error (usage on
// stderr).
#ifndef CAPSTAN_CLI_COMMAND_H_
#define CAPSTAN_CLI_COMMAND_H_

#include <functional>
#include <string>
#include <vector>

namespace capstan::cli {

// argv[0] is the subcommand name ("build"), argv[1..] its arguments.
using CommandFn = std::function<int(int argc, char** argv)>;

struct Command {
  Command(std::string name, std::string summary, CommandFn run);
};

struct CommandInfo {
  std::string name, summary;
  CommandFn run;
};
const std::vector<CommandInfo>& AllCommands();

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_COMMAND_H_
