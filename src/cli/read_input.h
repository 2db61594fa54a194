// The input of a command: a file, or standard input when the path is "-".
#ifndef CAPSTAN_CLI_READ_INPUT_H_
#define CAPSTAN_CLI_READ_INPUT_H_

#include <string>

namespace capstan::cli {

// Reads all of `path` (standard input for "-") into *text. On failure sets
// *error to "<path>: cannot open file" and returns false.
bool ReadInput(const std::string& path, std::string* text, std::string* error);

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_READ_INPUT_H_
