#include "app/project.h"

#include <algorithm>
#include <cctype>

#include "resource/resource.h"

namespace capstan::app {
namespace {

bool IsDeny(std::string_view pattern) { return !pattern.empty() && pattern[0] == '!'; }

// Expands the first {a,b,...} group; patterns without braces come back as is.
std::vector<std::string> ExpandBraces(std::string_view p) {
  auto open = p.find('{');
  if (open == std::string_view::npos) return {std::string(p)};
  int depth = 0;
  size_t close = std::string_view::npos;
  std::vector<size_t> commas;
  for (size_t i = open; i < p.size(); ++i) {
    if (p[i] == '{') ++depth;
    else if (p[i] == '}' && --depth == 0) {
      close = i;
      break;
    } else if (p[i] == ',' && depth == 1) commas.push_back(i);
  }
  if (close == std::string_view::npos) return {std::string(p)};
  std::vector<std::string> out;
  size_t start = open + 1;
  commas.push_back(close);
  for (size_t c : commas) {
    std::string alt = std::string(p.substr(0, open)) + std::string(p.substr(start, c - start)) +
                      std::string(p.substr(close + 1));
    for (auto& e : ExpandBraces(alt)) out.push_back(std::move(e));
    start = c + 1;
  }
  return out;
}

bool Match(std::string_view p, std::string_view v, char sep) {
  size_t pi = 0, vi = 0, star_p = std::string_view::npos, star_v = 0;
  while (vi < v.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star_p = pi++;
      star_v = vi;
      continue;
    }
    if (pi < p.size() && p[pi] == '[') {
      size_t close = p.find(']', pi + 1);
      if (close != std::string_view::npos) {
        bool negate = pi + 1 < close && (p[pi + 1] == '!' || p[pi + 1] == '^');
        bool hit = false;
        for (size_t k = pi + 1 + (negate ? 1 : 0); k < close; ++k) {
          if (k + 2 < close && p[k + 1] == '-') {
            if (v[vi] >= p[k] && v[vi] <= p[k + 2]) hit = true;
            k += 2;
          } else if (p[k] == v[vi]) {
            hit = true;
          }
        }
        if (hit != negate && (sep == 0 || v[vi] != sep)) {
          pi = close + 1;
          ++vi;
          continue;
        }
      }
    } else if (pi < p.size() && ((p[pi] == '?' && (sep == 0 || v[vi] != sep)) || p[pi] == v[vi])) {
      ++pi;
      ++vi;
      continue;
    }
    if (star_p != std::string_view::npos && (sep == 0 || v[star_v] != sep)) {
      pi = star_p + 1;
      vi = ++star_v;
      continue;
    }
    return false;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

// Argo CD's globMatch with negation.
bool ArgoGlob(std::string_view pattern, std::string_view value, char sep = 0) {
  if (IsDeny(pattern)) return !GlobMatch(pattern.substr(1), value, sep);
  if (pattern == "*") return true;
  return GlobMatch(pattern, value, sep);
}

bool InList(const std::vector<GroupKind>& list, const std::string& group, const std::string& kind) {
  for (const auto& gk : list) {
    bool kind_ok = gk.kind == "*" || GlobMatch(gk.kind, kind);
    bool group_ok = gk.group == "*" || GlobMatch(gk.group, group);
    if (kind_ok && group_ok) return true;
  }
  return false;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view value, char separator) {
  for (const auto& alt : ExpandBraces(pattern))
    if (Match(alt, value, separator)) return true;
  return false;
}

std::string NormalizeRepoUrl(std::string_view url) {
  std::string s(url);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!s.empty() && s.back() == '/') s.pop_back();
  if (s.size() > 4 && s.compare(s.size() - 4, 4, ".git") == 0) s.resize(s.size() - 4);
  return s;
}

std::optional<std::string> CheckSource(const AppProject& p, const std::string& repo_url) {
  if (p.allow_all) return std::nullopt;
  std::string src = NormalizeRepoUrl(repo_url);
  bool any = false, deny = false;
  for (const auto& pattern : p.source_repos) {
    std::string norm = IsDeny(pattern) ? "!" + NormalizeRepoUrl(pattern.substr(1)) : NormalizeRepoUrl(pattern);
    bool matched = ArgoGlob(norm, src, '/');
    if (matched) any = true;
    else if (IsDeny(norm)) deny = true;
  }
  if (deny) any = false;
  if (!any) return "application repo " + repo_url + " is not permitted in project '" + p.name + "'";
  return std::nullopt;
}

std::optional<std::string> CheckDestination(const AppProject& p, const std::string& server,
                                            const std::string& name, const std::string& ns) {
  if (p.allow_all) return std::nullopt;
  bool any = false, no_deny = true;
  for (const auto& d : p.destinations) {
    bool name_ok = !name.empty() && ArgoGlob(d.name, name);
    bool server_ok = !server.empty() && ArgoGlob(d.server, server);
    bool ns_ok = ArgoGlob(d.namespace_, ns);
    if ((server_ok || name_ok) && ns_ok) {
      any = true;
    } else if ((!name_ok && IsDeny(d.name)) || (!server_ok && IsDeny(d.server)) ||
               (!ns_ok && IsDeny(d.namespace_))) {
      no_deny = false;
    }
  }
  if (any && no_deny) return std::nullopt;
  return "application destination server '" + server + "' and namespace '" + ns +
         "' do not match any of the allowed destinations in project '" + p.name + "'";
}

std::optional<std::string> CheckResource(const AppProject& p, const std::string& group,
                                         const std::string& kind, bool namespaced) {
  if (p.allow_all) return std::nullopt;
  bool white, black;
  if (namespaced) {
    white = !p.namespace_whitelist_set || InList(p.namespace_whitelist, group, kind);
    black = InList(p.namespace_blacklist, group, kind);
  } else {
    white = InList(p.cluster_whitelist, group, kind);
    black = InList(p.cluster_blacklist, group, kind);
  }
  if (white && !black) return std::nullopt;
  return "resource " + group + ":" + kind + " is not permitted in project " + p.name;
}

std::vector<std::string> Violations(const AppProject& p, const Application& app,
                                    const std::string& server, const std::vector<yaml::Node>& objects) {
  std::vector<std::string> out;
  if (auto e = CheckSource(p, app.source.repo_url)) out.push_back(*e);
  if (auto e = CheckDestination(p, server, app.destination.name, app.destination.namespace_))
    out.push_back(*e);
  for (const auto& obj : objects) {
    resource::ResId id = resource::ResId::Of(obj);
    bool namespaced = !resource::IsClusterScoped(id.gvk);
    std::string what = id.gvk.kind + " " + (id.ns.empty() ? "" : id.ns + "/") + id.name;
    if (auto e = CheckResource(p, id.gvk.group, id.gvk.kind, namespaced)) {
      out.push_back(what + ": " + *e);
      continue;
    }
    if (namespaced && !id.ns.empty() && id.ns != app.destination.namespace_) {
      if (CheckDestination(p, server, app.destination.name, id.ns))
        out.push_back(what + ": namespace " + id.ns + " is not permitted in project '" + p.name + "'");
    }
  }
  return out;
}

}  // namespace capstan::app
