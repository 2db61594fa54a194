#include "kustomize/loader.h"

#include <filesystem>
#include <system_error>

#include "base/file_system.h"
#include "kustomize/internal.h"

namespace capstan::kustomize {

namespace fs = std::filesystem;

static std::string Canonical(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  if (ec) c = p.lexically_normal();
  std::string s = c.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

static bool Under(const std::string& path, const std::string& root) {
  if (path == root) return true;
  if (root == "/") return true;
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
         path[root.size()] == '/';
}

Loader::Loader(std::string root, const Options& options) : options_(&options) {
  std::error_code ec;
  fs::path p = fs::absolute(root, ec);
  root_ = Canonical(p);
  stack_.push_back(root_);
}

bool Loader::IsRemote(const std::string& path) {
  return path.find("://") != std::string::npos || path.rfind("github.com/", 0) == 0 ||
         path.rfind("git@", 0) == 0 || path.rfind("gitlab.com/", 0) == 0 ||
         path.rfind("bitbucket.org/", 0) == 0;
}

std::string Loader::Resolve(const std::string& rel) const {
  if (IsRemote(rel)) Fail(root_ + ": remote resource '" + rel + "' not supported");
  fs::path p = rel;
  if (p.is_relative()) p = fs::path(root_) / p;
  std::string abs = Canonical(p);
  if (options_->load_restrictor == LoadRestrictor::kRootOnly && !Under(abs, root_)) {
    Fail("security; file '" + abs + "' is not in or below '" + root_ + "'");
  }
  return abs;
}

std::string Loader::ReadFile(const std::string& rel) const {
  std::string path = Resolve(rel);
  std::error_code ec;
  if (fs::is_directory(path, ec)) Fail(path + ": is a directory, expected a file");
  auto size = fs::file_size(path, ec);
  if (ec) Fail(path + ": " + (fs::exists(path) ? "cannot read file" : "no such file or directory"));
  if (size > options_->max_file_bytes) Fail(path + ": file larger than the " +
                                            std::to_string(options_->max_file_bytes) + " byte limit");
  std::string text, err;
  if (!base::ReadFile(path, &text, &err)) Fail(err);
  return text;
}

bool Loader::IsDir(const std::string& rel) const {
  std::error_code ec;
  fs::path p = rel;
  if (p.is_relative()) p = fs::path(root_) / p;
  return fs::is_directory(p, ec);
}

Loader Loader::Sub(const std::string& rel) const {
  if (IsRemote(rel)) Fail(root_ + ": remote resource '" + rel + "' not supported");
  fs::path p = rel;
  if (p.is_relative()) p = fs::path(root_) / p;
  std::string abs = Canonical(p);
  for (const auto& visited : stack_) {
    if (Under(visited, abs)) {
      Fail("cycle detected: candidate root '" + abs + "' contains visited root '" + visited + "'");
    }
  }
  if (stack_.size() >= options_->max_depth) {
    Fail(abs + ": kustomizations nested deeper than " + std::to_string(options_->max_depth));
  }
  Loader sub = *this;
  sub.root_ = abs;
  sub.stack_.push_back(abs);
  return sub;
}

std::string Loader::RelativeToTop(const std::string& abs) const {
  return fs::path(abs).lexically_relative(top_root()).string();
}

const std::vector<std::string>& Loader::KustomizationFileNames() {
  static const std::vector<std::string> kNames = {"kustomization.yaml", "kustomization.yml",
                                                  "Kustomization"};
  return kNames;
}

std::string Loader::KustomizationFile() const {
  std::string found;
  int count = 0;
  std::error_code ec;
  for (const auto& n : KustomizationFileNames()) {
    if (fs::is_regular_file(fs::path(root_) / n, ec)) {
      if (found.empty()) found = n;
      ++count;
    }
  }
  if (count > 1) Fail(root_ + ": found multiple kustomization files");
  if (count == 0) {
    Fail("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in "
         "directory '" + root_ + "'");
  }
  return found;
}

}  // namespace capstan::kustomize
