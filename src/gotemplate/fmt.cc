// Go's fmt.Sprintf, Sprint and Sprintln for template values.
#include <cmath>
#include <cstdio>
#include <cstring>

#include "gotemplate/template.h"
#include "gotemplate/value.h"

namespace capstan::gotemplate {
namespace {

struct Spec {
  bool minus = false, plus = false, sharp = false, space = false, zero = false;
  int width = -1, prec = -1;
};

std::string Pad(const std::string& s, const Spec& sp, bool numeric) {
  // width counts runes
  size_t runes = 0;
  for (unsigned char c : s) runes += (c & 0xC0) != 0x80;
  if (sp.width < 0 || runes >= static_cast<size_t>(sp.width)) return s;
  size_t n = sp.width - runes;
  if (sp.minus) return s + std::string(n, ' ');
  if (sp.zero && numeric) {
    size_t signpos = (!s.empty() && (s[0] == '-' || s[0] == '+' || s[0] == ' ')) ? 1 : 0;
    return s.substr(0, signpos) + std::string(n, '0') + s.substr(signpos);
  }
  return std::string(n, ' ') + s;
}

void AppendRune(std::string* out, uint32_t r) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  if (r < 0x80) out->push_back(static_cast<char>(r));
  else if (r < 0x800) { out->push_back(static_cast<char>(0xC0 | (r >> 6))); out->push_back(static_cast<char>(0x80 | (r & 0x3F))); }
  else if (r < 0x10000) { out->push_back(static_cast<char>(0xE0 | (r >> 12))); out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F))); out->push_back(static_cast<char>(0x80 | (r & 0x3F))); }
  else { out->push_back(static_cast<char>(0xF0 | (r >> 18))); out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F))); out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F))); out->push_back(static_cast<char>(0x80 | (r & 0x3F))); }
}

std::string IntToBase(int64_t v, int base, bool upper) {
  bool neg = v < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  const char* dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string r;
  do { r.insert(r.begin(), dig[u % base]); u /= base; } while (u);
  return (neg ? "-" : "") + r;
}

}  // namespace

// strconv.Quote (printable runes kept, others escaped).
std::string GoQuote(std::string_view s) {
  std::string r = "\"";
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c < 0x80) {
      switch (c) {
        case '"': r += "\\\""; break;
        case '\\': r += "\\\\"; break;
        case '\n': r += "\\n"; break;
        case '\t': r += "\\t"; break;
        case '\r': r += "\\r"; break;
        case '\a': r += "\\a"; break;
        case '\b': r += "\\b"; break;
        case '\f': r += "\\f"; break;
        case '\v': r += "\\v"; break;
        default:
          if (c < 0x20 || c == 0x7F) { char b[8]; std::snprintf(b, sizeof b, "\\x%02x", c); r += b; }
          else r += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    bool valid = len > 1 && i + len <= s.size();
    for (int k = 1; valid && k < len; ++k) valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (!valid) { char b[8]; std::snprintf(b, sizeof b, "\\x%02x", c); r += b; ++i; continue; }
    r.append(s.substr(i, len));
    i += len;
  }
  return r + "\"";
}

namespace {

std::string FormatFloatVerb(double f, char verb, const Spec& sp) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? (sp.plus ? "+Inf" : "+Inf") : "-Inf";
  char buf[512];
  std::string r;
  switch (verb) {
    case 'e': case 'E': case 'f': case 'F': {
      int prec = sp.prec < 0 ? 6 : sp.prec;
      char fmt[16];
      std::snprintf(fmt, sizeof fmt, "%%.%d%c", prec, verb == 'F' ? 'f' : verb);
      std::snprintf(buf, sizeof buf, fmt, f);
      r = buf;
      break;
    }
    case 'g': case 'G': {
      if (sp.prec < 0) {
        r = FormatFloatV(f);
        if (verb == 'G') for (char& c : r) if (c == 'e') c = 'E';
      } else {
        char fmt[16];
        std::snprintf(fmt, sizeof fmt, "%%.%d%c", sp.prec == 0 ? 1 : sp.prec, verb);
        std::snprintf(buf, sizeof buf, fmt, f);
        r = buf;
      }
      break;
    }
    default: r = FormatFloatV(f);
  }
  if (sp.plus && f >= 0) r = "+" + r;
  else if (sp.space && f >= 0) r = " " + r;
  return r;
}

std::string BadVerb(char verb, const Value& v) {
  std::string r = "%!";
  r += verb;
  r += "(";
  if (v.IsNil()) return r + "<nil>)";
  return r + TypeName(v) + "=" + FormatValue(v) + ")";
}

std::string FormatOne(const Value& v, char verb, const Spec& sp);

std::string FormatComposite(const Value& v, char verb, const Spec& sp) {
  if (v.type == Type::kList) {
    std::string r = "[";
    for (size_t k = 0; k < v.list->size(); ++k) {
      if (k) r += " ";
      r += FormatOne((*v.list)[k], verb, sp);
    }
    return r + "]";
  }
  std::string r = "map[";
  bool first = true;
  for (const auto& [k, x] : *v.map) {
    if (!first) r += " ";
    first = false;
    r += FormatOne(Value::String(k), verb, sp) + ":" + FormatOne(x, verb, sp);
  }
  return r + "]";
}

std::string FormatOne(const Value& v, char verb, const Spec& sp) {
  if (v.IsNil()) {
    if (verb == 'v') return Pad("<nil>", sp, false);
    return BadVerb(verb, v);
  }
  if (verb == 'T') return Pad(TypeName(v), sp, false);
  if (verb == 'v' && v.type != Type::kFloat && v.type != Type::kList && v.type != Type::kMap) {
    if (v.IsInteger() && (sp.plus || sp.zero)) {
      std::string s = std::to_string(v.i);
      if (sp.plus && v.i >= 0) s = "+" + s;
      return Pad(s, sp, true);
    }
    return Pad(FormatValue(v), sp, false);
  }
  switch (v.type) {
    case Type::kBool:
      if (verb == 't' || verb == 'v') return Pad(v.b ? "true" : "false", sp, false);
      return BadVerb(verb, v);
    case Type::kInt: case Type::kInt64: {
      std::string s;
      switch (verb) {
        case 'd': s = std::to_string(v.i); break;
        case 'x': s = IntToBase(v.i, 16, false); if (sp.sharp) s = (v.i < 0 ? "-0x" + s.substr(1) : "0x" + s); break;
        case 'X': s = IntToBase(v.i, 16, true); if (sp.sharp) s = (v.i < 0 ? "-0X" + s.substr(1) : "0X" + s); break;
        case 'o': s = IntToBase(v.i, 8, false); if (sp.sharp) s = "0" + s; break;
        case 'O': s = "0o" + IntToBase(v.i, 8, false); break;
        case 'b': s = IntToBase(v.i, 2, false); break;
        case 'c': AppendRune(&s, static_cast<uint32_t>(v.i)); return Pad(s, sp, false);
        case 'q': { std::string t; AppendRune(&t, static_cast<uint32_t>(v.i)); return Pad("'" + t + "'", sp, false); }
        case 'U': {
          char b[32];
          std::snprintf(b, sizeof b, "U+%04llX", static_cast<unsigned long long>(v.i));
          s = b;
          return Pad(s, sp, false);
        }
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': return BadVerb(verb, v);
        default: return BadVerb(verb, v);
      }
      if (sp.prec >= 0) {
        bool neg = !s.empty() && s[0] == '-';
        std::string digits = neg ? s.substr(1) : s;
        if (static_cast<int>(digits.size()) < sp.prec) digits = std::string(sp.prec - digits.size(), '0') + digits;
        s = (neg ? "-" : "") + digits;
      }
      if (sp.plus && v.i >= 0) s = "+" + s;
      else if (sp.space && v.i >= 0) s = " " + s;
      Spec p2 = sp;
      if (sp.prec >= 0) p2.zero = false;
      return Pad(s, p2, true);
    }
    case Type::kFloat:
      switch (verb) {
        case 'v': case 'g': case 'G': case 'e': case 'E': case 'f': case 'F':
          return Pad(FormatFloatVerb(v.f, verb == 'v' ? 'g' : verb, sp), sp, true);
        default: return BadVerb(verb, v);
      }
    case Type::kString: case Type::kBytes: {
      std::string s = v.s;
      switch (verb) {
        case 's': case 'v':
          if (v.type == Type::kBytes && verb == 'v') return Pad(FormatValue(v), sp, false);
          if (sp.prec >= 0) {
            size_t i = 0;
            int n = 0;
            while (i < s.size() && n < sp.prec) { ++i; while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i; ++n; }
            s = s.substr(0, i);
          }
          return Pad(s, sp, false);
        case 'q': return Pad(GoQuote(s), sp, false);
        case 'x': case 'X': {
          std::string r;
          char b[4];
          for (size_t k = 0; k < s.size(); ++k) {
            if (sp.space && k) r += ' ';
            std::snprintf(b, sizeof b, verb == 'x' ? "%02x" : "%02X", static_cast<unsigned char>(s[k]));
            r += b;
          }
          return Pad(r, sp, false);
        }
        default: return BadVerb(verb, v);
      }
    }
    case Type::kList: case Type::kMap:
      if (v.type == Type::kList && v.list->empty() && verb != 'v') return "[]";
      return Pad(FormatComposite(v, verb, sp), sp, false);
    case Type::kObject:
      return Pad(v.obj->Format(), sp, false);
    default: return BadVerb(verb, v);
  }
}

}  // namespace

std::string Sprintf(std::string_view f, const std::vector<Value>& args, size_t first) {
  std::string out;
  size_t argi = first;
  size_t i = 0;
  bool reordered = false;
  (void)reordered;
  while (i < f.size()) {
    size_t pct = f.find('%', i);
    if (pct == std::string_view::npos) { out.append(f.substr(i)); break; }
    out.append(f.substr(i, pct - i));
    i = pct + 1;
    if (i >= f.size()) { out += "%!(NOVERB)"; break; }
    Spec sp;
    for (; i < f.size(); ++i) {
      char c = f[i];
      if (c == '-') { sp.minus = true; sp.zero = false; }
      else if (c == '+') sp.plus = true;
      else if (c == '#') sp.sharp = true;
      else if (c == ' ') sp.space = true;
      else if (c == '0') sp.zero = !sp.minus;
      else break;
    }
    auto read_num = [&](int* dst) {
      if (i < f.size() && f[i] == '*') {
        ++i;
        if (argi < args.size() && args[argi].IsInteger()) {
          int64_t w = args[argi].i;
          if (w > 1000000) w = 1000000;
          if (w < -1000000) w = -1000000;
          *dst = static_cast<int>(w);
          if (*dst < 0 && dst == &sp.width) { sp.minus = true; *dst = -*dst; }
        } else {
          out += "%!(BADWIDTH)";
        }
        ++argi;
        return;
      }
      if (i < f.size() && f[i] >= '0' && f[i] <= '9') {
        int n = 0;
        while (i < f.size() && f[i] >= '0' && f[i] <= '9') { n = n * 10 + (f[i] - '0'); if (n > 1000000) n = 1000000; ++i; }
        *dst = n;
      }
    };
    read_num(&sp.width);
    if (i < f.size() && f[i] == '.') {
      ++i;
      sp.prec = 0;
      read_num(&sp.prec);
    }
    if (i >= f.size()) { out += "%!(NOVERB)"; break; }
    // verb (one rune)
    char verb = f[i];
    size_t vlen = 1;
    unsigned char uv = verb;
    if (uv >= 0x80) { vlen = uv >= 0xF0 ? 4 : uv >= 0xE0 ? 3 : 2; }
    i += vlen;
    if (verb == '%') { out += '%'; continue; }
    if (argi >= args.size()) {
      out += "%!";
      out.append(f.substr(i - vlen, vlen));
      out += "(MISSING)";
      continue;
    }
    const Value& a = args[argi++];
    if (vlen > 1) { out += "%!" + std::string(f.substr(i - vlen, vlen)) + "(" + TypeName(a) + "=" + FormatValue(a) + ")"; continue; }
    if (sp.width > 1000000) sp.width = 1000000;
    out += FormatOne(a, verb, sp);
  }
  if (argi < args.size()) {
    out += "%!(EXTRA ";
    for (size_t k = argi; k < args.size(); ++k) {
      if (k > argi) out += ", ";
      out += args[k].IsNil() ? "<nil>" : TypeName(args[k]) + "=" + FormatValue(args[k]);
    }
    out += ")";
  }
  return out;
}

std::string Sprint(const std::vector<Value>& args) {
  std::string out;
  bool prev_string = false;
  for (size_t k = 0; k < args.size(); ++k) {
    bool is_string = args[k].type == Type::kString;
    if (k > 0 && !is_string && !prev_string) out += ' ';
    out += args[k].IsNil() ? "<nil>" : FormatValue(args[k]);
    prev_string = is_string;
  }
  return out;
}

std::string Sprintln(const std::vector<Value>& args) {
  std::string out;
  for (size_t k = 0; k < args.size(); ++k) {
    if (k) out += ' ';
    out += args[k].IsNil() ? "<nil>" : FormatValue(args[k]);
  }
  return out + "\n";
}

}  // namespace capstan::gotemplate
