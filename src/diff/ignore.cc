#include "diff/ignore.h"

#include <string>

#include "diff/jq_path.h"
#include "diff/value.h"
#include "resource/resource.h"
#include "yaml/yaml.h"

namespace capstan::diff {

using yaml::Node;

// ---------------------------------------------------------------------------
// Globs (gobwas/glob syntax as Argo CD's util/glob uses it, no separators).

namespace {

bool GlobAt(std::string_view p, size_t pi, std::string_view t, size_t ti, int depth);

// Matches the class starting at p[pi] == '[' against c; sets `end` past ']'.
bool ClassMatch(std::string_view p, size_t pi, char c, size_t* end) {
  size_t i = pi + 1;
  bool negate = i < p.size() && (p[i] == '!' || p[i] == '^');
  if (negate) ++i;
  bool hit = false;
  bool first = true;
  while (i < p.size() && (first || p[i] != ']')) {
    first = false;
    char lo = p[i];
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      char hi = p[i + 2];
      if (c >= lo && c <= hi) hit = true;
      i += 3;
    } else {
      if (c == lo) hit = true;
      ++i;
    }
  }
  if (i >= p.size()) return false;  // unterminated class: no match
  *end = i + 1;
  return hit != negate;
}

bool GlobAt(std::string_view p, size_t pi, std::string_view t, size_t ti, int depth) {
  if (depth > 64) return false;
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '*') {
      while (pi < p.size() && p[pi] == '*') ++pi;
      if (pi == p.size()) return true;
      for (size_t k = ti; k <= t.size(); ++k)
        if (GlobAt(p, pi, t, k, depth + 1)) return true;
      return false;
    }
    if (c == '{') {
      // Alternatives: {a,b,c} (not nested).
      size_t close = p.find('}', pi);
      if (close == std::string_view::npos) return false;
      std::string_view alts = p.substr(pi + 1, close - pi - 1);
      std::string rest(p.substr(close + 1));
      size_t start = 0;
      for (;;) {
        size_t comma = alts.find(',', start);
        std::string candidate = std::string(alts.substr(start, comma - start)) + rest;
        if (GlobAt(candidate, 0, t, ti, depth + 1)) return true;
        if (comma == std::string_view::npos) return false;
        start = comma + 1;
      }
    }
    if (ti >= t.size()) return false;
    if (c == '?') {
      ++pi, ++ti;
    } else if (c == '[') {
      size_t end;
      if (!ClassMatch(p, pi, t[ti], &end)) return false;
      pi = end, ++ti;
    } else {
      if (c == '\\' && pi + 1 < p.size()) c = p[++pi];
      if (c != t[ti]) return false;
      ++pi, ++ti;
    }
  }
  return ti == t.size();
}

// Argo CD v3 cleans every object a rule matched: empty maps and lists left
// behind by the removals (and any others) go away.
void RemoveEmptyObjects(Node& obj) {
  if (!obj.IsMap()) return;
  std::vector<yaml::Field> kept;
  kept.reserve(obj.fields.size());
  for (auto& f : obj.fields) {
    if (f.value.IsMap()) {
      RemoveEmptyObjects(f.value);
      if (f.value.fields.empty()) continue;
    } else if (f.value.IsSeq()) {
      std::vector<Node> items;
      for (auto& item : f.value.items) {
        if (item.IsMap()) {
          RemoveEmptyObjects(item);
          if (item.fields.empty()) continue;
        }
        items.push_back(std::move(item));
      }
      f.value.items = std::move(items);
      if (f.value.items.empty()) continue;
    }
    kept.push_back(std::move(f));
  }
  obj.fields = std::move(kept);
}

std::string Unescape(std::string_view token) {
  std::string out;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out.push_back(token[i + 1] == '0' ? '~' : '/');
      ++i;
    } else {
      out.push_back(token[i]);
    }
  }
  return out;
}

// --- managedFields (FieldsV1) ----------------------------------------------

bool ElementMatchesKey(const Node& item, const Node& key) {
  if (!item.IsMap() || !key.IsMap()) return false;
  for (const auto& f : key.fields) {
    const Node* v = item.Get(f.key.value);
    if (!v || !JsonEqual(*v, f.value)) return false;
  }
  return true;
}

// Removes from `obj` what `set` (a FieldsV1 tree) lists.
void RemoveSet(Node& obj, const Node& set) {
  if (!set.IsMap()) return;
  for (const auto& entry : set.fields) {
    const std::string& k = entry.key.value;
    const Node& sub = entry.value;
    bool leaf = !sub.IsMap() || sub.fields.empty() ||
                (sub.fields.size() == 1 && sub.fields[0].key.value == ".");
    if (k.rfind("f:", 0) == 0) {
      if (!obj.IsMap()) continue;
      std::string name = k.substr(2);
      Node* child = obj.Get(name);
      if (!child) continue;
      if (leaf) {
        obj.Remove(name);
      } else {
        RemoveSet(*child, sub);
      }
    } else if (k.rfind("k:", 0) == 0 || k.rfind("v:", 0) == 0) {
      if (!obj.IsSeq()) continue;
      Node key;
      try {
        key = yaml::ParseJson(k.substr(2), "managedFields");
      } catch (const std::exception&) {
        continue;
      }
      bool is_key = k[0] == 'k';
      for (size_t i = 0; i < obj.items.size(); ++i) {
        Node& item = obj.items[i];
        bool hit = is_key ? ElementMatchesKey(item, key) : JsonEqual(item, key);
        if (!hit) continue;
        if (leaf || !is_key) {
          obj.items.erase(obj.items.begin() + static_cast<long>(i));
        } else {
          RemoveSet(item, sub);
        }
        break;
      }
    } else if (k.rfind("i:", 0) == 0) {
      if (!obj.IsSeq()) continue;
      size_t idx = std::strtoul(k.c_str() + 2, nullptr, 10);
      if (idx >= obj.items.size()) continue;
      if (leaf)
        obj.items.erase(obj.items.begin() + static_cast<long>(idx));
      else
        RemoveSet(obj.items[idx], sub);
    }
  }
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text) {
  return GlobAt(pattern, 0, text, 0, 0);
}

bool RuleMatches(const IgnoreDifferences& rule, const Node& obj, std::string_view namespace_hint) {
  return GlobMatch(rule.group, resource::Gvk::Of(obj).group) && GlobMatch(rule.kind, obj.StrAt({"kind"})) &&
         (rule.name.empty() || rule.name == obj.StrAt({"metadata", "name"})) &&
         (rule.namespace_.empty() || rule.namespace_ == obj.StrAt({"metadata", "namespace"}, namespace_hint));
}

bool RemoveJsonPointer(Node& obj, std::string_view pointer) {
  if (pointer.empty() || pointer[0] != '/') return false;
  std::vector<std::string> tokens;
  size_t start = 1;
  for (;;) {
    size_t slash = pointer.find('/', start);
    tokens.push_back(Unescape(pointer.substr(start, slash == std::string_view::npos ? slash : slash - start)));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  Node* cur = &obj;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    bool last = i + 1 == tokens.size();
    if (cur->IsMap()) {
      if (last) return cur->Remove(t);
      cur = cur->Get(t);
    } else if (cur->IsSeq()) {
      if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos) return false;
      if (t.size() > 1 && t[0] == '0') return false;
      size_t idx = std::strtoul(t.c_str(), nullptr, 10);
      if (idx >= cur->items.size()) return false;
      if (last) {
        cur->items.erase(cur->items.begin() + static_cast<long>(idx));
        return true;
      }
      cur = &cur->items[idx];
    } else {
      return false;
    }
    if (!cur) return false;
  }
  return false;
}

void RemoveManagedFields(Node& obj, const Node& managed_fields, const std::vector<std::string>& managers) {
  if (!managed_fields.IsSeq() || managers.empty()) return;
  for (const auto& entry : managed_fields.items) {
    std::string manager = entry.StrAt({"manager"});
    bool trusted = false;
    for (const auto& m : managers) trusted |= m == manager;
    if (!trusted) continue;
    const Node* set = entry.Get("fieldsV1");
    if (!set) continue;
    // Never strip the identity of the object.
    Node api = obj.Get("apiVersion") ? *obj.Get("apiVersion") : Node::Null();
    Node kind = obj.Get("kind") ? *obj.Get("kind") : Node::Null();
    RemoveSet(obj, *set);
    if (!IsNullish(&api) && !obj.Get("apiVersion")) obj.Set("apiVersion", api);
    if (!IsNullish(&kind) && !obj.Get("kind")) obj.Set("kind", kind);
  }
}

void ApplyIgnoreDifferences(Node& obj, const std::vector<IgnoreDifferences>& rules,
                            const Node* live_managed_fields, std::string_view namespace_hint) {
  if (!obj.IsMap()) return;
  bool matched = false;
  for (const auto& rule : rules) {
    if (!RuleMatches(rule, obj, namespace_hint)) continue;
    if (rule.json_pointers.empty() && rule.jq_path_expressions.empty() &&
        rule.managed_fields_managers.empty())
      continue;
    matched = true;
    for (const auto& p : rule.json_pointers) RemoveJsonPointer(obj, p);
    for (const auto& expr : rule.jq_path_expressions) {
      try {
        JqPath jq = JqPath::Parse(expr);
        DeletePaths(obj, jq.Paths(obj));
      } catch (const JqError&) {
        // Argo CD logs and skips a normalization that fails on this object.
      }
    }
    if (live_managed_fields) RemoveManagedFields(obj, *live_managed_fields, rule.managed_fields_managers);
  }
  if (matched) RemoveEmptyObjects(obj);
}

}  // namespace capstan::diff
