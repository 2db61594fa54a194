#include "yaml/canonical.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "base/base64.h"
#include "yaml/yaml.h"

namespace capstan::yaml::internal {
namespace {

std::string WithoutUnderscores(std::string_view in) {
  std::string s;
  s.reserve(in.size());
  for (char c : in)
    if (c != '_') s.push_back(c);
  return s;
}

// strconv.ParseInt/ParseUint with base 0 on text without underscores.
// Sets *neg and *mag; false when not an integer or beyond 64 bits.
bool ParseGoInt(std::string_view s, bool* neg, uint64_t* mag) {
  *neg = false;
  size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) *neg = s[0] == '-', i = 1;
  if (i >= s.size()) return false;
  int base = 10;
  if (s[i] == '0' && s.size() - i >= 2) {
    char p = static_cast<char>(s[i + 1] | 0x20);
    if (p == 'x' && s.size() - i >= 3) base = 16, i += 2;
    else if (p == 'o' && s.size() - i >= 3) base = 8, i += 2;
    else if (p == 'b' && s.size() - i >= 3) base = 2, i += 2;
    else base = 8, i += 1;
  }
  if (i >= s.size()) return false;
  auto r = std::from_chars(s.data() + i, s.data() + s.size(), *mag, base);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// A float64 after json.Marshal and go-yaml v2's re-resolution: integral
// values below 1e21 come back as integers.
std::string FloatValue(double d) {
  if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 1e21) {
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0)
      return std::to_string(static_cast<int64_t>(d));
    if (d >= 0 && d < 18446744073709551616.0) return std::to_string(static_cast<uint64_t>(d));
  }
  return FormatFloat(d);
}

bool ParseFloatText(std::string_view text, double* out) {
  std::string s = WithoutUnderscores(text);
  std::string_view v = s;
  bool neg = false;
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) neg = v[0] == '-', v.remove_prefix(1);
  if (v == ".inf" || v == ".Inf" || v == ".INF") {
    *out = neg ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  if (v == ".nan" || v == ".NaN" || v == ".NAN") {
    *out = NAN;
    return true;
  }
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

int DaysIn(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return kDays[month - 1];
}

bool Num(std::string_view s, size_t& i, size_t min, size_t max, int* v, size_t* ndigits = nullptr) {
  size_t start = i;
  *v = 0;
  while (i < s.size() && i - start < max && s[i] >= '0' && s[i] <= '9') *v = *v * 10 + (s[i++] - '0');
  if (ndigits) *ndigits = i - start;
  return i - start >= min;
}

// A go-yaml timestamp re-printed as time.Time's JSON form (RFC 3339 with
// nanoseconds, trailing zeros dropped, "Z" for a zero offset).
bool FormatTimestamp(std::string_view s, std::string* out) {
  size_t i = 0;
  int year, month, day, hh = 0, mm = 0, ss = 0;
  if (!Num(s, i, 4, 4, &year) || i >= s.size() || s[i++] != '-') return false;
  if (!Num(s, i, 1, 2, &month) || month < 1 || month > 12 || i >= s.size() || s[i++] != '-')
    return false;
  if (!Num(s, i, 1, 2, &day) || day < 1 || day > DaysIn(year, month)) return false;
  std::string frac, zone = "Z";
  if (i < s.size()) {
    char sep = s[i++];
    if (sep != 'T' && sep != 't' && sep != ' ') return false;
    if (!Num(s, i, 1, 2, &hh) || hh > 23 || i >= s.size() || s[i++] != ':') return false;
    if (!Num(s, i, 1, 2, &mm) || mm > 59 || i >= s.size() || s[i++] != ':') return false;
    if (!Num(s, i, 1, 2, &ss) || ss > 59) return false;
    if (i < s.size() && s[i] == '.') {
      size_t start = ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 9) ++i;
      if (i == start) return false;
      frac = std::string(s.substr(start, i - start));
      while (!frac.empty() && frac.back() == '0') frac.pop_back();
    }
    if (sep != ' ') {
      if (i >= s.size()) return false;
      if (s[i] == 'Z') {
        ++i;
      } else if (s[i] == '+' || s[i] == '-') {
        char sign = s[i++];
        int oh, om;
        size_t nd;
        if (!Num(s, i, 2, 2, &oh, &nd) || i >= s.size() || s[i++] != ':') return false;
        if (!Num(s, i, 2, 2, &om, &nd)) return false;
        if (oh != 0 || om != 0) zone = std::string(1, sign) + std::string(s.substr(i - 5, 5));
      } else {
        return false;
      }
    }
    if (i != s.size()) return false;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hh, mm, ss);
  *out = buf;
  if (!frac.empty()) *out += "." + frac;
  *out += zone;
  return true;
}

uint32_t NextRune(std::string_view s, size_t& i) {
  unsigned char c = s[i];
  int len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
  if (i + len > s.size()) len = 1;
  uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

// unicode.IsLetter: exact for ASCII and Latin-1; beyond that the common
// non-letter blocks (combining marks, punctuation, symbols, emoji, private
// use, full-width forms' punctuation) are excluded and the rest counts as
// letters. Keys are ASCII in practice.
bool IsLetter(uint32_t r) {
  if (r < 0x80) return (r | 0x20) >= 'a' && (r | 0x20) <= 'z';
  if (r < 0x100) return r == 0xAA || r == 0xB5 || r == 0xBA || (r >= 0xC0 && r != 0xD7 && r != 0xF7);
  if (r >= 0x0300 && r <= 0x036F) return false;   // combining marks
  if (r >= 0x2000 && r <= 0x2BFF) return false;   // punctuation, symbols, arrows, shapes
  if (r >= 0x3000 && r <= 0x303F) return false;   // CJK punctuation
  if (r >= 0xD800 && r <= 0xF8FF) return false;   // surrogates, private use
  if (r >= 0xFE00 && r <= 0xFE6F) return false;   // variation selectors, small forms
  if (r >= 0xFF00 && r <= 0xFF20) return false;   // full-width punctuation and digits
  if (r >= 0xFFF0 && r <= 0xFFFF) return false;   // specials
  if (r >= 0x1F000 && r <= 0x1FAFF) return false; // emoji and pictographs
  if (r >= 0xE0000) return false;                 // tags, private use planes
  return true;
}
bool IsDigit(uint32_t r) { return r >= '0' && r <= '9'; }

}  // namespace

std::string FormatFloat(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);  // [-]d[.ddd]e[+-]XX, shortest digits
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e))
    if (c != '.') digits.push_back(c);
  int exp = std::atoi(sci.c_str() + e + 1);
  std::string out = neg ? "-" : "";
  // strconv 'g' with shortest digits: %e when exp < -4 || exp >= 6.
  const int eprec = 6;
  if (exp < -4 || exp >= eprec) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exp < 0 ? "e-" : "e+";
    int a = std::abs(exp);
    if (a < 10) out += "0";
    out += std::to_string(a);
    return out;
  }
  int dp = exp + 1;
  if (dp <= 0) out += "0." + std::string(-dp, '0') + digits;
  else if (static_cast<size_t>(dp) >= digits.size()) out += digits + std::string(dp - digits.size(), '0');
  else out += digits.substr(0, dp) + "." + digits.substr(dp);
  return out;
}

namespace {

// Decimal digits with an optional '-', no leading zero: already canonical.
bool IsPlainDecimal(std::string_view v) {
  size_t i = !v.empty() && v[0] == '-' ? 1 : 0;
  if (i >= v.size() || v.size() - i > 18) return false;  // 18 digits always fit int64
  if (v[i] == '0' && v.size() - i > 1) return false;
  if (v[i] == '0' && i == 1) return false;  // "-0" prints as "0"
  for (; i < v.size(); ++i)
    if (v[i] < '0' || v[i] > '9') return false;
  return true;
}

bool CanonicalNonString(const Node& n, std::string* text) {
  const std::string& tag = n.tag;
  const std::string& v = n.value;
  if (tag == kBoolTag) {
    if (v == "true" || v == "True" || v == "TRUE") { *text = "true"; return true; }
    if (v == "false" || v == "False" || v == "FALSE") { *text = "false"; return true; }
    return false;
  }
  if (tag == kIntTag || tag == kFloatTag) {
    std::string clean = WithoutUnderscores(v);
    bool neg;
    uint64_t mag;
    if (tag == kIntTag && ParseGoInt(clean, &neg, &mag)) {
      if (!neg) {
        *text = std::to_string(mag);
        return true;
      }
      if (mag <= static_cast<uint64_t>(INT64_MAX) + 1) {
        *text = mag == 0 ? "0" : "-" + std::to_string(mag);
        return true;
      }
    }
    double d;
    if (ParseFloatText(v, &d)) {
      *text = FloatValue(d);
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view CanonicalScalar(const Node& n, std::string* scratch, bool* is_string) {
  *is_string = false;
  if (n.IsNull()) return "null";
  const std::string& tag = n.tag;
  if (tag == kStrTag) {
    *is_string = true;
    return n.value;
  }
  if ((tag == kIntTag && IsPlainDecimal(n.value)) || (tag == kBoolTag && (n.value == "true" || n.value == "false")))
    return n.value;
  if (CanonicalNonString(n, scratch)) return *scratch;
  *is_string = true;
  if (tag == kTimestampTag && FormatTimestamp(n.value, scratch)) return *scratch;
  // go-yaml decodes !!binary to its bytes, which json.Marshal prints as a string.
  if (tag == "!!binary" && base::Base64Decode(n.value, scratch)) return *scratch;
  return n.value;
}

bool HasNextLine(std::string_view s) { return s.find("\xC2\x85") != std::string_view::npos; }

std::string FoldNextLine(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    // A run of blanks that contains at least one NEL folds.
    size_t j = i;
    int nels = 0;
    while (j < s.size()) {
      if (s[j] == ' ' || s[j] == '\t') {
        ++j;
      } else if (s.compare(j, 2, "\xC2\x85") == 0) {
        ++nels;
        j += 2;
      } else {
        break;
      }
    }
    if (nels == 0) {
      out.append(s.substr(i, j > i ? j - i : 1));
      i = j > i ? j : i + 1;
      continue;
    }
    if (nels == 1) out += ' ';
    else out.append(nels - 1, '\n');
    i = j;
  }
  return out;
}

bool KeyLess(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  // Decode lazily; compare rune by rune.
  while (i < a.size() && j < b.size()) {
    size_t ia = i, jb = j;
    uint32_t ra = NextRune(a, i), rb = NextRune(b, j);
    if (ra == rb) continue;
    bool al = IsLetter(ra), bl = IsLetter(rb);
    if (al && bl) return ra < rb;
    if (al || bl) return bl;
    // Both non-letters: compare digit runs numerically.
    // Go's int64 arithmetic wraps on long digit runs; so does uint64.
    uint64_t an = 0, bn = 0;
    if (ra == '0' || rb == '0') {
      // A zero after a non-zero digit is part of a number: compare as such.
      for (size_t k = ia; k > 0; --k) {
        char c = a[k - 1];
        if (!IsDigit(static_cast<unsigned char>(c))) break;
        if (c != '0') {
          an = bn = 1;
          break;
        }
      }
    }
    size_t ai = ia, bi = jb;
    while (ai < a.size() && IsDigit(static_cast<unsigned char>(a[ai]))) an = an * 10 + (a[ai++] - '0');
    while (bi < b.size() && IsDigit(static_cast<unsigned char>(b[bi]))) bn = bn * 10 + (b[bi++] - '0');
    if (an != bn) return static_cast<int64_t>(an) < static_cast<int64_t>(bn);
    if (ai - ia != bi - jb) return ai - ia < bi - jb;
    return ra < rb;
  }
  // Shorter (in runes) first.
  return i >= a.size() && j < b.size();
}

bool IsOldBool(std::string_view s) {
  if (s.empty() || s.size() > 3) return false;
  char c = s[0];
  if (c != 'y' && c != 'Y' && c != 'n' && c != 'N' && c != 'o' && c != 'O') return false;
  static const std::string_view kOld[] = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
                                          "n", "N", "no", "No", "NO", "off", "Off", "OFF"};
  for (std::string_view o : kOld)
    if (s == o) return true;
  return false;
}

// ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
bool IsBase60Float(std::string_view s) {
  if (s.empty() || s.find(':') == std::string_view::npos) return false;
  size_t i = 0, n = s.size();
  if (s[i] == '+' || s[i] == '-') ++i;
  if (i >= n || s[i] < '0' || s[i] > '9') return false;
  ++i;
  while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_')) ++i;
  int groups = 0;
  while (i < n && s[i] == ':') {
    ++i;
    // [0-5]?[0-9]
    if (i + 1 < n && s[i] >= '0' && s[i] <= '5' && s[i + 1] >= '0' && s[i + 1] <= '9') i += 2;
    else if (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    else return false;
    ++groups;
  }
  if (groups == 0) return false;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_')) ++i;
  }
  return i == n;
}

}  // namespace capstan::yaml::internal
