#include "policy/format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace capstan::policy {

namespace {

std::string GoQuote(const std::string& s) {
  std::string r = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': r += "\\\""; break;
      case '\\': r += "\\\\"; break;
      case '\n': r += "\\n"; break;
      case '\t': r += "\\t"; break;
      case '\r': r += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          r += buf;
        } else {
          r.push_back(static_cast<char>(c));
        }
    }
  }
  return r + "\"";
}

// Go's %v / strconv.FormatFloat(f, 'g', -1, 64) with %v's exponent rule.
std::string GoFloat(double d) {
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (std::isnan(d)) return "NaN";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  int exp = std::atoi(sci.c_str() + sci.find('e') + 1);
  if (exp < -4 || exp >= 21) {
    // mantissa e+XX with at least two exponent digits
    std::string mant = sci.substr(0, sci.find('e'));
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    return mant + eb;
  }
  res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  return std::string(buf, res.ptr);
}

enum class ArgKind { kInt, kBig, kFloat, kString, kOther };
struct Arg {
  ArgKind kind;
  long long i = 0;
  double f = 0;
  std::string s;
};

Arg ToArg(const Value& v) {
  Arg a;
  if (v.IsNumber()) {
    if (v.str) {
      // a big integer, or (OPA passes its text) a number no float64 holds
      bool digits = v.str->find_first_not_of("-0123456789") == std::string::npos;
      a.kind = digits ? ArgKind::kBig : ArgKind::kOther;
      a.s = *v.str;
    } else if (std::floor(v.num) == v.num && std::fabs(v.num) < 9.2e18) {
      a.kind = ArgKind::kInt;
      a.i = static_cast<long long>(v.num);
    } else {
      a.kind = ArgKind::kFloat;
      a.f = v.num;
    }
  } else if (v.IsString()) {
    a.kind = ArgKind::kString;
    a.s = v.S();
  } else {
    a.kind = ArgKind::kOther;
    a.s = RegoString(v);
  }
  return a;
}

const char* GoType(const Arg& a) {
  switch (a.kind) {
    case ArgKind::kInt: return "int";
    case ArgKind::kBig: return "*big.Int";
    case ArgKind::kFloat: return "float64";
    default: return "string";
  }
}

std::string Plain(const Arg& a) {
  switch (a.kind) {
    case ArgKind::kInt: return std::to_string(a.i);
    case ArgKind::kFloat: return GoFloat(a.f);
    default: return a.s;
  }
}

std::string Bad(char verb, const Arg& a) { return std::string("%!") + verb + "(" + GoType(a) + "=" + Plain(a) + ")"; }

std::string Pad(std::string s, int width, bool left, bool zero) {
  int len = 0;
  for (unsigned char c : s) len += (c & 0xC0) != 0x80;
  if (width <= len) return s;
  std::string fill(width - len, zero && !left ? '0' : ' ');
  if (left) return s + fill;
  if (zero && !s.empty() && (s[0] == '-' || s[0] == '+')) return s.substr(0, 1) + fill + s.substr(1);
  return fill + s;
}

std::string IntBase(long long v, int base, bool upper) {
  bool neg = v < 0;
  unsigned long long n = neg ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string r;
  if (n == 0) r = "0";
  while (n) {
    r.insert(r.begin(), digits[n % base]);
    n /= base;
  }
  return neg ? "-" + r : r;
}

}  // namespace

std::string RegoString(const Value& v) {
  switch (v.type) {
    case Type::kNull: return "null";
    case Type::kBool: return v.b ? "true" : "false";
    case Type::kNumber: return NumberText(v);
    case Type::kString: return GoQuote(v.S());
    case Type::kArray:
    case Type::kSet: {
      if (v.IsSet() && v.Size() == 0) return "set()";
      std::string r = v.IsSet() ? "{" : "[";
      bool first = true;
      for (const Value& x : v.Items()) {
        if (!first) r += ", ";
        first = false;
        r += RegoString(x);
      }
      return r + (v.IsSet() ? "}" : "]");
    }
    case Type::kObject: {
      std::string r = "{";
      bool first = true;
      for (const auto& [k, x] : v.Fields()) {
        if (!first) r += ", ";
        first = false;
        r += RegoString(k) + ": " + RegoString(x);
      }
      return r + "}";
    }
  }
  return "";
}

std::string GoSprintf(const std::string& f, const Array& values) {
  std::vector<Arg> args;
  for (const Value& v : values) args.push_back(ToArg(v));
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') {
      out.push_back(f[i]);
      continue;
    }
    ++i;
    bool left = false, zero = false, plus = false, space = false, sharp = false;
    for (; i < f.size(); ++i) {
      char c = f[i];
      if (c == '-') left = true;
      else if (c == '0') zero = true;
      else if (c == '+') plus = true;
      else if (c == ' ') space = true;
      else if (c == '#') sharp = true;
      else break;
    }
    int width = -1, prec = -1;
    while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) {
      width = (width < 0 ? 0 : width * 10) + (f[i] - '0');
      if (width > 10000) width = 10000;
      ++i;
    }
    if (i < f.size() && f[i] == '.') {
      ++i;
      prec = 0;
      while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) {
        prec = prec * 10 + (f[i] - '0');
        if (prec > 1000) prec = 1000;
        ++i;
      }
    }
    if (i >= f.size()) {
      out += "%!(NOVERB)";
      break;
    }
    char verb = f[i];
    if (verb == '%') {
      out.push_back('%');
      continue;
    }
    if (next >= args.size()) {
      out += std::string("%!") + verb + "(MISSING)";
      continue;
    }
    const Arg& a = args[next++];
    std::string s;
    switch (verb) {
      case 'v':
      case 's':
        if (verb == 's' && (a.kind == ArgKind::kInt || a.kind == ArgKind::kFloat)) {
          s = Bad(verb, a);
        } else {
          s = Plain(a);
          if (a.kind == ArgKind::kInt && plus && a.i >= 0) s = "+" + s;
          if (prec >= 0 && (a.kind == ArgKind::kString || a.kind == ArgKind::kOther) &&
              static_cast<size_t>(prec) < s.size()) {
            s = s.substr(0, prec);
          }
        }
        break;
      case 'd':
        if (a.kind == ArgKind::kInt) {
          s = std::to_string(a.i);
          if (plus && a.i >= 0) s = "+" + s;
          else if (space && a.i >= 0) s = " " + s;
        } else if (a.kind == ArgKind::kBig) {
          s = a.s;
        } else {
          s = Bad(verb, a);
        }
        break;
      case 'x':
      case 'X':
      case 'o':
      case 'b':
        if (a.kind == ArgKind::kInt) {
          s = IntBase(a.i, verb == 'o' ? 8 : verb == 'b' ? 2 : 16, verb == 'X');
          if (sharp && verb != 'b') s = (verb == 'o' ? "0" : verb == 'X' ? "0X" : "0x") + s;
        } else if ((verb == 'x' || verb == 'X') && a.kind == ArgKind::kString) {
          for (unsigned char c : a.s) {
            char buf[4];
            std::snprintf(buf, sizeof buf, verb == 'x' ? "%02x" : "%02X", c);
            s += buf;
          }
        } else {
          s = Bad(verb, a);
        }
        break;
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G':
        if (a.kind == ArgKind::kFloat) {
          if ((verb == 'g' || verb == 'G') && prec < 0) {
            s = GoFloat(a.f);
          } else {
            char fmt[16], buf[512];
            std::snprintf(fmt, sizeof fmt, "%%%s.%d%c", plus ? "+" : "", prec < 0 ? 6 : prec, verb);
            std::snprintf(buf, sizeof buf, fmt, a.f);
            s = buf;
          }
        } else {
          s = Bad(verb, a);
        }
        break;
      case 'q':
        if (a.kind == ArgKind::kString || a.kind == ArgKind::kOther) s = GoQuote(a.s);
        else s = Bad(verb, a);
        break;
      case 't':
        s = Bad(verb, a);
        break;
      default:
        s = Bad(verb, a);
    }
    out += width >= 0 ? Pad(s, width, left, zero && verb != 's' && verb != 'v') : s;
  }
  if (next < args.size()) {
    out += "%!(EXTRA ";
    for (size_t j = next; j < args.size(); ++j) {
      if (j > next) out += ", ";
      out += std::string(GoType(args[j])) + "=" + Plain(args[j]);
    }
    out += ")";
  }
  return out;
}

}  // namespace capstan::policy
