// OPA Gatekeeper policies (src/policy) as a capstan check policy: the
// ConstraintTemplates and Constraints of a directory, reviewed against every
// rendered object of a target with the target's objects as data.inventory.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "check/check.h"
#include "policy/gatekeeper.h"
#include "yaml/yaml.h"

namespace capstan::check {

PolicyCheck LoadGatekeeperPolicies(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error(dir + ": not a directory");
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::string ext = it->path().extension().string();
    if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  auto templates = std::make_shared<std::map<std::string, policy::Template>>();
  auto constraints = std::make_shared<std::vector<policy::Constraint>>();
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    for (const yaml::Node& doc : yaml::ParseAll(ss.str(), f.string())) {
      if (!doc.IsMap()) continue;
      std::string av = doc.StrAt({"apiVersion"});
      if (doc.StrAt({"kind"}) == "ConstraintTemplate" && av.rfind("templates.gatekeeper.sh/", 0) == 0) {
        policy::Template t = policy::LoadTemplate(doc, f.string());
        std::string kind = t.kind;
        templates->insert_or_assign(kind, std::move(t));
      } else if (av.rfind("constraints.gatekeeper.sh/", 0) == 0) {
        constraints->push_back(policy::LoadConstraint(doc, f.string()));
      }
    }
  }
  for (const policy::Constraint& c : *constraints)
    if (!templates->count(c.kind))
      throw std::runtime_error(c.file + ": constraint " + c.name + ": no ConstraintTemplate defines kind " + c.kind);
  // The engines are not reentrant: one review at a time.
  auto mu = std::make_shared<std::mutex>();
  return [templates, constraints, mu](const std::vector<yaml::Node>& objects) {
    std::vector<PolicyFinding> out;
    if (constraints->empty()) return out;
    std::lock_guard<std::mutex> lock(*mu);
    policy::Value inventory = policy::BuildInventory(objects);
    for (size_t i = 0; i < objects.size(); ++i) {
      if (!objects[i].IsMap()) continue;
      policy::Value review = policy::BuildReview(objects[i]);
      for (const policy::Constraint& c : *constraints) {
        if (c.enforcement_action == "dryrun") continue;
        std::string severity = c.enforcement_action == "deny" ? "error" : "warning";
        std::string rule = c.kind + "/" + c.name;
        try {
          for (const policy::Violation& v : policy::ReviewBuilt(templates->at(c.kind), c, review, inventory))
            out.push_back({i, rule, severity, "", v.msg});
        } catch (const std::exception& e) {
          out.push_back({i, rule, "error", "", std::string("policy evaluation failed: ") + e.what()});
        }
      }
    }
    return out;
  };
}

}  // namespace capstan::check
