#include "kustomize/loader.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "base/file_system.h"
#include "kustomize/internal.h"
#include "kustomize/remote.h"

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
  if (!options.confine_to.empty()) jail_ = Canonical(fs::absolute(options.confine_to));
  CheckConfined(root, root_);
}

// `p` (absolute) with every symlink resolved, component by component,
// dangling ones included (weakly_canonical stops at a dangling link and
// keeps it as written, which would hide where it points).
static std::string ResolveLinks(const fs::path& p) {
  std::vector<fs::path> todo(p.begin(), p.end());
  std::reverse(todo.begin(), todo.end());
  fs::path out = "/";
  int hops = 0;
  while (!todo.empty()) {
    fs::path c = std::move(todo.back());
    todo.pop_back();
    if (c.empty() || c == "/" || c == ".") continue;
    if (c == "..") {
      out = out.parent_path();
      continue;
    }
    fs::path next = out / c;
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(next, ec))) {
      if (++hops > 40) return next.string();  // a loop: reading it fails later
      fs::path target = fs::read_symlink(next, ec);
      if (ec) return next.string();
      if (target.is_absolute()) out = "/";
      std::vector<fs::path> parts(target.begin(), target.end());
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) todo.push_back(*it);
      continue;
    }
    out = std::move(next);
  }
  return out.string();
}

void Loader::CheckConfined(const std::string& written, const std::string& canonical) const {
  if (jail_.empty()) return;
  const std::string& jail = jail_;
  std::string abs = ResolveLinks(canonical);
  if (Under(abs, jail)) return;
  std::string from = stack_.empty() ? std::string() : stack_.back();
  Fail((from.empty() || fs::path(written).is_absolute() ? written : from + "/" + written) + ": resolves to '" +
       abs + "', outside the repository checkout '" + jail + "'");
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
  CheckConfined(rel, abs);
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
  if (IsRemote(rel)) return SubRemote(rel);
  fs::path p = rel;
  if (p.is_relative()) p = fs::path(root_) / p;
  std::string abs = Canonical(p);
  CheckConfined(rel, abs);
  return Descend(abs);
}

Loader Loader::SubRemote(const std::string& spec) const {
  RemoteRef ref;
  try {
    ref = ParseRemoteRef(spec);
  } catch (const Error& e) {
    Fail(root_ + ": " + e.what());
  }
  if (!options_->fetch_remote)
    Fail(root_ + ": remote resource '" + spec + "': remote bases are not available here");
  std::string snapshot;
  try {
    snapshot = options_->fetch_remote(ref.repo_url, ref.ref);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    Fail(root_ + ": remote resource '" + spec + "': " + e.what());
  }
  Loader confined = *this;
  confined.jail_ = Canonical(fs::absolute(snapshot));
  std::string abs = Canonical(fs::path(confined.jail_) / ref.subdir);
  confined.CheckConfined(spec, abs);
  std::error_code ec;
  if (!fs::is_directory(abs, ec))
    Fail(root_ + ": remote resource '" + spec + "': '" + ref.subdir + "' is not a directory in " + ref.repo_url);
  return confined.Descend(abs);
}

Loader Loader::Descend(const std::string& abs) const {
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
