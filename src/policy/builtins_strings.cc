// String built-ins, sprintf (Go fmt verbs) and units.parse(_bytes).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "policy/builtins.h"
#include "policy/format.h"

namespace capstan::policy {

namespace {

#define BI(name) bool name(BuiltinContext& ctx, const Value* a, Value* out)

// Byte offsets of each code point of s, plus s.size() at the end.
std::vector<size_t> CodePoints(const std::string& s) {
  std::vector<size_t> r;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) r.push_back(i);
  }
  r.push_back(s.size());
  return r;
}

Value Str(std::string s, BuiltinContext& ctx) {
  ctx.budget->Charge(s.size() / 64 + 1);
  return Value::String(std::move(s));
}

BI(Concat) {
  const std::string& sep = StringArg("concat", a, 0);
  if (!a[1].IsArray() && !a[1].IsSet()) ThrowType("concat", 2, "one of {array, set}", a[1]);
  std::string r;
  bool first = true;
  for (const Value& x : a[1].Items()) {
    if (!x.IsString()) {
      ThrowType("concat", 2, std::string(a[1].IsSet() ? "set" : "array") + " of strings",
                a[1]);
    }
    if (!first) r += sep;
    first = false;
    r += x.S();
    ctx.budget->Charge(x.S().size() / 64);
  }
  *out = Str(std::move(r), ctx);
  return true;
}
BI(Contains) {
  (void)ctx;
  *out = Value::Bool(StringArg("contains", a, 0).find(StringArg("contains", a, 1)) != std::string::npos);
  return true;
}
BI(StartsWith) {
  (void)ctx;
  const std::string &s = StringArg("startswith", a, 0), &p = StringArg("startswith", a, 1);
  *out = Value::Bool(s.compare(0, p.size(), p) == 0 && s.size() >= p.size());
  return true;
}
BI(EndsWith) {
  (void)ctx;
  const std::string &s = StringArg("endswith", a, 0), &p = StringArg("endswith", a, 1);
  *out = Value::Bool(s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0);
  return true;
}
BI(Lower) {
  std::string s = StringArg("lower", a, 0);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  *out = Str(std::move(s), ctx);
  return true;
}
BI(Upper) {
  std::string s = StringArg("upper", a, 0);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  *out = Str(std::move(s), ctx);
  return true;
}
std::string ReplaceAll(const std::string& s, const std::string& old, const std::string& rep, BuiltinContext& ctx) {
  std::string r;
  if (old.empty()) {
    std::vector<size_t> cp = CodePoints(s);
    ctx.budget->Charge((cp.size() * (rep.size() + 1)) / 64);
    r += rep;
    for (size_t i = 0; i + 1 < cp.size(); ++i) {
      r += s.substr(cp[i], cp[i + 1] - cp[i]);
      r += rep;
    }
    return r;
  }
  size_t pos = 0;
  while (true) {
    size_t f = s.find(old, pos);
    if (f == std::string::npos) break;
    r.append(s, pos, f - pos);
    r += rep;
    ctx.budget->Charge(rep.size() / 64);
    pos = f + old.size();
  }
  r.append(s, pos, std::string::npos);
  return r;
}
BI(Replace) {
  *out = Str(ReplaceAll(StringArg("replace", a, 0), StringArg("replace", a, 1), StringArg("replace", a, 2), ctx), ctx);
  return true;
}
BI(ReplaceN) {
  if (!a[0].IsObject()) ThrowType("strings.replace_n", 1, "object", a[0]);
  const std::string& s = StringArg("strings.replace_n", a, 1);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [k, v] : a[0].Fields()) {
    if (!k.IsString()) ThrowType("strings.replace_n", 1, "object[string: string]", a[0]);
    if (!v.IsString()) ThrowType("strings.replace_n", 1, "object[string: string]", a[0]);
    pairs.emplace_back(k.S(), v.S());
  }
  std::string r;
  size_t i = 0;
  while (i <= s.size()) {
    bool hit = false;
    for (const auto& [o, n] : pairs) {
      if (!o.empty() && s.compare(i, o.size(), o) == 0) {
        r += n;
        i += o.size();
        hit = true;
        break;
      }
    }
    if (!hit) {
      if (i < s.size()) r.push_back(s[i]);
      ++i;
    }
  }
  *out = Str(std::move(r), ctx);
  return true;
}
BI(Split) {
  const std::string &s = StringArg("split", a, 0), &d = StringArg("split", a, 1);
  Array r;
  if (d.empty()) {
    std::vector<size_t> cp = CodePoints(s);
    for (size_t i = 0; i + 1 < cp.size(); ++i) r.push_back(Value::String(s.substr(cp[i], cp[i + 1] - cp[i])));
  } else {
    size_t pos = 0;
    while (true) {
      size_t f = s.find(d, pos);
      if (f == std::string::npos) break;
      r.push_back(Value::String(s.substr(pos, f - pos)));
      pos = f + d.size();
    }
    r.push_back(Value::String(s.substr(pos)));
  }
  ctx.budget->Charge(r.size());
  *out = Value::MakeArray(std::move(r));
  return true;
}
BI(Substring) {
  const std::string& s = StringArg("substring", a, 0);
  int64_t start = IntArg("substring", a, 1), len = IntArg("substring", a, 2);
  if (start < 0) ThrowBuiltin("substring", "negative offset");
  std::vector<size_t> cp = CodePoints(s);
  int64_t n = static_cast<int64_t>(cp.size()) - 1;
  if (start >= n) {
    *out = Value::String("");
    return true;
  }
  int64_t end = len < 0 || start + len > n ? n : start + len;
  *out = Str(s.substr(cp[start], cp[end] - cp[start]), ctx);
  return true;
}
int64_t CodePointIndex(const std::string& s, size_t byte) {
  int64_t n = 0;
  for (size_t i = 0; i < byte; ++i) n += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
  return n;
}
BI(IndexOf) {
  (void)ctx;
  const std::string &s = StringArg("indexof", a, 0), &t = StringArg("indexof", a, 1);
  size_t f = s.find(t);
  *out = Value::Number(f == std::string::npos ? -1 : static_cast<double>(CodePointIndex(s, f)));
  return true;
}
BI(IndexOfN) {
  const std::string &s = StringArg("indexof_n", a, 0), &t = StringArg("indexof_n", a, 1);
  Array r;
  size_t pos = 0;
  while (true) {
    size_t f = s.find(t, pos);
    if (f == std::string::npos) break;
    r.push_back(Value::Number(static_cast<double>(CodePointIndex(s, f))));
    pos = f + 1;
    if (pos > s.size()) break;
  }
  ctx.budget->Charge(r.size());
  *out = Value::MakeArray(std::move(r));
  return true;
}
BI(StringsCount) {
  (void)ctx;
  const std::string &s = StringArg("strings.count", a, 0), &t = StringArg("strings.count", a, 1);
  size_t n = 0;
  if (t.empty()) {
    n = CodePoints(s).size();
  } else {
    for (size_t pos = s.find(t); pos != std::string::npos; pos = s.find(t, pos + t.size())) ++n;
  }
  *out = Value::Number(static_cast<double>(n));
  return true;
}
BI(Reverse) {
  const std::string& s = StringArg("strings.reverse", a, 0);
  std::vector<size_t> cp = CodePoints(s);
  std::string r;
  for (size_t i = cp.size() - 1; i > 0; --i) r += s.substr(cp[i - 1], cp[i] - cp[i - 1]);
  *out = Str(std::move(r), ctx);
  return true;
}

// Code points of a cutset.
std::vector<std::string> Cutset(const std::string& c) {
  std::vector<size_t> cp = CodePoints(c);
  std::vector<std::string> r;
  for (size_t i = 0; i + 1 < cp.size(); ++i) r.push_back(c.substr(cp[i], cp[i + 1] - cp[i]));
  return r;
}
std::string TrimImpl(const std::string& s, const std::string& cut, bool left, bool right) {
  std::vector<std::string> cs = Cutset(cut);
  std::vector<size_t> cp = CodePoints(s);
  size_t b = 0, e = cp.size() - 1;
  auto in = [&](size_t i) {
    std::string ch = s.substr(cp[i], cp[i + 1] - cp[i]);
    return std::find(cs.begin(), cs.end(), ch) != cs.end();
  };
  if (left) {
    while (b < e && in(b)) ++b;
  }
  if (right) {
    while (e > b && in(e - 1)) --e;
  }
  return s.substr(cp[b], cp[e] - cp[b]);
}
BI(Trim) { *out = Str(TrimImpl(StringArg("trim", a, 0), StringArg("trim", a, 1), true, true), ctx); return true; }
BI(TrimLeft) { *out = Str(TrimImpl(StringArg("trim_left", a, 0), StringArg("trim_left", a, 1), true, false), ctx); return true; }
BI(TrimRight) { *out = Str(TrimImpl(StringArg("trim_right", a, 0), StringArg("trim_right", a, 1), false, true), ctx); return true; }
BI(TrimSpace) { *out = Str(TrimImpl(StringArg("trim_space", a, 0), " \t\n\r\v\f", true, true), ctx); return true; }
BI(TrimPrefix) {
  const std::string &s = StringArg("trim_prefix", a, 0), &p = StringArg("trim_prefix", a, 1);
  *out = Str(s.compare(0, p.size(), p) == 0 && s.size() >= p.size() ? s.substr(p.size()) : s, ctx);
  return true;
}
BI(TrimSuffix) {
  const std::string &s = StringArg("trim_suffix", a, 0), &p = StringArg("trim_suffix", a, 1);
  *out = Str(s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0 ? s.substr(0, s.size() - p.size()) : s, ctx);
  return true;
}

std::vector<std::string> StringsOf(const char* fn, const Value* a, int i) {
  const Value& v = a[i];
  if (v.IsString()) return {v.S()};
  if (!v.IsArray() && !v.IsSet()) ThrowType(fn, i + 1, "one of {string, set, array}", v);
  std::vector<std::string> r;
  for (const Value& x : v.Items()) {
    if (!x.IsString()) {
      throw BuiltinError{"eval_type_error", std::string(fn) + ": operand " + std::to_string(i + 1) + " must be " +
                                                (v.IsSet() ? "set" : "array") + " of strings but got " +
                                                (v.IsSet() ? "set" : "array") + " containing " + TypeName(x.type)};
    }
    r.push_back(x.S());
  }
  return r;
}
BI(AnyPrefixMatch) {
  (void)ctx;
  std::vector<std::string> s = StringsOf("strings.any_prefix_match", a, 0), p = StringsOf("strings.any_prefix_match", a, 1);
  bool any = false;
  for (const auto& x : s)
    for (const auto& y : p) any = any || (x.size() >= y.size() && x.compare(0, y.size(), y) == 0);
  *out = Value::Bool(any);
  return true;
}
BI(AnySuffixMatch) {
  (void)ctx;
  std::vector<std::string> s = StringsOf("strings.any_suffix_match", a, 0), p = StringsOf("strings.any_suffix_match", a, 1);
  bool any = false;
  for (const auto& x : s)
    for (const auto& y : p) any = any || (x.size() >= y.size() && x.compare(x.size() - y.size(), y.size(), y) == 0);
  *out = Value::Bool(any);
  return true;
}

BI(FormatInt) {
  double d = NumberArg("format_int", a, 0);
  int64_t base;
  if (!a[1].IsNumber()) ThrowType("format_int", 2, "number", a[1]);
  if (!a[1].AsInt(&base) || (base != 2 && base != 8 && base != 10 && base != 16)) {
    throw BuiltinError{"eval_type_error", "format_int: operand 2 must be one of {2, 8, 10, 16}"};
  }
  double fl = std::trunc(d);
  bool neg = fl < 0;
  unsigned long long n = static_cast<unsigned long long>(std::fabs(fl));
  std::string r;
  if (n == 0) r = "0";
  while (n) {
    r.insert(r.begin(), "0123456789abcdef"[n % base]);
    n /= base;
  }
  if (neg) r.insert(r.begin(), '-');
  *out = Str(std::move(r), ctx);
  return true;
}

BI(Sprintf) {
  const std::string& f = StringArg("sprintf", a, 0);
  if (!a[1].IsArray()) ThrowType("sprintf", 2, "array", a[1]);
  *out = Str(GoSprintf(f, a[1].Items()), ctx);
  return true;
}

// ---- units -----------------------------------------------------------
void SplitNumUnit(const std::string& s, std::string* num, std::string* unit) {
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  *num = s.substr(0, i);
  *unit = s.substr(i);
}
bool ParseDecimal(const std::string& s, double* out) {
  if (s.empty() || std::count(s.begin(), s.end(), '.') > 1 || s == ".") return false;
  *out = std::strtod(s.c_str(), nullptr);
  return true;
}
double Exact(double x) {
  double r = std::round(x);
  if (std::fabs(x - r) <= 1e-9 * std::max(1.0, std::fabs(x))) return r;
  return x;
}
BI(UnitsParse) {
  (void)ctx;
  std::string s = StringArg("units.parse", a, 0);
  s.erase(std::remove(s.begin(), s.end(), '"'), s.end());
  if (s.find(' ') != std::string::npos) ThrowBuiltin("units.parse", "spaces not allowed in resource strings");
  std::string num, unit;
  SplitNumUnit(s, &num, &unit);
  if (num.empty()) ThrowBuiltin("units.parse", "no amount provided");
  double x;
  if (!ParseDecimal(num, &x)) ThrowBuiltin("units.parse", "could not parse amount to a number");
  double m;
  if (unit == "m") {
    m = 0.001;
  } else {
    std::string u = unit;
    for (char& c : u) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static const std::pair<const char*, double> kUnits[] = {
        {"", 1}, {"k", 1e3}, {"ki", 1024}, {"m", 1e6}, {"mi", 1048576}, {"g", 1e9}, {"gi", 1073741824.0},
        {"t", 1e12}, {"ti", 1099511627776.0}, {"p", 1e15}, {"pi", 1125899906842624.0}, {"e", 1e18},
        {"ei", 1152921504606846976.0}};
    m = -1;
    for (auto [name, mult] : kUnits) {
      if (u == name) m = mult;
    }
    if (m < 0) ThrowBuiltin("units.parse", "unknown unit " + unit);
  }
  *out = Value::Number(m == 0.001 ? x / 1000 : Exact(x * m));
  return true;
}
BI(UnitsParseBytes) {
  (void)ctx;
  std::string s = StringArg("units.parse_bytes", a, 0);
  s.erase(std::remove(s.begin(), s.end(), '"'), s.end());
  if (s.find(' ') != std::string::npos) ThrowBuiltin("units.parse_bytes", "spaces not allowed in resource strings");
  std::string num, unit;
  SplitNumUnit(s, &num, &unit);
  if (num.empty()) ThrowBuiltin("units.parse_bytes", "no byte amount provided");
  double x;
  if (!ParseDecimal(num, &x)) ThrowBuiltin("units.parse_bytes", "could not parse byte amount to a number");
  std::string u = unit;
  for (char& c : u) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::pair<const char*, double> kUnits[] = {
      {"", 1}, {"b", 1}, {"k", 1e3}, {"kb", 1e3}, {"ki", 1024}, {"kib", 1024}, {"m", 1e6}, {"mb", 1e6},
      {"mi", 1048576}, {"mib", 1048576}, {"g", 1e9}, {"gb", 1e9}, {"gi", 1073741824.0}, {"gib", 1073741824.0},
      {"t", 1e12}, {"tb", 1e12}, {"ti", 1099511627776.0}, {"tib", 1099511627776.0}, {"p", 1e15}, {"pb", 1e15},
      {"pi", 1125899906842624.0}, {"pib", 1125899906842624.0}, {"e", 1e18}, {"eb", 1e18},
      {"ei", 1152921504606846976.0}, {"eib", 1152921504606846976.0}};
  double m = -1;
  for (auto [name, mult] : kUnits) {
    if (u == name) m = mult;
  }
  if (m < 0) ThrowBuiltin("units.parse_bytes", "byte unit " + unit + " not recognized");
  double r = Exact(x * m);
  *out = Value::Number(std::floor(r));
  return true;
}

// glob.match(pattern, delimiters, match): `*` any run without a delimiter,
// `**` any run, `?` one non-delimiter character, `[abc]`/`[!a-z]` classes,
// `{a,b}` alternatives, `\\` escapes. Delimiters [] mean ["."], null none.
bool GlobMatch(const std::string& p, size_t pi, const std::string& s, size_t si, const std::string& delims,
               int depth) {
  if (depth > 100) ThrowBuiltin("glob.match", "pattern too complex");
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '*') {
      bool super = pi + 1 < p.size() && p[pi + 1] == '*';
      size_t next = pi + (super ? 2 : 1);
      for (size_t k = si; k <= s.size(); ++k) {
        if (GlobMatch(p, next, s, k, delims, depth + 1)) return true;
        if (k < s.size() && !super && delims.find(s[k]) != std::string::npos) return false;
      }
      return false;
    }
    if (c == '{') {
      size_t close = p.find('}', pi);
      if (close == std::string::npos) ThrowBuiltin("glob.match", "unexpected end of input");
      std::string rest = p.substr(close + 1), alts = p.substr(pi + 1, close - pi - 1);
      size_t start = 0;
      while (true) {
        size_t comma = alts.find(',', start);
        std::string alt = alts.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (GlobMatch(alt + rest, 0, s, si, delims, depth + 1)) return true;
        if (comma == std::string::npos) return false;
        start = comma + 1;
      }
    }
    if (si >= s.size()) return false;
    if (c == '?') {
      if (delims.find(s[si]) != std::string::npos) return false;
    } else if (c == '[') {
      size_t close = p.find(']', pi + 1);
      if (close == std::string::npos) ThrowBuiltin("glob.match", "unexpected end of input");
      std::string cls = p.substr(pi + 1, close - pi - 1);
      bool neg = !cls.empty() && cls[0] == '!';
      if (neg) cls.erase(0, 1);
      bool in = false;
      for (size_t k = 0; k < cls.size(); ++k) {
        if (k + 2 < cls.size() && cls[k + 1] == '-') {
          in = in || (s[si] >= cls[k] && s[si] <= cls[k + 2]);
          k += 2;
        } else {
          in = in || s[si] == cls[k];
        }
      }
      if (in == neg) return false;
      pi = close;
    } else {
      if (c == '\\' && pi + 1 < p.size()) c = p[++pi];
      if (s[si] != c) return false;
    }
    ++pi;
    ++si;
  }
  return si == s.size();
}
BI(GlobMatchFn) {
  (void)ctx;
  const std::string& pattern = StringArg("glob.match", a, 0);
  std::string delims;
  if (a[1].IsNull()) {
    delims = "";  // null: no delimiters; [] : the default ["."]
  } else if (a[1].IsArray()) {
    for (const Value& d : a[1].Items()) {
      if (!d.IsString()) ThrowType("glob.match", 2, "array of strings", a[1]);
      delims += d.S();
    }
    if (a[1].Size() == 0) delims = ".";
  } else {
    ThrowType("glob.match", 2, "one of {array, null}", a[1]);
  }
  *out = Value::Bool(GlobMatch(pattern, 0, StringArg("glob.match", a, 2), 0, delims, 0));
  return true;
}
BI(Trace) {
  (void)ctx;
  StringArg("trace", a, 0);
  *out = Value::Bool(true);
  return true;
}

}  // namespace

void AddStringBuiltins(std::vector<Builtin>* out) {
  std::vector<Builtin> b = {
      {"concat", 2, Concat}, {"contains", 2, Contains}, {"startswith", 2, StartsWith},
      {"endswith", 2, EndsWith}, {"lower", 1, Lower}, {"upper", 1, Upper}, {"replace", 3, Replace},
      {"strings.replace_n", 2, ReplaceN}, {"split", 2, Split}, {"substring", 3, Substring},
      {"indexof", 2, IndexOf}, {"indexof_n", 2, IndexOfN}, {"strings.count", 2, StringsCount},
      {"strings.reverse", 1, Reverse}, {"trim", 2, Trim}, {"trim_left", 2, TrimLeft},
      {"trim_right", 2, TrimRight}, {"trim_space", 1, TrimSpace}, {"trim_prefix", 2, TrimPrefix},
      {"trim_suffix", 2, TrimSuffix}, {"strings.any_prefix_match", 2, AnyPrefixMatch},
      {"strings.any_suffix_match", 2, AnySuffixMatch}, {"format_int", 2, FormatInt},
      {"sprintf", 2, Sprintf}, {"glob.match", 3, GlobMatchFn}, {"trace", 1, Trace}, {"units.parse", 1, UnitsParse}, {"units.parse_bytes", 1, UnitsParseBytes},
  };
  out->insert(out->end(), b.begin(), b.end());
}

}  // namespace capstan::policy
