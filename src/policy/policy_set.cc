#include "policy/policy_set.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "yaml/yaml.h"

namespace capstan::policy {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> YamlFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!fs::exists(p, ec)) throw std::runtime_error(p + ": no such file or directory");
    if (!fs::is_directory(p, ec)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(p, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      std::string ext = it->path().extension().string();
      if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml")) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

PolicySet LoadPolicySet(const std::vector<std::string>& paths) {
  PolicySet set;
  std::vector<std::pair<std::string, yaml::Node>> docs;
  for (const std::string& f : YamlFiles(paths)) {
    for (yaml::Node& d : yaml::ParseAll(Read(f), f)) docs.emplace_back(f, std::move(d));
  }
  std::map<std::string, std::shared_ptr<Template>> by_kind;
  for (const auto& [file, d] : docs) {
    if (d.StrAt({"kind"}) != "ConstraintTemplate") continue;
    auto t = std::make_shared<Template>(LoadTemplate(d, file));
    if (by_kind.count(t->kind)) {
      throw std::runtime_error(file + ": ConstraintTemplate " + d.StrAt({"metadata", "name"}) + ": kind " + t->kind +
                               " is already defined by " + by_kind[t->kind]->file);
    }
    by_kind[t->kind] = t;
    set.templates.push_back(t);
  }
  for (const auto& [file, d] : docs) {
    std::string kind = d.StrAt({"kind"});
    auto it = by_kind.find(kind);
    if (it == by_kind.end()) {
      if (d.StrAt({"apiVersion"}).rfind("constraints.gatekeeper.sh/", 0) == 0) {
        throw std::runtime_error(file + ": constraint " + kind + " " + d.StrAt({"metadata", "name"}) +
                                 ": no ConstraintTemplate defines kind " + kind);
      }
      continue;
    }
    set.constraints.emplace_back(it->second, LoadConstraint(d, file));
  }
  return set;
}

std::vector<PolicyViolation> CheckObjects(const PolicySet& set, const std::vector<yaml::Node>& objects) {
  std::vector<PolicyViolation> out;
  if (set.constraints.empty()) return out;
  Value inventory = BuildInventory(objects);
  for (size_t i = 0; i < objects.size(); ++i) {
    Value review = BuildReview(objects[i]);
    for (const auto& [t, c] : set.constraints) {
      try {
        for (Violation& v : ReviewBuilt(*t, c, review, inventory)) out.push_back({i, &c, std::move(v.msg), false});
      } catch (const std::exception& e) {
        out.push_back({i, &c, std::string("policy evaluation failed: ") + e.what(), true});
      }
    }
  }
  return out;
}

}  // namespace capstan::policy
