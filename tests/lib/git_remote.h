// For tests of Git sources: a work tree ROOT/work (author Test
// <t@example.com>) and the bare repository ROOT/remote.git its commits are
// pushed to (branch main). Failed git commands fail the test (see shell.h).
#ifndef CAPSTAN_TESTS_LIB_GIT_REMOTE_H_
#define CAPSTAN_TESTS_LIB_GIT_REMOTE_H_

#include <filesystem>
#include <string>

#include "tests/lib/shell.h"

namespace capstan::testlib {

struct GitRemote {
  explicit GitRemote(std::filesystem::path dir) : root(std::move(dir)) {
    Sh("git init -q -b main " + Work());
    Git("config user.email t@example.com");
    Git("config user.name Test");
    Sh("git init -q --bare -b main " + Bare());
  }

  std::string Work() const { return (root / "work").string(); }
  std::string Bare() const { return (root / "remote.git").string(); }
  std::string Url() const { return "file://" + Bare(); }
  // git -C WORK ARGS; its output.
  std::string Git(const std::string& args) const { return Sh("git -C " + Work() + " " + args); }
  // Writes PATH (relative to the work tree).
  void Put(const std::string& path, const std::string& text) const { Write(root / "work" / path, text); }
  // Commits everything in the work tree and pushes it; the new commit.
  std::string Commit(const std::string& message) const {
    Git("add -A");
    Git("commit -q -m '" + message + "'");
    Git("push -q " + Bare() + " main");
    return Git("rev-parse HEAD");
  }

  std::filesystem::path root;
};

}  // namespace capstan::testlib

#endif  // CAPSTAN_TESTS_LIB_GIT_REMOTE_H_
