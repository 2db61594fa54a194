// Sprig string functions.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <random>

#include "gotemplate/args.h"
#include "gotemplate/sprig.h"

namespace capstan::gotemplate {
namespace {

using Args = std::vector<Value>;

// --- UTF-8 helpers --------------------------------------------------------
std::u32string Decode(const std::string& s) {
  std::u32string r;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    uint32_t cp;
    int len;
    if (c < 0x80) { cp = c; len = 1; }
    else if (c >= 0xF0 && i + 3 < s.size() + 0 + 1 && i + 3 <= s.size() - 1 + 1) { cp = c & 7; len = 4; }
    else if (c >= 0xE0) { cp = c & 15; len = 3; }
    else if (c >= 0xC0) { cp = c & 31; len = 2; }
    else { r.push_back(0xFFFD); ++i; continue; }
    if (i + len > s.size()) { r.push_back(0xFFFD); ++i; continue; }
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      unsigned char d = s[i + k];
      if ((d & 0xC0) != 0x80) { ok = false; break; }
      cp = (cp << 6) | (d & 0x3F);
    }
    if (!ok) { r.push_back(0xFFFD); ++i; continue; }
    r.push_back(cp);
    i += len;
  }
  return r;
}

std::string Encode(const std::u32string& s) {
  std::string out;
  for (uint32_t r : s) {
    if (r < 0x80) out.push_back(static_cast<char>(r));
    else if (r < 0x800) { out.push_back(static_cast<char>(0xC0 | (r >> 6))); out.push_back(static_cast<char>(0x80 | (r & 0x3F))); }
    else if (r < 0x10000) { out.push_back(static_cast<char>(0xE0 | (r >> 12))); out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F))); out.push_back(static_cast<char>(0x80 | (r & 0x3F))); }
    else { out.push_back(static_cast<char>(0xF0 | (r >> 18))); out.push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F))); out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F))); out.push_back(static_cast<char>(0x80 | (r & 0x3F))); }
  }
  return out;
}

// Simple case mapping: ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic.
uint32_t ToUpperR(uint32_t r) {
  if (r >= 'a' && r <= 'z') return r - 32;
  if (r < 0x80) return r;
  if ((r >= 0xE0 && r <= 0xFE && r != 0xF7)) return r - 32;
  if (r == 0xFF) return 0x178;
  if (r >= 0x100 && r <= 0x17F && r != 0x130 && r != 0x131 && r != 0x138 && r != 0x149 && r != 0x17F) {
    bool odd_upper = (r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E);
    if (odd_upper) return (r % 2 == 0) ? r - 1 : r;
    return (r % 2 == 1) ? r - 1 : r;
  }
  if (r >= 0x3B1 && r <= 0x3C9 && r != 0x3C2) return r - 32;
  if (r >= 0x430 && r <= 0x44F) return r - 32;
  if (r >= 0x450 && r <= 0x45F) return r - 80;
  return r;
}
uint32_t ToLowerR(uint32_t r) {
  if (r >= 'A' && r <= 'Z') return r + 32;
  if (r < 0x80) return r;
  if (r >= 0xC0 && r <= 0xDE && r != 0xD7) return r + 32;
  if (r == 0x178) return 0xFF;
  if (r >= 0x100 && r <= 0x17F && r != 0x130 && r != 0x131 && r != 0x138 && r != 0x149 && r != 0x17F) {
    bool odd_upper = (r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E);
    if (odd_upper) return (r % 2 == 1) ? r + 1 : r;
    return (r % 2 == 0) ? r + 1 : r;
  }
  if (r >= 0x391 && r <= 0x3A9) return r + 32;
  if (r >= 0x410 && r <= 0x42F) return r + 32;
  if (r >= 0x400 && r <= 0x40F) return r + 80;
  return r;
}
bool IsUpperR(uint32_t r) { return ToLowerR(r) != r; }
bool IsLowerR(uint32_t r) { return ToUpperR(r) != r; }
bool IsDigitR(uint32_t r) { return r >= '0' && r <= '9'; }
bool IsSpaceR(uint32_t r) {
  return r == ' ' || r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r' || r == 0x85 || r == 0xA0 ||
         r == 0x1680 || (r >= 0x2000 && r <= 0x200A) || r == 0x2028 || r == 0x2029 || r == 0x202F || r == 0x205F ||
         r == 0x3000;
}

std::string MapRunes(const std::string& s, uint32_t (*f)(uint32_t)) {
  std::u32string r = Decode(s);
  for (auto& c : r) c = f(c);
  return Encode(r);
}

std::string TrimSpaceGo(const std::string& s) {
  std::u32string r = Decode(s);
  size_t b = 0, e = r.size();
  while (b < e && IsSpaceR(r[b])) ++b;
  while (e > b && IsSpaceR(r[e - 1])) --e;
  // keep original bytes when valid
  return Encode(r.substr(b, e - b));
}

std::string Title(const std::string& s) {
  std::u32string r = Decode(s);
  uint32_t prev = ' ';
  for (auto& c : r) {
    bool sep;
    if (prev < 0x80) sep = !(std::isalnum(static_cast<int>(prev)) || prev == '_');
    else sep = IsSpaceR(prev);
    uint32_t orig = c;
    if (sep) c = ToUpperR(c);  // unicode.ToTitle
    prev = orig;
  }
  return Encode(r);
}

std::string Untitle(const std::string& s) {
  std::u32string r = Decode(s);
  bool start = true;
  for (auto& c : r) {
    if (IsSpaceR(c)) { start = true; continue; }
    if (start) c = ToLowerR(c);
    start = false;
  }
  return Encode(r);
}

bool IsConnector(uint32_t r) { return r == '-' || r == '_' || IsSpaceR(r); }

// huandu/xstrings ToCamelCase.
std::string CamelCase(const std::string& in) {
  std::u32string s = Decode(in);
  if (s.empty()) return "";
  std::u32string out;
  size_t i = 0;
  uint32_t r0 = 0;
  bool got = false;
  while (i < s.size()) {
    r0 = s[i++];
    if (!IsConnector(r0)) { r0 = ToUpperR(r0); got = true; break; }
    out.push_back(r0);
  }
  if (i >= s.size()) {
    if (got) out.push_back(r0);
    return Encode(out);
  }
  while (i < s.size()) {
    uint32_t r1 = r0;
    r0 = s[i++];
    if (IsConnector(r0) && IsConnector(r1)) { out.push_back(r1); continue; }
    if (IsConnector(r1)) {
      r0 = ToUpperR(r0);
    } else {
      out.push_back(r1);
    }
  }
  out.push_back(r0);
  return Encode(out);
}

// huandu/xstrings camelCaseToLowerCase (ToSnakeCase / ToKebabCase).
std::string LowerCaseWords(const std::string& in, uint32_t conn) {
  std::u32string s = Decode(in);
  std::u32string out;
  // split into words: boundaries on connectors, case changes, digits
  enum K { kNone, kUpper, kLower, kDigit, kOther };
  auto kind = [](uint32_t r) { return IsUpperR(r) ? kUpper : IsLowerR(r) ? kLower : IsDigitR(r) ? kDigit : IsConnector(r) ? kNone : kOther; };
  std::vector<std::u32string> words;
  std::u32string cur;
  for (size_t i = 0; i < s.size(); ++i) {
    uint32_t r = s[i];
    K k = static_cast<K>(kind(r));
    if (k == kNone) {
      if (!cur.empty()) { words.push_back(cur); cur.clear(); }
      continue;
    }
    if (!cur.empty()) {
      K pk = static_cast<K>(kind(cur.back()));
      bool split = false;
      if (k == kUpper && pk == kLower) split = true;
      if (k == kUpper && pk == kUpper && i + 1 < s.size() && IsLowerR(s[i + 1])) split = true;
      if ((k == kDigit) != (pk == kDigit) && !(k == kDigit && pk != kDigit && false)) split = (k == kDigit || pk == kDigit) && false;
      if (split) { words.push_back(cur); cur.clear(); }
    }
    cur.push_back(r);
  }
  if (!cur.empty()) words.push_back(cur);
  for (size_t w = 0; w < words.size(); ++w) {
    if (w) out.push_back(conn);
    for (uint32_t r : words[w]) out.push_back(ToLowerR(r));
  }
  return Encode(out);
}

std::string SwapCase(const std::string& in) {
  std::u32string s = Decode(in);
  for (auto& c : s) c = IsUpperR(c) ? ToLowerR(c) : IsLowerR(c) ? ToUpperR(c) : c;
  return Encode(s);
}

std::string Initials(const std::string& in) {
  std::u32string s = Decode(in);
  std::u32string out;
  bool start = true;
  for (uint32_t c : s) {
    if (IsSpaceR(c)) { start = true; continue; }
    if (start) out.push_back(c);
    start = false;
  }
  return Encode(out);
}

std::string Replace(const std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) {
    // Go: inserts `to` before every rune and at the end
    std::u32string r = Decode(s);
    std::string out = to;
    for (uint32_t c : r) { out += Encode(std::u32string(1, c)); out += to; }
    return out;
  }
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t f = s.find(from, pos);
    if (f == std::string::npos) break;
    out.append(s, pos, f - pos);
    out += to;
    pos = f + from.size();
  }
  out.append(s, pos, std::string::npos);
  return out;
}

std::string Indent(int64_t n, const std::string& s) {
  if (n < 0) n = 0;
  if (n > 1 << 20) throw FuncError("indent too large");
  std::string pad(static_cast<size_t>(n), ' ');
  return pad + Replace(s, "\n", "\n" + pad);
}

std::string Abbreviate(const std::string& str, int64_t offset, int64_t max_width) {
  int64_t len = static_cast<int64_t>(str.size());
  if (str.empty() || max_width < 4) return str;
  if (len <= max_width) return str;
  if (offset > len) offset = len;
  if (len - offset < max_width - 3) offset = len - (max_width - 3);
  if (offset <= 4) return str.substr(0, max_width - 3) + "...";
  if (max_width < 7) return str;
  if (offset + max_width - 3 < len) return "..." + Abbreviate(str.substr(offset), 0, max_width - 3);
  return "..." + str.substr(len - (max_width - 3));
}

// goutils.WrapCustom(str, wrapLength, newLineStr, wrapLongWords=true)
std::string WrapCustom(const std::string& str, int64_t wrap_len, const std::string& nl, bool wrap_long) {
  if (str.empty()) return "";
  if (nl.empty()) return str;
  if (wrap_len < 1) wrap_len = 1;
  int64_t input_len = static_cast<int64_t>(str.size());
  int64_t offset = 0;
  std::string out;
  while (input_len - offset > wrap_len) {
    if (str[offset] == ' ') { ++offset; continue; }
    std::string sub = str.substr(offset, wrap_len + 1);
    size_t sp = sub.rfind(' ');
    int64_t space = sp == std::string::npos ? -1 : static_cast<int64_t>(sp) + offset;
    if (space >= offset) {
      out += str.substr(offset, space - offset) + nl;
      offset = space + 1;
    } else {
      if (wrap_long) {
        out += str.substr(offset, wrap_len) + nl;
        offset += wrap_len;
      } else {
        size_t f = str.find(' ', offset + wrap_len);
        if (f != std::string::npos) {
          out += str.substr(offset, f - offset) + nl;
          offset = f + 1;
        } else {
          out += str.substr(offset);
          offset = input_len;
        }
      }
    }
  }
  out += str.substr(offset);
  return out;
}

std::string RandString(int64_t n, const std::string& alphabet) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string r;
  if (n < 0) n = 0;
  if (n > 1 << 20) throw FuncError("length too large");
  for (int64_t k = 0; k < n; ++k) r.push_back(alphabet[rng() % alphabet.size()]);
  return r;
}

}  // namespace

void AddSprigStrings(FuncMap* m) {
  auto& f = m->funcs;
  f["upper"] = [](Executor&, Args& a) { WantArgs("upper", a, 1); return Value::String(MapRunes(StrArg(a, 0), ToUpperR)); };
  f["lower"] = [](Executor&, Args& a) { WantArgs("lower", a, 1); return Value::String(MapRunes(StrArg(a, 0), ToLowerR)); };
  f["title"] = [](Executor&, Args& a) { WantArgs("title", a, 1); return Value::String(Title(StrArg(a, 0))); };
  f["untitle"] = [](Executor&, Args& a) { WantArgs("untitle", a, 1); return Value::String(Untitle(StrArg(a, 0))); };
  f["camelcase"] = [](Executor&, Args& a) { WantArgs("camelcase", a, 1); return Value::String(CamelCase(StrArg(a, 0))); };
  f["snakecase"] = [](Executor&, Args& a) { WantArgs("snakecase", a, 1); return Value::String(LowerCaseWords(StrArg(a, 0), '_')); };
  f["kebabcase"] = [](Executor&, Args& a) { WantArgs("kebabcase", a, 1); return Value::String(LowerCaseWords(StrArg(a, 0), '-')); };
  f["swapcase"] = [](Executor&, Args& a) { WantArgs("swapcase", a, 1); return Value::String(SwapCase(StrArg(a, 0))); };
  f["initials"] = [](Executor&, Args& a) { WantArgs("initials", a, 1); return Value::String(Initials(StrArg(a, 0))); };
  f["trim"] = [](Executor&, Args& a) { WantArgs("trim", a, 1); return Value::String(TrimSpaceGo(StrArg(a, 0))); };
  f["nospace"] = [](Executor&, Args& a) {
    WantArgs("nospace", a, 1);
    std::u32string s = Decode(StrArg(a, 0));
    s.erase(std::remove_if(s.begin(), s.end(), IsSpaceR), s.end());
    return Value::String(Encode(s));
  };
  auto trim_all = [](Executor&, Args& a) {
    WantArgs("trimAll", a, 2);
    std::u32string cut = Decode(StrArg(a, 0));
    std::u32string s = Decode(StrArg(a, 1));
    size_t b = 0, e = s.size();
    while (b < e && cut.find(s[b]) != std::u32string::npos) ++b;
    while (e > b && cut.find(s[e - 1]) != std::u32string::npos) --e;
    return Value::String(Encode(s.substr(b, e - b)));
  };
  f["trimAll"] = trim_all;
  f["trimall"] = trim_all;
  f["trimPrefix"] = [](Executor&, Args& a) {
    WantArgs("trimPrefix", a, 2);
    const std::string& p = StrArg(a, 0);
    const std::string& s = StrArg(a, 1);
    return Value::String(s.compare(0, p.size(), p) == 0 && s.size() >= p.size() ? s.substr(p.size()) : s);
  };
  f["trimSuffix"] = [](Executor&, Args& a) {
    WantArgs("trimSuffix", a, 2);
    const std::string& p = StrArg(a, 0);
    const std::string& s = StrArg(a, 1);
    if (s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0) return Value::String(s.substr(0, s.size() - p.size()));
    return Value::String(s);
  };
  f["contains"] = [](Executor&, Args& a) { WantArgs("contains", a, 2); return Value::Bool(StrArg(a, 1).find(StrArg(a, 0)) != std::string::npos); };
  f["hasPrefix"] = [](Executor&, Args& a) {
    WantArgs("hasPrefix", a, 2);
    const std::string& p = StrArg(a, 0);
    const std::string& s = StrArg(a, 1);
    return Value::Bool(s.size() >= p.size() && s.compare(0, p.size(), p) == 0);
  };
  f["hasSuffix"] = [](Executor&, Args& a) {
    WantArgs("hasSuffix", a, 2);
    const std::string& p = StrArg(a, 0);
    const std::string& s = StrArg(a, 1);
    return Value::Bool(s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0);
  };
  f["quote"] = [](Executor&, Args& a) {
    std::string out;
    bool first = true;
    for (const Value& v : a) {
      if (v.IsNil()) continue;
      if (!first) out += " ";
      first = false;
      out += GoQuote(StrVal(v));
    }
    return Value::String(out);
  };
  f["squote"] = [](Executor&, Args& a) {
    std::string out;
    bool first = true;
    for (const Value& v : a) {
      if (v.IsNil()) continue;
      if (!first) out += " ";
      first = false;
      out += "'" + StrVal(v) + "'";
    }
    return Value::String(out);
  };
  f["cat"] = [](Executor&, Args& a) {
    std::string out;
    bool first = true;
    for (const Value& v : a) {
      if (v.IsNil()) continue;
      if (!first) out += " ";
      first = false;
      out += FormatValue(v);
    }
    return Value::String(out);
  };
  f["indent"] = [](Executor&, Args& a) { WantArgs("indent", a, 2); return Value::String(Indent(IntArg(a, 0), StrArg(a, 1))); };
  f["nindent"] = [](Executor&, Args& a) { WantArgs("nindent", a, 2); return Value::String("\n" + Indent(IntArg(a, 0), StrArg(a, 1))); };
  f["replace"] = [](Executor&, Args& a) { WantArgs("replace", a, 3); return Value::String(Replace(StrArg(a, 2), StrArg(a, 0), StrArg(a, 1))); };
  f["plural"] = [](Executor&, Args& a) {
    WantArgs("plural", a, 3);
    return Value::String(IntArg(a, 2) == 1 ? StrArg(a, 0) : StrArg(a, 1));
  };
  f["repeat"] = [](Executor&, Args& a) {
    WantArgs("repeat", a, 2);
    int64_t n = IntArg(a, 0);
    const std::string& s = StrArg(a, 1);
    if (n < 0) throw FuncError("strings: negative Repeat count");
    if (static_cast<double>(n) * static_cast<double>(s.size()) > (1 << 28)) throw FuncError("repeat: result too large");
    std::string r;
    r.reserve(n * s.size());
    for (int64_t k = 0; k < n; ++k) r += s;
    return Value::String(r);
  };
  f["substr"] = [](Executor&, Args& a) {
    WantArgs("substr", a, 3);
    int64_t start = IntArg(a, 0), end = IntArg(a, 1);
    const std::string& s = StrArg(a, 2);
    int64_t n = static_cast<int64_t>(s.size());
    if (start < 0) {
      if (end > n || end < 0) throw FuncError("runtime error: slice bounds out of range");
      return Value::String(s.substr(0, end));
    }
    if (end < 0 || end > n) {
      if (start > n) throw FuncError("runtime error: slice bounds out of range");
      return Value::String(s.substr(start));
    }
    if (start > end) throw FuncError("runtime error: slice bounds out of range");
    return Value::String(s.substr(start, end - start));
  };
  f["trunc"] = [](Executor&, Args& a) {
    WantArgs("trunc", a, 2);
    int64_t c = IntArg(a, 0);
    const std::string& s = StrArg(a, 1);
    int64_t n = static_cast<int64_t>(s.size());
    if (c < 0 && n + c > 0) return Value::String(s.substr(n + c));
    if (c >= 0 && n > c) return Value::String(s.substr(0, c));
    return Value::String(s);
  };
  f["abbrev"] = [](Executor&, Args& a) {
    WantArgs("abbrev", a, 2);
    int64_t w = IntArg(a, 0);
    const std::string& s = StrArg(a, 1);
    if (w < 4) return Value::String(s);
    return Value::String(Abbreviate(s, 0, w));
  };
  f["abbrevboth"] = [](Executor&, Args& a) {
    WantArgs("abbrevboth", a, 3);
    int64_t l = IntArg(a, 0), r = IntArg(a, 1);
    const std::string& s = StrArg(a, 2);
    if (r < 4 || (l > 0 && r < 7)) return Value::String(s);
    return Value::String(Abbreviate(s, l, r));
  };
  f["wrap"] = [](Executor&, Args& a) { WantArgs("wrap", a, 2); return Value::String(WrapCustom(StrArg(a, 1), IntArg(a, 0), "\n", true)); };
  f["wrapWith"] = [](Executor&, Args& a) { WantArgs("wrapWith", a, 3); return Value::String(WrapCustom(StrArg(a, 2), IntArg(a, 0), StrArg(a, 1), true)); };
  f["toString"] = [](Executor&, Args& a) { WantArgs("toString", a, 1); return Value::String(StrVal(a[0])); };
  f["randAlphaNum"] = [](Executor&, Args& a) { WantArgs("randAlphaNum", a, 1); return Value::String(RandString(IntArg(a, 0), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")); };
  f["randAlpha"] = [](Executor&, Args& a) { WantArgs("randAlpha", a, 1); return Value::String(RandString(IntArg(a, 0), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")); };
  f["randNumeric"] = [](Executor&, Args& a) { WantArgs("randNumeric", a, 1); return Value::String(RandString(IntArg(a, 0), "0123456789")); };
  f["randAscii"] = [](Executor&, Args& a) {
    WantArgs("randAscii", a, 1);
    std::string al;
    for (char c = 32; c < 127; ++c) al.push_back(c);
    return Value::String(RandString(IntArg(a, 0), al));
  };
  f["shuffle"] = [](Executor&, Args& a) {
    WantArgs("shuffle", a, 1);
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    std::string s = StrArg(a, 0);
    std::shuffle(s.begin(), s.end(), rng);
    return Value::String(s);
  };
  f["hello"] = [](Executor&, Args&) { return Value::String("Hello!"); };
}

}  // namespace capstan::gotemplate
