// A fresh directory /tmp/capstan-<name>-XXXXXX, removed with everything in
// it when the TempDir goes.
#ifndef CAPSTAN_TESTS_LIB_TEMP_DIR_H_
#define CAPSTAN_TESTS_LIB_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace capstan::testlib {

struct TempDir {
  explicit TempDir(const std::string& name) {
    std::string tmpl = "/tmp/capstan-" + name + "-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl + " failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path;
};

}  // namespace capstan::testlib

#endif  // CAPSTAN_TESTS_LIB_TEMP_DIR_H_
