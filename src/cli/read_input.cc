#include "cli/read_input.h"

#include <fstream>
#include <iostream>
#include <sstream>

namespace capstan::cli {

bool ReadInput(const std::string& path, std::string* text, std::string* error) {
  std::ostringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      *error = path + ": cannot open file";
      return false;
    }
    ss << in.rdbuf();
  }
  *text = ss.str();
  return true;
}

}  // namespace capstan::cli
