// Target selectors (patches, replacements): anchored regular expressions on
// group/version/kind/name/namespace plus label and annotation selectors.
#include <regex>

#include "kustomize/internal.h"

namespace capstan::kustomize {

Selector ParseSelector(const Node& n) {
  Selector s;
  if (!n.IsMap()) Fail("target selector must be a mapping");
  s.gvk.group = n.StrAt({"group"});
  s.gvk.version = n.StrAt({"version"});
  s.gvk.kind = n.StrAt({"kind"});
  s.name = n.StrAt({"name"});
  s.ns = n.StrAt({"namespace"});
  s.label_selector = n.StrAt({"labelSelector"});
  s.annotation_selector = n.StrAt({"annotationSelector"});
  return s;
}

namespace {

struct Rx {
  bool any = true;
  std::regex rx;
  explicit Rx(const std::string& pattern) {
    if (pattern.empty()) return;
    any = false;
    try {
      rx = std::regex("^(?:" + pattern + ")$");
    } catch (const std::regex_error&) {
      Fail("target selector: invalid regular expression '" + pattern + "'");
    }
  }
  bool Match(const std::string& s) const { return any || std::regex_match(s, rx); }
};

std::string EffectiveNs(const ResId& id) {
  if (IsClusterScoped(id)) return "";
  return id.ns.empty() ? "default" : id.ns;
}

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Splits on commas outside parentheses.
std::vector<std::string> SplitTerms(const std::string& s) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char c : s) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(Trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!Trim(cur).empty() || !out.empty()) out.push_back(Trim(cur));
  return out;
}

std::vector<std::string> SetValues(const std::string& inside) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : inside) {
    if (c == ',') {
      out.push_back(Trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(Trim(cur));
  return out;
}

}  // namespace

bool MatchLabelSelector(const Node* labels, const std::string& selector) {
  auto get = [&](const std::string& k) -> const Node* {
    return labels && labels->IsMap() ? labels->Get(k) : nullptr;
  };
  for (const auto& term : SplitTerms(selector)) {
    if (term.empty()) continue;
    size_t p;
    if (term[0] == '!') {
      if (get(Trim(term.substr(1)))) return false;
    } else if ((p = term.find("!=")) != std::string::npos) {
      const Node* v = get(Trim(term.substr(0, p)));
      if (v && v->value == Trim(term.substr(p + 2))) return false;
    } else if ((p = term.find("==")) != std::string::npos) {
      const Node* v = get(Trim(term.substr(0, p)));
      if (!v || v->value != Trim(term.substr(p + 2))) return false;
    } else if ((p = term.find('=')) != std::string::npos) {
      const Node* v = get(Trim(term.substr(0, p)));
      if (!v || v->value != Trim(term.substr(p + 1))) return false;
    } else if ((p = term.find(" notin ")) != std::string::npos ||
               (p = term.find(" in ")) != std::string::npos) {
      bool notin = term.compare(p, 7, " notin ") == 0;
      std::string key = Trim(term.substr(0, p));
      size_t open = term.find('(', p), close = term.rfind(')');
      if (open == std::string::npos || close == std::string::npos || close < open)
        Fail("invalid label selector '" + selector + "'");
      auto values = SetValues(term.substr(open + 1, close - open - 1));
      const Node* v = get(key);
      bool in = false;
      if (v)
        for (const auto& x : values) in = in || x == v->value;
      if (notin ? in : !in) return false;
    } else {
      if (!get(Trim(term))) return false;
    }
  }
  return true;
}

std::vector<size_t> Select(const ResList& res, const Selector& s) {
  Rx name(s.name), ns(s.ns), group(s.gvk.group), version(s.gvk.version), kind(s.gvk.kind);
  std::vector<size_t> out;
  for (size_t i = 0; i < res.size(); ++i) {
    const Resource& r = res[i];
    ResId cur = r.CurId(), org = r.OrgId();
    if (!ns.Match(EffectiveNs(org)) && !ns.Match(EffectiveNs(cur))) continue;
    if (!name.Match(org.name) && !name.Match(cur.name)) continue;
    if (!group.Match(cur.gvk.group) || !version.Match(cur.gvk.version) || !kind.Match(cur.gvk.kind))
      continue;
    if (!s.label_selector.empty() &&
        !MatchLabelSelector(r.obj.At({"metadata", "labels"}), s.label_selector))
      continue;
    if (!s.annotation_selector.empty() &&
        !MatchLabelSelector(r.obj.At({"metadata", "annotations"}), s.annotation_selector))
      continue;
    out.push_back(i);
  }
  return out;
}

}  // namespace capstan::kustomize
