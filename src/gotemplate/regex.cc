// Sprig's regexes on PCRE2 (dlopened through base/pcre2.h).
#define PCRE2_CODE_UNIT_WIDTH 8
#include "gotemplate/regex.h"

#include <pcre2.h>

#include <memory>
#include <string_view>
#include <unordered_map>

#include "base/pcre2.h"
#include "gotemplate/value.h"

namespace capstan::gotemplate {
namespace {

using Code = base::Pcre2Code;
using MatchData = base::Pcre2MatchData;
using base::Pcre2Limits;

std::string Message(int code) {
  PCRE2_UCHAR buf[256];
  pcre2_get_error_message(code, buf, sizeof buf);
  return reinterpret_cast<char*>(buf);
}

// RE2 takes `-` next to a class escape (`[\w-.]`) literally; PCRE2 calls it
// an invalid range. Escape such dashes.
std::string Translate(const std::string& p) {
  std::string q;
  bool in_class = false, prev_escape = false;
  auto class_escape = [&](size_t i) {
    return i + 1 < p.size() && p[i] == '\\' && std::string_view("wdsWDS").find(p[i + 1]) != std::string_view::npos;
  };
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (!in_class) {
      if (c == '\\' && i + 1 < p.size()) { q += c; q += p[++i]; continue; }
      if (c == '[') {
        in_class = true;
        prev_escape = false;
        q += c;
        if (i + 1 < p.size() && p[i + 1] == '^') q += p[++i];
        if (i + 1 < p.size() && p[i + 1] == ']') q += p[++i];
        continue;
      }
      q += c;
      continue;
    }
    if (c == '\\' && i + 1 < p.size()) {
      prev_escape = class_escape(i);
      q += c;
      q += p[++i];
      continue;
    }
    if (c == '[' && i + 1 < p.size() && p[i + 1] == ':') {
      size_t e = p.find(":]", i + 2);
      if (e != std::string::npos) { q.append(p, i, e + 2 - i); i = e + 1; prev_escape = true; continue; }
    }
    if (c == '-' && (prev_escape || class_escape(i + 1)) && i + 1 < p.size() && p[i + 1] != ']') {
      q += "\\-";
      prev_escape = false;
      continue;
    }
    if (c == ']') in_class = false;
    prev_escape = false;
    q += c;
  }
  return q;
}

std::shared_ptr<Code> Compile(const std::string& pattern_in) {
  const std::string pattern = Translate(pattern_in);
  thread_local std::unordered_map<std::string, std::shared_ptr<Code>> cache;
  auto it = cache.find(pattern_in);
  if (it != cache.end()) return it->second;
  try {
    base::LoadPcre2();
  } catch (const std::exception& e) {
    throw FuncError(e.what());
  }
  int err;
  PCRE2_SIZE off;
  auto re = std::make_shared<Code>();
  re->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                           PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY, &err, &off, nullptr);
  if (!re->code) throw FuncError("error parsing regexp: " + Message(err) + ": `" + pattern_in + "`");
  if (cache.size() >= 256) cache.clear();
  cache[pattern_in] = re;
  return re;
}

bool Find(const Code& re, const std::string& s, size_t start, MatchData& m, Groups* g) {
  int rc = pcre2_match(re.code, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), start, 0, m.md, Pcre2Limits());
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc < 0) throw FuncError("regexp: " + Message(rc));
  PCRE2_SIZE* ov = pcre2_get_ovector_pointer(m.md);
  uint32_t n = pcre2_get_ovector_count(m.md);
  g->clear();
  for (uint32_t i = 0; i < n; ++i) {
    if (ov[2 * i] == PCRE2_UNSET) g->emplace_back(-1, -1);
    else g->emplace_back(static_cast<long>(ov[2 * i]), static_cast<long>(ov[2 * i + 1]));
  }
  return true;
}

size_t NextRune(const std::string& s, size_t p) {
  ++p;
  while (p < s.size() && (static_cast<unsigned char>(s[p]) & 0xC0) == 0x80) ++p;
  return p;
}

}  // namespace

bool RegexMatch(const std::string& pattern, const std::string& s) {
  auto re = Compile(pattern);
  MatchData m(*re);
  Groups g;
  return Find(*re, s, 0, m, &g);
}

std::vector<Groups> RegexFindAll(const std::string& pattern, const std::string& s, long n) {
  auto re = Compile(pattern);
  std::vector<Groups> all;
  MatchData m(*re);
  size_t pos = 0;
  long prev_end = -1;
  Groups g;
  while (pos <= s.size() && (n < 0 || static_cast<long>(all.size()) < n)) {
    if (!Find(*re, s, pos, m, &g)) break;
    if (g[0].first == g[0].second && g[0].first == prev_end) {
      pos = NextRune(s, g[0].first);
      continue;
    }
    all.push_back(g);
    prev_end = g[0].second;
    pos = g[0].second == g[0].first ? NextRune(s, g[0].second) : g[0].second;
  }
  return all;
}

}  // namespace capstan::gotemplate
