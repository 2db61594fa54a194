// Target discovery: kustomizations and Applications in a repository tree.
#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "check/check.h"
#include "yaml/yaml.h"

namespace capstan::check {
namespace {

namespace fs = std::filesystem;

bool Excluded(const std::string& rel, const std::vector<std::string>& exclude) {
  for (const std::string& g : exclude)
    if (fnmatch(g.c_str(), rel.c_str(), 0) == 0 || rel.rfind(g + "/", 0) == 0 || rel == g) return true;
  return false;
}

std::string Relative(const fs::path& p, const fs::path& root) {
  std::string r = fs::relative(p, root).generic_string();
  return r.empty() ? "." : r;
}

template <typename Fn>
void Walk(const fs::path& root, const std::vector<std::string>& exclude, Fn fn) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (it->is_directory(ec)) {
      if ((!name.empty() && name[0] == '.') || name == "node_modules" || Excluded(Relative(p, root), exclude))
        it.disable_recursion_pending();
      continue;
    }
    fn(p);
  }
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::vector<Target> FindKustomizations(const std::string& root, const std::vector<std::string>& exclude) {
  std::vector<Target> out;
  Walk(root, exclude, [&](const fs::path& p) {
    std::string name = p.filename().string();
    if (name != "kustomization.yaml" && name != "kustomization.yml" && name != "Kustomization") return;
    std::string rel = Relative(p.parent_path(), root);
    if (Excluded(rel, exclude)) return;
    try {
      yaml::Node k = yaml::ParseOne(ReadFile(p), p.string());
      if (k.StrAt({"kind"}) == "Component") return;  // not buildable alone
    } catch (const std::exception&) {
      // a broken kustomization is a target that fails to render
    }
    Target t;
    t.name = rel;
    t.path = rel;
    out.push_back(std::move(t));
  });
  std::sort(out.begin(), out.end(), [](const Target& a, const Target& b) { return a.path < b.path; });
  return out;
}

std::vector<Target> FindApplications(const std::string& root, const std::vector<std::string>& exclude) {
  std::vector<Target> out;
  Walk(root, exclude, [&](const fs::path& p) {
    std::string ext = p.extension().string();
    if (ext != ".yaml" && ext != ".yml") return;
    std::string rel = Relative(p, root);
    if (Excluded(rel, exclude)) return;
    std::string text = ReadFile(p);
    if (text.find("argoproj.io/") == std::string::npos || text.find("Application") == std::string::npos) return;
    std::vector<yaml::Node> docs;
    try {
      docs = yaml::ParseAll(text, rel);
    } catch (const std::exception& e) {
      return;  // not ours to judge: validate reports YAML errors
    }
    for (const yaml::Node& d : docs) {
      if (!d.IsMap() || d.StrAt({"kind"}) != "Application" || d.StrAt({"apiVersion"}).rfind("argoproj.io/", 0) != 0)
        continue;
      Target t;
      t.kind = Target::Kind::kApplication;
      t.manifest = rel;
      t.name = "Application " + d.StrAt({"metadata", "name"});
      try {
        app::Application a = app::ParseApplication(d, rel);
        t.source = a.source;
        t.path = a.source.path;
        t.name += " (" + a.source.path + ")";
      } catch (const std::exception& e) {
        t.error = e.what();
      }
      out.push_back(std::move(t));
    }
  });
  std::sort(out.begin(), out.end(), [](const Target& a, const Target& b) {
    return std::tie(a.manifest, a.name) < std::tie(b.manifest, b.name);
  });
  return out;
}

}  // namespace capstan::check
