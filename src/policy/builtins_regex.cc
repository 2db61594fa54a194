// regex.* built-ins on PCRE2 (Go's RE2 syntax is, for what policies write, a
// subset of PCRE2's; PCRE2's match and depth limits bound backtracking).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <list>
#include <memory>
#include <unordered_map>

#include "base/pcre2.h"
#include "policy/builtins.h"

namespace capstan::policy {

namespace {

#define BI(name) bool name(BuiltinContext& ctx, const Value* a, Value* out)

using Regex = base::Pcre2Code;
using MatchData = base::Pcre2MatchData;
using base::Pcre2Limits;

// Compiled patterns, most recent 256 kept.
std::shared_ptr<Regex> Compile(const char* fn, const std::string& pattern) {
  thread_local std::unordered_map<std::string, std::shared_ptr<Regex>> cache;
  auto it = cache.find(pattern);
  if (it != cache.end()) return it->second;
  try {
    base::LoadPcre2();
  } catch (const std::exception& e) {
    ThrowBuiltin(fn, e.what());
  }
  int err;
  PCRE2_SIZE off;
  auto re = std::make_shared<Regex>();
  re->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                           PCRE2_UTF | PCRE2_DOLLAR_ENDONLY, &err, &off, nullptr);
  if (!re->code) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(err, buf, sizeof buf);
    ThrowBuiltin(fn, "error parsing regexp: " + std::string(reinterpret_cast<char*>(buf)) + ": `" + pattern + "`");
  }
  if (cache.size() >= 256) cache.clear();
  cache[pattern] = re;
  return re;
}

// Next match at or after `start`: ovector pairs, or false.
bool Find(const char* fn, const Regex& re, const std::string& s, size_t start, MatchData& m,
          std::vector<std::pair<long, long>>* groups) {
  int rc = pcre2_match(re.code, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), start, 0, m.md, Pcre2Limits());
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc < 0) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(rc, buf, sizeof buf);
    ThrowBuiltin(fn, reinterpret_cast<char*>(buf));
  }
  PCRE2_SIZE* ov = pcre2_get_ovector_pointer(m.md);
  uint32_t n = pcre2_get_ovector_count(m.md);
  groups->clear();
  for (uint32_t i = 0; i < n; ++i) {
    if (ov[2 * i] == PCRE2_UNSET) groups->emplace_back(-1, -1);
    else groups->emplace_back(static_cast<long>(ov[2 * i]), static_cast<long>(ov[2 * i + 1]));
  }
  return true;
}

// All matches (Go's FindAll semantics: empty matches not adjacent to the
// previous match), up to n (n < 0: all).
std::vector<std::vector<std::pair<long, long>>> FindAll(const char* fn, const Regex& re, const std::string& s,
                                                        long n, BuiltinContext& ctx) {
  std::vector<std::vector<std::pair<long, long>>> all;
  MatchData m(re);
  size_t pos = 0;
  long prev_end = -1;
  std::vector<std::pair<long, long>> g;
  while (pos <= s.size() && (n < 0 || static_cast<long>(all.size()) < n)) {
    if (!Find(fn, re, s, pos, m, &g)) break;
    if (g[0].first == g[0].second && g[0].first == prev_end) {
      // empty match right after the previous one: skip a code point
      size_t next = g[0].first + 1;
      while (next < s.size() && (static_cast<unsigned char>(s[next]) & 0xC0) == 0x80) ++next;
      pos = next;
      continue;
    }
    ctx.budget->Charge(1);
    all.push_back(g);
    prev_end = g[0].second;
    if (g[0].second == g[0].first) {
      size_t next = g[0].second + 1;
      while (next < s.size() && (static_cast<unsigned char>(s[next]) & 0xC0) == 0x80) ++next;
      pos = next;
    } else {
      pos = g[0].second;
    }
  }
  return all;
}

BI(Match) {
  (void)ctx;
  auto re = Compile("regex.match", StringArg("regex.match", a, 0));
  const std::string& s = StringArg("regex.match", a, 1);
  MatchData m(*re);
  std::vector<std::pair<long, long>> g;
  *out = Value::Bool(Find("regex.match", *re, s, 0, m, &g));
  return true;
}
BI(IsValid) {
  (void)ctx;
  if (!a[0].IsString()) {
    *out = Value::Bool(false);
    return true;
  }
  try {
    Compile("regex.is_valid", a[0].S());
    *out = Value::Bool(true);
  } catch (const BuiltinError&) {
    *out = Value::Bool(false);
  }
  return true;
}
BI(SplitFn) {
  auto re = Compile("regex.split", StringArg("regex.split", a, 0));
  const std::string& s = StringArg("regex.split", a, 1);
  Array r;
  long last = 0;
  for (const auto& g : FindAll("regex.split", *re, s, -1, ctx)) {
    if (g[0].second == 0 && g[0].first == 0 && s.empty()) continue;
    r.push_back(Value::String(s.substr(last, g[0].first - last)));
    last = g[0].second;
  }
  r.push_back(Value::String(s.substr(last)));
  *out = Value::MakeArray(std::move(r));
  return true;
}
BI(FindN) {
  auto re = Compile("regex.find_n", StringArg("regex.find_n", a, 0));
  const std::string& s = StringArg("regex.find_n", a, 1);
  int64_t n = IntArg("regex.find_n", a, 2);
  Array r;
  for (const auto& g : FindAll("regex.find_n", *re, s, n, ctx)) r.push_back(Value::String(s.substr(g[0].first, g[0].second - g[0].first)));
  *out = Value::MakeArray(std::move(r));
  return true;
}
BI(FindAllSubmatch) {
  const char* fn = "regex.find_all_string_submatch_n";
  auto re = Compile(fn, StringArg(fn, a, 0));
  const std::string& s = StringArg(fn, a, 1);
  int64_t n = IntArg(fn, a, 2);
  Array r;
  for (const auto& g : FindAll(fn, *re, s, n, ctx)) {
    Array m;
    for (const auto& [b, e] : g) m.push_back(Value::String(b < 0 ? "" : s.substr(b, e - b)));
    r.push_back(Value::MakeArray(std::move(m)));
  }
  *out = Value::MakeArray(std::move(r));
  return true;
}
// Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$.
std::string Expand(const std::string& tmpl, const std::string& s, const std::vector<std::pair<long, long>>& g,
                   const Regex& re) {
  std::string r;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '$' || i + 1 >= tmpl.size()) {
      r.push_back(tmpl[i]);
      continue;
    }
    if (tmpl[i + 1] == '$') {
      r.push_back('$');
      ++i;
      continue;
    }
    std::string name;
    size_t j = i + 1;
    if (tmpl[j] == '{') {
      size_t close = tmpl.find('}', j);
      if (close == std::string::npos) {
        r.push_back('$');
        continue;
      }
      name = tmpl.substr(j + 1, close - j - 1);
      j = close + 1;
    } else {
      while (j < tmpl.size() && (std::isalnum(static_cast<unsigned char>(tmpl[j])) || tmpl[j] == '_')) name += tmpl[j++];
    }
    if (name.empty()) {
      r.push_back('$');
      continue;
    }
    long idx = -1;
    if (std::all_of(name.begin(), name.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      idx = std::stol(name.substr(0, 9));
    }
    (void)re;
    if (idx >= 0 && static_cast<size_t>(idx) < g.size() && g[idx].first >= 0) {
      r += s.substr(g[idx].first, g[idx].second - g[idx].first);
    }
    i = j - 1;
  }
  return r;
}
BI(ReplaceFn) {
  const std::string& s = StringArg("regex.replace", a, 0);
  auto re = Compile("regex.replace", StringArg("regex.replace", a, 1));
  const std::string& rep = StringArg("regex.replace", a, 2);
  std::string r;
  long last = 0;
  for (const auto& g : FindAll("regex.replace", *re, s, -1, ctx)) {
    r += s.substr(last, g[0].first - last);
    r += Expand(rep, s, g, *re);
    last = g[0].second;
  }
  r += s.substr(last);
  ctx.budget->Charge(r.size() / 64 + 1);
  *out = Value::String(std::move(r));
  return true;
}

}  // namespace

void AddRegexBuiltins(std::vector<Builtin>* out) {
  std::vector<Builtin> b = {
      {"regex.match", 2, Match}, {"re_match", 2, Match}, {"regex.is_valid", 1, IsValid},
      {"regex.split", 2, SplitFn}, {"regex.find_n", 3, FindN},
      {"regex.find_all_string_submatch_n", 3, FindAllSubmatch}, {"regex.replace", 3, ReplaceFn},
  };
  out->insert(out->end(), b.begin(), b.end());
}

}  // namespace capstan::policy
