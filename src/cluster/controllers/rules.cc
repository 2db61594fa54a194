#include "cluster/controllers/rules.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "yaml/yaml.h"

namespace capstan::cluster {

bool GlobMatch(const std::string& p, const std::string& t) {
  size_t pi = 0, ti = 0, star = std::string::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

static bool ParseBehavior(const std::string& s, Behavior* b, double* after) {
  if (s == "crashloop") *b = Behavior::kCrashLoop;
  else if (s == "imagepull") *b = Behavior::kImagePull;
  else if (s == "notready") *b = Behavior::kNotReady;
  else if (s == "fail") *b = Behavior::kFail;
  else if (s == "normal") *b = Behavior::kNormal;
  else if (s == "slow") *b = Behavior::kSlow;
  else if (s.rfind("slow:", 0) == 0) {
    *b = Behavior::kSlow;
    *after = std::atof(s.c_str() + 5);
  } else {
    return false;
  }
  return true;
}

Rules Rules::Parse(const yaml::Node& doc, const std::string& source) {
  Rules r;
  if (doc.IsNull()) return r;
  const yaml::Node* list = doc.Get("rules");
  if (!doc.IsMap() || !list || !list->IsSeq())
    throw std::runtime_error(source + ": rules: expected a list of {image, behavior}");
  for (size_t i = 0; i < list->items.size(); ++i) {
    const yaml::Node& n = list->items[i];
    std::string where = source + ": rules[" + std::to_string(i) + "]";
    Rule rule;
    rule.image_glob = n.StrAt({"image"});
    if (rule.image_glob.empty()) throw std::runtime_error(where + ".image: required");
    std::string b = n.StrAt({"behavior"});
    if (!ParseBehavior(b, &rule.behavior, &rule.ready_after))
      throw std::runtime_error(where + ".behavior: unknown behavior \"" + b +
                               "\" (want crashloop, imagepull, notready, slow, fail)");
    if (const yaml::Node* a = n.Get("readyAfterSeconds")) rule.ready_after = a->AsFloat(a->AsInt());
    r.rules_.push_back(rule);
  }
  return r;
}

Rules Rules::Load(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot read rules file");
  std::stringstream ss;
  ss << f.rdbuf();
  yaml::Node doc;
  try {
    doc = yaml::ParseOne(ss.str(), path);
  } catch (const std::exception& e) {
    throw std::runtime_error(e.what());
  }
  return Parse(doc, path);
}

Simulation Rules::For(const yaml::Node& pod) const {
  Simulation s;
  std::string ann = pod.StrAt({"metadata", "annotations", "capstan.dev/simulate"});
  if (!ann.empty() && ParseBehavior(ann, &s.behavior, &s.ready_after)) return s;
  if (const yaml::Node* cs = pod.At({"spec", "containers"}); cs && cs->IsSeq())
    for (const auto& c : cs->items)
      for (const auto& r : rules_)
        if (GlobMatch(r.image_glob, c.StrAt({"image"}))) {
          s.behavior = r.behavior;
          s.ready_after = r.ready_after;
          return s;
        }
  return s;
}

}  // namespace capstan::cluster
