// Masterminds/semver v3: parsing, ordering, constraint checks.
#include "gotemplate/semver.h"

#include <cctype>
#include <stdexcept>
#include <vector>

namespace capstan::gotemplate {
namespace {

bool ParseNum(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool ValidIdents(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty()) return false;
    for (char c : part) if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

int ComparePrePart(std::string_view a, std::string_view b) {
  uint64_t x, y;
  bool an = ParseNum(a, &x), bn = ParseNum(b, &y);
  if (an && bn) return x < y ? -1 : x > y ? 1 : 0;
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

int ComparePre(const std::string& a, const std::string& b) {
  if (a == b) return 0;
  if (a.empty()) return 1;
  if (b.empty()) return -1;
  size_t i = 0, j = 0;
  while (true) {
    size_t ea = a.find('.', i), eb = b.find('.', j);
    std::string_view pa = std::string_view(a).substr(i, ea == std::string::npos ? std::string::npos : ea - i);
    std::string_view pb = std::string_view(b).substr(j, eb == std::string::npos ? std::string::npos : eb - j);
    int c = ComparePrePart(pa, pb);
    if (c != 0) return c;
    if (ea == std::string::npos && eb == std::string::npos) return 0;
    if (ea == std::string::npos) return -1;
    if (eb == std::string::npos) return 1;
    i = ea + 1;
    j = eb + 1;
  }
}

struct Constraint {
  std::string op;
  SemVersion v;
  bool dirty = false, minor_dirty = false, patch_dirty = false;
  bool any = false;  // "*"
};

bool IsWild(std::string_view s) { return s == "x" || s == "X" || s == "*"; }

Constraint ParseOne(std::string_view c) {
  Constraint out;
  size_t i = 0;
  while (i < c.size() && std::string_view("=!<>~^").find(c[i]) != std::string_view::npos) ++i;
  out.op = std::string(c.substr(0, i));
  std::string_view rest = c.substr(i);
  while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
  if (out.op == "=>") out.op = ">=";
  if (out.op == "=<") out.op = "<=";
  if (!rest.empty() && (rest[0] == 'v' || rest[0] == 'V')) rest.remove_prefix(1);
  // split core and pre/meta
  std::string_view core = rest, pre, meta;
  size_t plus = rest.find('+');
  if (plus != std::string_view::npos) { meta = rest.substr(plus + 1); core = rest.substr(0, plus); }
  size_t dash = core.find('-');
  if (dash != std::string_view::npos) { pre = core.substr(dash + 1); core = core.substr(0, dash); }
  std::vector<std::string_view> parts;
  size_t s = 0;
  while (true) {
    size_t d = core.find('.', s);
    parts.push_back(core.substr(s, d == std::string_view::npos ? std::string_view::npos : d - s));
    if (d == std::string_view::npos) break;
    s = d + 1;
  }
  if (parts.empty() || parts.size() > 3 || parts[0].empty()) throw std::runtime_error("improper constraint: " + std::string(c));
  if (IsWild(parts[0])) {
    out.any = true;
    out.dirty = out.minor_dirty = out.patch_dirty = true;
    return out;
  }
  if (!ParseNum(parts[0], &out.v.major)) throw std::runtime_error("improper constraint: " + std::string(c));
  if (parts.size() < 2 || IsWild(parts[1])) {
    out.dirty = out.minor_dirty = out.patch_dirty = true;
  } else if (!ParseNum(parts[1], &out.v.minor)) {
    throw std::runtime_error("improper constraint: " + std::string(c));
  } else if (parts.size() < 3 || IsWild(parts[2])) {
    out.dirty = out.patch_dirty = true;
  } else if (!ParseNum(parts[2], &out.v.patch)) {
    throw std::runtime_error("improper constraint: " + std::string(c));
  }
  // missing minor/patch without wildcard: "1" and "1.2" are dirty in v3 too
  out.v.pre = std::string(pre);
  out.v.metadata = std::string(meta);
  return out;
}

int Cmp(const SemVersion& a, const SemVersion& b) { return CompareSemver(a, b); }

bool Check(const Constraint& c, const SemVersion& v) {
  bool pre_blocked = !v.pre.empty() && c.v.pre.empty();
  const std::string& op = c.op;
  if (c.any) {
    if (op == "" || op == "=" || op == ">=" || op == "<=" || op == "~" || op == "^" || op == "~>") return !pre_blocked;
    if (op == "!=") return false;
    return !pre_blocked;
  }
  if (op == "" || op == "=") {
    if (c.dirty) {
      if (pre_blocked) return false;
      if (v.major != c.v.major) return false;
      if (c.minor_dirty) return true;
      if (v.minor != c.v.minor) return false;
      return true;
    }
    return Cmp(v, c.v) == 0;
  }
  if (op == "!=") {
    if (c.dirty) {
      if (pre_blocked) return false;
      if (v.major != c.v.major) return true;
      if (c.minor_dirty) return false;
      return v.minor != c.v.minor;
    }
    return Cmp(v, c.v) != 0;
  }
  if (pre_blocked) return false;
  if (op == ">") {
    if (!c.dirty) return Cmp(v, c.v) > 0;
    if (v.major > c.v.major) return true;
    if (v.major < c.v.major) return false;
    if (c.minor_dirty) return false;
    return v.minor > c.v.minor;
  }
  if (op == "<") return Cmp(v, c.v) < 0;
  if (op == ">=") return Cmp(v, c.v) >= 0;
  if (op == "<=") {
    if (!c.dirty) return Cmp(v, c.v) <= 0;
    if (v.major > c.v.major) return false;
    if (v.major == c.v.major && !c.minor_dirty && v.minor > c.v.minor) return false;
    return true;
  }
  if (op == "~" || op == "~>") {
    if (Cmp(v, c.v) < 0) return false;
    if (c.v.major == 0 && c.v.minor == 0 && c.v.patch == 0 && !c.minor_dirty && !c.patch_dirty) {
      return v.major == 0 && v.minor < 1;
    }
    if (v.major != c.v.major) return false;
    if (v.minor != c.v.minor && !c.minor_dirty) return false;
    return true;
  }
  if (op == "^") {
    if (Cmp(v, c.v) < 0) return false;
    if (c.v.major > 0 || c.minor_dirty) return v.major == c.v.major;
    if (c.v.major == 0 && v.major > 0) return false;
    if (c.v.minor > 0 || c.patch_dirty) return v.minor == c.v.minor;
    if (c.v.minor == 0 && v.minor > 0) return false;
    return v.patch == c.v.patch;
  }
  throw std::runtime_error("improper constraint operator: " + op);
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

bool ParseSemver(std::string_view s, SemVersion* out) {
  SemVersion v;
  v.original = std::string(s);
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) s.remove_prefix(1);
  std::string_view core = s;
  size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    v.metadata = std::string(s.substr(plus + 1));
    if (!ValidIdents(v.metadata)) return false;
    core = s.substr(0, plus);
  }
  size_t dash = core.find('-');
  if (dash != std::string_view::npos) {
    v.pre = std::string(core.substr(dash + 1));
    if (!ValidIdents(v.pre)) return false;
    core = core.substr(0, dash);
  }
  std::vector<std::string_view> parts;
  size_t st = 0;
  while (true) {
    size_t d = core.find('.', st);
    parts.push_back(core.substr(st, d == std::string_view::npos ? std::string_view::npos : d - st));
    if (d == std::string_view::npos) break;
    st = d + 1;
  }
  if (parts.size() > 3) return false;
  if (!ParseNum(parts[0], &v.major)) return false;
  if (parts.size() > 1 && !ParseNum(parts[1], &v.minor)) return false;
  if (parts.size() > 2 && !ParseNum(parts[2], &v.patch)) return false;
  *out = v;
  return true;
}

int CompareSemver(const SemVersion& a, const SemVersion& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  return ComparePre(a.pre, b.pre);
}

std::string SemverString(const SemVersion& v) {
  std::string s = std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
  if (!v.pre.empty()) s += "-" + v.pre;
  if (!v.metadata.empty()) s += "+" + v.metadata;
  return s;
}

bool SemverSatisfies(std::string_view constraint, const SemVersion& v) {
  std::string all(constraint);
  size_t start = 0;
  while (true) {
    size_t bar = all.find("||", start);
    std::string group = Trim(std::string_view(all).substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    // hyphen ranges "a - b"
    std::vector<std::string> items;
    {
      std::string g = group;
      for (auto& ch : g) if (ch == ',') ch = ' ';
      std::vector<std::string> toks;
      size_t p = 0;
      while (p < g.size()) {
        while (p < g.size() && g[p] == ' ') ++p;
        size_t q = p;
        while (q < g.size() && g[q] != ' ') ++q;
        if (q > p) toks.push_back(g.substr(p, q - p));
        p = q;
      }
      for (size_t k = 0; k < toks.size(); ++k) {
        const std::string& t = toks[k];
        if (k + 2 < toks.size() && toks[k + 1] == "-") {
          items.push_back(">=" + t);
          items.push_back("<=" + toks[k + 2]);
          k += 2;
          continue;
        }
        // operator separated from version: ">= 1.2"
        bool only_op = !t.empty() && t.find_first_not_of("=!<>~^") == std::string::npos;
        if (only_op && k + 1 < toks.size()) {
          items.push_back(t + toks[k + 1]);
          ++k;
          continue;
        }
        items.push_back(t);
      }
    }
    if (items.empty()) throw std::runtime_error("improper constraint: " + std::string(constraint));
    bool ok = true;
    for (const auto& it : items) {
      Constraint c = ParseOne(it);
      if (!Check(c, v)) { ok = false; break; }
    }
    if (ok) return true;
    if (bar == std::string::npos) return false;
    start = bar + 2;
  }
}

}  // namespace capstan::gotemplate
