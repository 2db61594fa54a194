#include "server/rbac.h"

#include <algorithm>
#include <regex>
#include <sstream>

namespace capstan::server {

const char* const kBuiltinPolicy = R"(p, role:readonly, applications, get, */*, allow
p, role:readonly, certificates, get, *, allow
p, role:readonly, clusters, get, *, allow
p, role:readonly, repositories, get, *, allow
p, role:readonly, write-repositories, get, *, allow
p, role:readonly, projects, get, *, allow
p, role:readonly, accounts, get, *, allow
p, role:readonly, gpgkeys, get, *, allow
p, role:readonly, logs, get, */*, allow
p, role:readonly, applicationsets, get, */*, allow

p, role:admin, applications, create, */*, allow
p, role:admin, applications, update, */*, allow
p, role:admin, applications, update/*, */*, allow
p, role:admin, applications, delete, */*, allow
p, role:admin, applications, delete/*, */*, allow
p, role:admin, applications, sync, */*, allow
p, role:admin, applications, override, */*, allow
p, role:admin, applications, action/*, */*, allow
p, role:admin, applicationsets, get, */*, allow
p, role:admin, applicationsets, create, */*, allow
p, role:admin, applicationsets, update, */*, allow
p, role:admin, applicationsets, delete, */*, allow
p, role:admin, certificates, create, *, allow
p, role:admin, certificates, update, *, allow
p, role:admin, certificates, delete, *, allow
p, role:admin, clusters, create, *, allow
p, role:admin, clusters, update, *, allow
p, role:admin, clusters, delete, *, allow
p, role:admin, repositories, create, *, allow
p, role:admin, repositories, update, *, allow
p, role:admin, repositories, delete, *, allow
p, role:admin, write-repositories, create, *, allow
p, role:admin, write-repositories, update, *, allow
p, role:admin, write-repositories, delete, *, allow
p, role:admin, projects, create, *, allow
p, role:admin, projects, update, *, allow
p, role:admin, projects, delete, *, allow
p, role:admin, accounts, update, *, allow
p, role:admin, gpgkeys, create, *, allow
p, role:admin, gpgkeys, delete, *, allow
p, role:admin, exec, create, */*, allow
p, role:admin, applications, rollback, */*, allow

g, role:admin, role:readonly
g, admin, role:admin
)";

namespace {

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Casbin's CSV: comma-separated, fields may be double-quoted.
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"') {
      if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == ',' && !quoted) {
      out.push_back(Trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(Trim(cur));
  return out;
}

bool GlobAt(std::string_view p, std::string_view v, int depth);

// `{a,b}` at the front of p: tries each alternative followed by the rest.
bool Alternatives(std::string_view p, std::string_view v, int depth) {
  int level = 0;
  size_t close = std::string_view::npos;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '{') ++level;
    else if (p[i] == '}' && --level == 0) {
      close = i;
      break;
    }
  }
  if (close == std::string_view::npos) return !v.empty() && v[0] == '{' && GlobAt(p.substr(1), v.substr(1), depth + 1);
  std::string_view body = p.substr(1, close - 1), rest = p.substr(close + 1);
  size_t start = 0;
  level = 0;
  for (size_t i = 0; i <= body.size(); ++i) {
    if (i < body.size() && body[i] == '{') ++level;
    if (i < body.size() && body[i] == '}') --level;
    if (i == body.size() || (body[i] == ',' && level == 0)) {
      std::string alt = std::string(body.substr(start, i - start)) + std::string(rest);
      if (GlobAt(alt, v, depth + 1)) return true;
      start = i + 1;
    }
  }
  return false;
}

bool GlobAt(std::string_view p, std::string_view v, int depth) {
  if (depth > 64) return false;  // hostile nesting
  while (!p.empty()) {
    char c = p[0];
    if (c == '*') {
      while (!p.empty() && p[0] == '*') p.remove_prefix(1);
      if (p.empty()) return true;
      for (size_t i = 0; i <= v.size(); ++i)
        if (GlobAt(p, v.substr(i), depth + 1)) return true;
      return false;
    }
    if (c == '{') return Alternatives(p, v, depth);
    if (v.empty()) return false;
    if (c == '?') {
    } else if (c == '[') {
      size_t close = p.find(']', 2);
      if (close == std::string_view::npos) {
        if (v[0] != '[') return false;
        p.remove_prefix(1);
        v.remove_prefix(1);
        continue;
      }
      std::string_view set = p.substr(1, close - 1);
      bool negate = !set.empty() && (set[0] == '!' || set[0] == '^');
      if (negate) set.remove_prefix(1);
      bool in = false;
      for (size_t i = 0; i < set.size(); ++i) {
        if (i + 2 < set.size() && set[i + 1] == '-') {
          if (v[0] >= set[i] && v[0] <= set[i + 2]) in = true;
          i += 2;
        } else if (set[i] == v[0]) {
          in = true;
        }
      }
      if (in == negate) return false;
      p.remove_prefix(close + 1);
      v.remove_prefix(1);
      continue;
    } else if (c == '\\' && p.size() > 1) {
      p.remove_prefix(1);
      if (p[0] != v[0]) return false;
    } else if (c != v[0]) {
      return false;
    }
    p.remove_prefix(1);
    v.remove_prefix(1);
  }
  return v.empty();
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view value) { return GlobAt(pattern, value, 0); }

void Rbac::AddCsv(const std::string& csv, const std::string& source) {
  std::istringstream in(csv);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    auto f = SplitCsv(t);
    std::string where = source + " line " + std::to_string(n) + ": ";
    if (f[0] == "p") {
      if (f.size() != 5 && f.size() != 6) {
        errors_.push_back(where + "a p line has 5 or 6 fields (p, subject, resource, action, object[, effect])");
        continue;
      }
      PolicyRule r{f[1], f[2], f[3], f[4], true};
      if (f.size() == 6) {
        if (f[5] == "deny") r.allow = false;
        else if (f[5] != "allow") {
          errors_.push_back(where + "effect must be allow or deny, not \"" + f[5] + "\"");
          continue;
        }
      }
      rules_.push_back(std::move(r));
    } else if (f[0] == "g") {
      if (f.size() != 3) {
        errors_.push_back(where + "a g line has 3 fields (g, subject, role)");
        continue;
      }
      roles_[f[1]].insert(f[2]);
    } else {
      errors_.push_back(where + "a line starts with p or g, not \"" + f[0] + "\"");
    }
  }
}

void Rbac::LoadConfigMap(const yaml::Node& data) {
  if (!data.IsMap()) return;
  if (data.StrAt({"policy.matchMode"}) == "regex") regex_ = true;
  default_role_ = data.StrAt({"policy.default"});
  std::string scopes = data.StrAt({"scopes"});
  if (!scopes.empty()) {
    scopes_.clear();
    std::string cur;
    for (char c : scopes) {
      if (c == '[' || c == ']' || c == ',' || c == ' ' || c == '\'' || c == '"') {
        if (!cur.empty()) scopes_.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) scopes_.push_back(cur);
  }
  // policy.csv first, then the policy.*.csv overlays in key order (Argo CD).
  if (const auto* p = data.Get("policy.csv"); p && p->IsScalar()) AddCsv(p->Str(), "argocd-rbac-cm policy.csv");
  std::vector<std::string> overlays;
  for (const auto& f : data.fields) {
    const std::string& k = f.key.Str();
    if (k != "policy.csv" && k.rfind("policy.", 0) == 0 && k.size() > 4 && k.substr(k.size() - 4) == ".csv")
      overlays.push_back(k);
  }
  std::sort(overlays.begin(), overlays.end());
  for (const auto& k : overlays) AddCsv(data.StrAt({k}), "argocd-rbac-cm " + k);
}

void Rbac::AddProjectRoles(const std::string& project, const yaml::Node& roles) {
  if (!roles.IsSeq()) return;
  // Objects a project role may name: <project>/<app> or <project>/<ns>/<app>.
  std::regex own("^" + std::regex_replace(project, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                 R"((/[*\w.\-]+)?/[*\w.\-]+$)");
  for (const auto& role : roles.items) {
    std::string name = role.StrAt({"name"});
    if (name.empty()) continue;
    std::string subject = "proj:" + project + ":" + name;
    rules_.push_back({subject, "projects", "get", project, true});
    if (const auto* pol = role.Get("policies"); pol && pol->IsSeq()) {
      for (const auto& line : pol->items) {
        auto f = SplitCsv(line.Str());
        std::string where = "AppProject " + project + " role " + name + ": ";
        if (f.size() != 6 || f[0] != "p") {
          errors_.push_back(where + "a policy has 6 fields (p, subject, resource, action, object, effect)");
          continue;
        }
        if (f[1] != subject) {
          errors_.push_back(where + "policy subject must be " + subject);
          continue;
        }
        if (!std::regex_match(f[4], own)) {
          errors_.push_back(where + "policy object \"" + f[4] + "\" is outside project " + project);
          continue;
        }
        rules_.push_back({f[1], f[2], f[3], f[4], f[5] != "deny"});
      }
    }
    if (const auto* groups = role.Get("groups"); groups && groups->IsSeq())
      for (const auto& g : groups->items) roles_[g.Str()].insert(subject);
  }
}

bool Rbac::Matches(const std::string& pattern, const std::string& value) const {
  if (!regex_) return GlobMatch(pattern, value);
  try {
    return std::regex_search(value, std::regex(pattern));
  } catch (const std::regex_error&) {
    return false;
  }
}

std::set<std::string> Rbac::Expand(const std::vector<std::string>& subjects) const {
  // Every subject reachable through g lines, plus the default role.
  std::set<std::string> all;
  std::vector<std::string> todo(subjects.begin(), subjects.end());
  if (!default_role_.empty()) todo.push_back(default_role_);
  while (!todo.empty()) {
    std::string s = todo.back();
    todo.pop_back();
    if (!all.insert(s).second) continue;
    if (all.size() > 1000) break;
    auto it = roles_.find(s);
    if (it != roles_.end())
      for (const auto& r : it->second) todo.push_back(r);
  }
  return all;
}

Rbac::ObjectMatcher Rbac::For(const std::vector<std::string>& subjects, const std::string& res,
                              const std::string& act) const {
  ObjectMatcher m;
  m.rbac_ = this;
  std::set<std::string> all = Expand(subjects);
  for (const auto& r : rules_)
    if (all.count(r.sub) && Matches(r.res, res) && Matches(r.act, act)) m.rules_.push_back(&r);
  return m;
}

bool Rbac::ObjectMatcher::Allows(const std::string& obj) const {
  bool allowed = false;
  for (const PolicyRule* r : rules_) {
    if (!rbac_->Matches(r->obj, obj)) continue;
    if (!r->allow) return false;  // deny wins
    allowed = true;
  }
  return allowed;
}

bool Rbac::Enforce(const std::vector<std::string>& subjects, const std::string& res, const std::string& act,
                   const std::string& obj) const {
  return For(subjects, res, act).Allows(obj);
}

}  // namespace capstan::server
