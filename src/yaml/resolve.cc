// Plain-scalar tag resolution, following go-yaml v3's resolver (the one
// kyaml uses): YAML 1.2 core booleans only (`yes`/`on` are strings), Go
// style integers (0x, 0o, 0b, leading-zero octal, `_` separators), floats
// matching go-yaml's float pattern, and YYYY-MM-DD timestamps.
#include <cctype>
#include <cstdint>
#include <string>

#include "yaml/yaml.h"

namespace capstan::yaml {
namespace {

bool IsDigitIn(char c, int base) {
  if (base == 16) return std::isxdigit(static_cast<unsigned char>(c));
  if (c < '0' || c > '9') return false;
  return c - '0' < base;
}

// strconv.ParseInt(s, 0, 64) || ParseUint: accepts sign, base prefix
// (0x 0o 0b, or a leading 0 meaning octal). `s` has no underscores.
bool ParsesAsGoInt(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  int base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    if (p == 'x') base = 16, s.remove_prefix(2);
    else if (p == 'o') base = 8, s.remove_prefix(2);
    else if (p == 'b') base = 2, s.remove_prefix(2);
    else base = 8, s.remove_prefix(1);
    if (s.empty()) return false;
  }
  // Range check: int64 for negatives, uint64 for positives (ParseUint path
  // only for unsigned text; "+1" fails ParseUint but passes ParseInt).
  unsigned __int128 v = 0;
  for (char c : s) {
    if (!IsDigitIn(c, base)) return false;
    int d = std::isdigit(static_cast<unsigned char>(c))
                ? c - '0'
                : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
    v = v * base + d;
    if (v > (static_cast<unsigned __int128>(1) << 64)) return false;
  }
  if (neg) return v <= (static_cast<unsigned __int128>(1) << 63);
  return v <= UINT64_MAX;
}

// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool MatchesYamlFloat(std::string_view s) {
  size_t i = 0, n = s.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < n && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < n && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == n;
}

// Go's strconv.ParseFloat on text starting with '.': ".5", ".5e3".
bool ParsesAsDotFloat(std::string_view s) {
  return MatchesYamlFloat(s);
}

bool ReadNum(std::string_view s, size_t& i, int min_digits, int max_digits, int* out) {
  size_t start = i;
  int v = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) &&
         static_cast<int>(i - start) < max_digits) {
    v = v * 10 + (s[i] - '0');
    ++i;
  }
  if (static_cast<int>(i - start) < min_digits) return false;
  if (out) *out = v;
  return true;
}

// go-yaml v3 parseTimestamp: "2006-1-2", "2006-1-2T15:4:5.999999999Z07:00",
// "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999".
bool IsTimestamp(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i != 4 || i == s.size() || s[i] != '-') return false;
  ++i;
  int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int month, day;
  if (!ReadNum(s, i, 1, 2, &month) || month < 1 || month > 12) return false;
  if (i >= s.size() || s[i] != '-') return false;
  ++i;
  // Go's time.Parse checks the day against the month ("2024-02-30" is a string).
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max_day = kDays[month - 1];
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) max_day = 29;
  if (!ReadNum(s, i, 1, 2, &day) || day < 1 || day > max_day) return false;
  if (i == s.size()) return true;
  char sep = s[i];
  if (sep != 'T' && sep != 't' && sep != ' ') return false;
  ++i;
  int hh, mm, ss;
  if (!ReadNum(s, i, 1, 2, &hh) || hh > 23) return false;
  if (i >= s.size() || s[i] != ':') return false;
  ++i;
  if (!ReadNum(s, i, 1, 2, &mm) || mm > 59) return false;
  if (i >= s.size() || s[i] != ':') return false;
  ++i;
  if (!ReadNum(s, i, 1, 2, &ss) || ss > 59) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!ReadNum(s, i, 1, 9, nullptr)) return false;
  }
  if (sep == ' ') return i == s.size();
  // Zone: "Z" or ±hh:mm.
  if (i >= s.size()) return false;
  if (s[i] == 'Z') return i + 1 == s.size();
  if (s[i] != '+' && s[i] != '-') return false;
  ++i;
  if (!ReadNum(s, i, 2, 2, nullptr)) return false;
  if (i >= s.size() || s[i] != ':') return false;
  ++i;
  if (!ReadNum(s, i, 2, 2, nullptr)) return false;
  return i == s.size();
}

}  // namespace

std::string_view ResolvePlainTag(std::string_view in) {
  if (in.empty()) return kNullTag;
  switch (in[0]) {
    case '~':
      return in.size() == 1 ? kNullTag : kStrTag;
    case 'n':
    case 'N':
      if (in == "null" || in == "Null" || in == "NULL") return kNullTag;
      return kStrTag;
    case 't':
    case 'T':
      if (in == "true" || in == "True" || in == "TRUE") return kBoolTag;
      return kStrTag;
    case 'f':
    case 'F':
      if (in == "false" || in == "False" || in == "FALSE") return kBoolTag;
      return kStrTag;
    case '.':
      if (in == ".nan" || in == ".NaN" || in == ".NAN" || in == ".inf" || in == ".Inf" ||
          in == ".INF")
        return kFloatTag;
      return ParsesAsDotFloat(in) ? kFloatTag : kStrTag;
    case '<':
      return in == "<<" ? kMergeTag : kStrTag;
    case '+':
    case '-':
      if (in == "+.inf" || in == "+.Inf" || in == "+.INF" || in == "-.inf" || in == "-.Inf" ||
          in == "-.INF")
        return kFloatTag;
      [[fallthrough]];
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': {
      if (IsTimestamp(in)) return kTimestampTag;
      std::string_view plain = in;
      std::string without;  // only allocated when there are `_` separators
      if (in.find('_') != std::string_view::npos) {
        for (char c : in)
          if (c != '_') without.push_back(c);
        plain = without;
      }
      if (ParsesAsGoInt(plain)) return kIntTag;
      if (MatchesYamlFloat(plain)) return kFloatTag;
      return kStrTag;
    }
    default:
      return kStrTag;
  }
}

}  // namespace capstan::yaml
