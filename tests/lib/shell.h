// For GoogleTest tests that set up files and Git repositories from outside:
// Sh runs a shell command and returns its output (trailing newlines cut),
// recording a test failure when the command fails; Write writes a file,
// making its directories.
#ifndef CAPSTAN_TESTS_LIB_SHELL_H_
#define CAPSTAN_TESTS_LIB_SHELL_H_

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace capstan::testlib {

inline std::string Sh(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    ADD_FAILURE() << "cannot run: " << cmd;
    return out;
  }
  char buf[256];
  while (fgets(buf, sizeof buf, p)) out += buf;
  if (pclose(p) != 0) ADD_FAILURE() << "command failed: " << cmd;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

inline void Write(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

}  // namespace capstan::testlib

#endif  // CAPSTAN_TESTS_LIB_SHELL_H_
