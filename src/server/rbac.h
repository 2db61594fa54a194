// Argo CD's RBAC (argocd-rbac-cm), evaluated as Argo CD's Casbin model does:
//   request (sub, res, act, obj); policy `p, sub, res, act, obj[, allow|deny]`;
//   `g, user-or-group, role` (transitive); allowed when some matching
//   policy allows and none denies. res/act/obj match as globs (`*` also
//   crosses `/`, `?`, `[..]`, `{a,b}`) or, with policy.matchMode: regex, as
//   regular expressions. policy.default is granted to every subject.
// The built-in role:readonly and role:admin, `g, admin, role:admin`, and
// AppProject roles (proj:<project>:<role>) restricted to their project.
#ifndef CAPSTAN_SERVER_RBAC_H_
#define CAPSTAN_SERVER_RBAC_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "yaml/node.h"

namespace capstan::server {

struct PolicyRule {
  std::string sub, res, act, obj;
  bool allow = true;
};

// Argo CD's assets/builtin-policy.csv.
extern const char* const kBuiltinPolicy;

class Rbac {
 public:
  // Parses a policy.csv text; malformed lines are skipped and described in
  // errors() ("policy.csv line 3: ..."). `source` names the text.
  void AddCsv(const std::string& csv, const std::string& source);
  // The data of argocd-rbac-cm: policy.csv, policy.<anything>.csv,
  // policy.default, policy.matchMode, scopes.
  void LoadConfigMap(const yaml::Node& data);
  // spec.roles of one AppProject: policies (only for this project's
  // objects), groups and the implicit `projects, get, <project>`.
  void AddProjectRoles(const std::string& project, const yaml::Node& roles);

  // Whether any of `subjects` (a user and its groups) may do `act` on `res`
  // object `obj`.
  bool Enforce(const std::vector<std::string>& subjects, const std::string& res, const std::string& act,
               const std::string& obj) const;

  // The rules that can decide (subjects, res, act) requests, resolved once:
  // list endpoints then match only the object per item.
  class ObjectMatcher {
   public:
    bool Allows(const std::string& obj) const;

   private:
    friend class Rbac;
    const Rbac* rbac_ = nullptr;
    std::vector<const PolicyRule*> rules_;
  };
  ObjectMatcher For(const std::vector<std::string>& subjects, const std::string& res, const std::string& act) const;

  const std::string& default_role() const { return default_role_; }
  // The token claims that name groups (argocd-rbac-cm `scopes`, default [groups]).
  const std::vector<std::string>& scopes() const { return scopes_; }
  const std::vector<std::string>& errors() const { return errors_; }
  bool regex_mode() const { return regex_; }

 private:
  bool Matches(const std::string& pattern, const std::string& value) const;
  std::set<std::string> Expand(const std::vector<std::string>& subjects) const;
  std::vector<PolicyRule> rules_;
  std::map<std::string, std::set<std::string>> roles_;  // member -> roles
  std::string default_role_;
  std::vector<std::string> scopes_{"groups"};
  std::vector<std::string> errors_;
  bool regex_ = false;
};

// Argo CD's glob: `*` any run (including `/`), `?` one character, `[abc]`,
// `[a-z]`, `[!x]`, `{a,b}` alternatives.
bool GlobMatch(std::string_view pattern, std::string_view value);

}  // namespace capstan::server

#endif  // CAPSTAN_SERVER_RBAC_H_
