// Value <-> YAML/JSON conversions with Helm's (Go's) semantics.
#include "gotemplate/convert.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "base/base64.h"
#include "yaml/yaml.h"

namespace capstan::gotemplate {
namespace {

bool IsYaml11Bool(std::string_view s, bool* out) {
  static const char* t[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const char* f[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  for (const char* x : t) if (s == x) { *out = true; return true; }
  for (const char* x : f) if (s == x) { *out = false; return true; }
  return false;
}

bool ParseYaml11Int(std::string_view s, double* out) {
  std::string p;
  for (char c : s) if (c != '_') p.push_back(c);
  if (p.empty()) return false;
  bool neg = false;
  size_t i = 0;
  if (p[0] == '+' || p[0] == '-') { neg = p[0] == '-'; i = 1; }
  if (i >= p.size()) return false;
  int base = 10;
  if (p.size() - i > 2 && p[i] == '0' && (p[i + 1] == 'x' || p[i + 1] == 'X')) { base = 16; i += 2; }
  else if (p.size() - i > 2 && p[i] == '0' && (p[i + 1] == 'b' || p[i + 1] == 'B')) { base = 2; i += 2; }
  else if (p.size() - i > 1 && p[i] == '0') { base = 8; i += 1; }
  if (i >= p.size()) return false;
  long double v = 0;
  for (; i < p.size(); ++i) {
    char c = p[i];
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    if (d >= base) return false;
    v = v * base + d;
  }
  if (base == 10) {
    // exact decimal conversion
    *out = std::strtod(std::string(s).c_str(), nullptr);
    std::string q;
    for (char c : s) if (c != '_') q.push_back(c);
    *out = std::strtod(q.c_str(), nullptr);
    return true;
  }
  *out = static_cast<double>(neg ? -v : v);
  return true;
}

bool ParseYaml11Float(std::string_view s, double* out) {
  // ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ ; .inf ; .nan
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF") { *out = INFINITY; return true; }
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") { *out = -INFINITY; return true; }
  if (s == ".nan" || s == ".NaN" || s == ".NAN") { *out = NAN; return true; }
  size_t i = 0;
  std::string p;
  for (char c : s) if (c != '_') p.push_back(c);
  if (i < p.size() && (p[i] == '+' || p[i] == '-')) ++i;
  size_t digits = 0;
  while (i < p.size() && std::isdigit(static_cast<unsigned char>(p[i]))) { ++i; ++digits; }
  if (i < p.size() && p[i] == '.') {
    ++i;
    size_t frac = 0;
    while (i < p.size() && std::isdigit(static_cast<unsigned char>(p[i]))) { ++i; ++frac; }
    if (digits == 0 && frac == 0) return false;
  } else if (digits == 0) {
    return false;
  }
  if (i < p.size() && (p[i] == 'e' || p[i] == 'E')) {
    ++i;
    if (i < p.size() && (p[i] == '+' || p[i] == '-')) ++i;
    size_t ed = 0;
    while (i < p.size() && std::isdigit(static_cast<unsigned char>(p[i]))) { ++i; ++ed; }
    if (ed == 0) return false;
  }
  if (i != p.size()) return false;
  *out = std::strtod(p.c_str(), nullptr);
  return true;
}

// A plain scalar resolved as go-yaml v2 then JSON would.
Value ResolvePlain(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value::Nil();
  bool b;
  if (IsYaml11Bool(s, &b)) return Value::Bool(b);
  char c = s[0];
  if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
    double d;
    if (ParseYaml11Int(s, &d)) return Value::Float(d);
    if (ParseYaml11Float(s, &d)) return Value::Float(d);
  }
  return Value::String(s);
}

std::string KeyString(const yaml::Node& k) {
  if (k.IsNull()) return "null";
  if (!k.IsScalar()) return yaml::EmitJson(k);
  if (k.style != yaml::Style::kPlain || k.tagged) return k.value;
  Value v = ResolvePlain(k.value);
  switch (v.type) {
    case Type::kBool: return v.b ? "true" : "false";
    case Type::kFloat: {
      // integers keep their integer text; floats use Go's strconv 'g'
      if (std::floor(v.f) == v.f && std::fabs(v.f) < 1e21) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.0f", v.f);
        return buf;
      }
      return FormatFloatV(v.f);
    }
    case Type::kNil: return "null";
    default: return k.value;
  }
}

}  // namespace

Value FromYamlNode(const yaml::Node& n) {
  switch (n.kind) {
    case yaml::Kind::kNull: return Value::Nil();
    case yaml::Kind::kSequence: {
      Value l = Value::NewList();
      l.list->reserve(n.items.size());
      for (const auto& x : n.items) l.list->push_back(FromYamlNode(x));
      return l;
    }
    case yaml::Kind::kMapping: {
      Value m = Value::NewMap();
      for (const auto& f : n.fields) (*m.map)[KeyString(f.key)] = FromYamlNode(f.value);
      return m;
    }
    case yaml::Kind::kScalar: break;
  }
  if (n.tagged) {
    if (n.tag == yaml::kStrTag) return Value::String(n.value);
    if (n.tag == yaml::kBoolTag || n.tag == yaml::kIntTag || n.tag == yaml::kFloatTag || n.tag == yaml::kNullTag)
      return ResolvePlain(n.value);
    return Value::String(n.value);
  }
  if (n.style == yaml::Style::kPlain || n.style == yaml::Style::kAny) {
    if (n.tag == yaml::kStrTag && n.style == yaml::Style::kAny) return Value::String(n.value);
    return ResolvePlain(n.value);
  }
  return Value::String(n.value);
}

Value ParseYamlValue(std::string_view text, std::string_view source) {
  yaml::Node n = yaml::ParseOne(text, source);
  return FromYamlNode(n);
}

namespace {
Value FromJsonNode(const yaml::Node& n) {
  switch (n.kind) {
    case yaml::Kind::kNull: return Value::Nil();
    case yaml::Kind::kSequence: {
      Value l = Value::NewList();
      for (const auto& x : n.items) l.list->push_back(FromJsonNode(x));
      return l;
    }
    case yaml::Kind::kMapping: {
      Value m = Value::NewMap();
      for (const auto& f : n.fields) (*m.map)[f.key.value] = FromJsonNode(f.value);
      return m;
    }
    default: break;
  }
  if (n.tag == yaml::kBoolTag) return Value::Bool(n.value == "true");
  if (n.tag == yaml::kIntTag || n.tag == yaml::kFloatTag) return Value::Float(std::strtod(n.value.c_str(), nullptr));
  if (n.tag == yaml::kNullTag) return Value::Nil();
  return Value::String(n.value);
}

// Length of the valid UTF-8 sequence at s[i] (Go's utf8.DecodeRune rules), or 0.
int ValidUtf8Len(const std::string& s, size_t i) {
  auto at = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0; };
  unsigned char c = at(i);
  auto cont = [&](size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) { return at(k) >= lo && at(k) <= hi; };
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c == 0xE0) return cont(i + 1, 0xA0) && cont(i + 2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(i + 1) && cont(i + 2) ? 3 : 0;
  if (c == 0xED) return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0;
  if (c == 0xF0) return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c == 0xF4) return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  return 0;
}

void JsonString(const std::string& s, bool html, std::string* out) {
  out->push_back('"');
  char b[8];
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c < 0x80) {
      switch (c) {
        case '"': *out += "\\\""; break;
        case '\\': *out += "\\\\"; break;
        case '\n': *out += "\\n"; break;
        case '\r': *out += "\\r"; break;
        case '\t': *out += "\\t"; break;
        case '\b': *out += "\\b"; break;
        case '\f': *out += "\\f"; break;
        default:
          if (c < 0x20 || (html && (c == '<' || c == '>' || c == '&'))) {
            std::snprintf(b, sizeof b, "\\u%04x", c);
            *out += b;
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    int len = ValidUtf8Len(s, i);
    if (len == 0) { *out += "\\ufffd"; ++i; continue; }
    if (len == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      *out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 3;
      continue;
    }
    out->append(s, i, len);
    i += len;
  }
  out->push_back('"');
}

std::string JsonFloat(double f) {
  if (std::isnan(f) || std::isinf(f)) throw FuncError("json: unsupported value: " + FormatFloatV(f));
  double a = std::fabs(f);
  char buf[64];
  if (a != 0 && (a < 1e-6 || a >= 1e21)) {
    std::string s = FormatFloatV(f);  // shortest 'e'
    // Go: 'e' format, then clean e-07 -> e-7
    size_t e = s.find('e');
    if (e == std::string::npos) {
      std::snprintf(buf, sizeof buf, "%.17g", f);
      return buf;
    }
    if (s.size() >= e + 4 && s[e + 2] == '0') s.erase(e + 2, 1);
    return s;
  }
  // shortest 'f'
  std::string s = FormatFloatV(f);
  if (s.find('e') == std::string::npos) return s;
  // FormatFloatV used %e (exp >= 6): print fixed from shortest digits
  std::string digits;
  int exp = 0;
  {
    size_t e = s.find('e');
    std::string mant = s.substr(0, e);
    exp = std::atoi(s.c_str() + e + 1);
    bool neg = mant[0] == '-';
    for (char c : mant) if (c >= '0' && c <= '9') digits.push_back(c);
    std::string r = neg ? "-" : "";
    if (exp >= 0) {
      if (static_cast<int>(digits.size()) <= exp + 1) r += digits + std::string(exp + 1 - digits.size(), '0');
      else r += digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
    } else {
      r += "0." + std::string(-exp - 1, '0') + digits;
    }
    return r;
  }
}

void JsonValue(const Value& v, const JsonOptions& o, int depth, std::string* out) {
  if (depth > 10000) throw FuncError("json: nesting too deep");
  auto nl = [&](int d) {
    if (o.indent <= 0) return;
    out->push_back('\n');
    out->append(static_cast<size_t>(d * o.indent), ' ');
  };
  switch (v.type) {
    case Type::kInvalid: case Type::kNil: *out += "null"; return;
    case Type::kBool: *out += v.b ? "true" : "false"; return;
    case Type::kInt: case Type::kInt64: *out += std::to_string(v.i); return;
    case Type::kFloat: *out += JsonFloat(v.f); return;
    case Type::kString: JsonString(v.s, o.escape_html, out); return;
    case Type::kBytes:
      JsonString(base::Base64Encode(v.s), false, out);
      return;
    case Type::kList: {
      if (v.list->empty()) { *out += "[]"; return; }
      out->push_back('[');
      bool first = true;
      for (const Value& x : *v.list) {
        if (!first) out->push_back(',');
        first = false;
        nl(depth + 1);
        JsonValue(x, o, depth + 1, out);
      }
      nl(depth);
      out->push_back(']');
      return;
    }
    case Type::kMap: {
      if (v.map->empty()) { *out += "{}"; return; }
      out->push_back('{');
      bool first = true;
      for (const auto& [k, x] : *v.map) {
        if (!first) out->push_back(',');
        first = false;
        nl(depth + 1);
        JsonString(k, o.escape_html, out);
        out->push_back(':');
        if (o.indent > 0) out->push_back(' ');
        JsonValue(x, o, depth + 1, out);
      }
      nl(depth);
      out->push_back('}');
      return;
    }
    case Type::kObject: {
      Value u = v.obj->Underlying();
      if (u.type != Type::kInvalid) { JsonValue(u, o, depth, out); return; }
      JsonString(v.obj->Format(), o.escape_html, out);
      return;
    }
  }
}

}  // namespace

namespace {

// encoding/json's syntax error for the first problem in `s` (scanner.go).
class GoJsonChecker {
 public:
  explicit GoJsonChecker(std::string_view s) : s_(s) {}
  std::string Check() {
    try {
      Ws();
      Val();
      Ws();
      if (p_ < s_.size()) Bad("after top-level value");
    } catch (const std::string& e) {
      return e;
    }
    return "";
  }

 private:
  [[noreturn]] void Bad(const char* ctx) {
    if (p_ >= s_.size()) throw std::string("unexpected end of JSON input");
    char c = s_[p_];
    std::string q;
    if (c == '\'') q = "'\\''";
    else if (c == '"') q = "'\"'";
    else if (static_cast<unsigned char>(c) < 0x20) { char b[16]; std::snprintf(b, sizeof b, "'\\x%02x'", c); q = b; }
    else q = std::string("'") + c + "'";
    throw std::string("invalid character ") + q + " " + ctx;
  }
  void Ws() { while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' || s_[p_] == '\r')) ++p_; }
  void Lit(const char* w) {
    for (const char* c = w; *c; ++c) {
      if (p_ >= s_.size()) throw std::string("unexpected end of JSON input");
      if (s_[p_] != *c) Bad(("in literal " + std::string(w[0] == 't' ? "true" : w[0] == 'f' ? "false" : "null") + " (expecting '" + std::string(1, *c) + "')").c_str());
      ++p_;
    }
  }
  void Str() {
    ++p_;
    while (true) {
      if (p_ >= s_.size()) throw std::string("unexpected end of JSON input");
      char c = s_[p_];
      if (c == '"') { ++p_; return; }
      if (static_cast<unsigned char>(c) < 0x20) Bad("in string literal");
      if (c == '\\') { p_ += 2; continue; }
      ++p_;
    }
  }
  void Num() {
    if (s_[p_] == '-') ++p_;
    if (p_ >= s_.size()) throw std::string("unexpected end of JSON input");
    if (!std::isdigit(static_cast<unsigned char>(s_[p_]))) Bad("in numeric literal");
    while (p_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[p_])) || s_[p_] == '.' || s_[p_] == 'e' ||
                              s_[p_] == 'E' || s_[p_] == '+' || s_[p_] == '-')) ++p_;
  }
  void Val() {
    if (++depth_ > 10000) throw std::string("exceeded max depth");
    if (p_ >= s_.size()) throw std::string("unexpected end of JSON input");
    char c = s_[p_];
    if (c == '{') {
      ++p_;
      Ws();
      if (p_ < s_.size() && s_[p_] == '}') { ++p_; --depth_; return; }
      while (true) {
        Ws();
        if (p_ >= s_.size() || s_[p_] != '"') Bad("looking for beginning of object key string");
        Str();
        Ws();
        if (p_ >= s_.size() || s_[p_] != ':') Bad("after object key");
        ++p_;
        Ws();
        Val();
        Ws();
        if (p_ < s_.size() && s_[p_] == ',') { ++p_; continue; }
        if (p_ < s_.size() && s_[p_] == '}') { ++p_; break; }
        Bad("after object key:value pair");
      }
    } else if (c == '[') {
      ++p_;
      Ws();
      if (p_ < s_.size() && s_[p_] == ']') { ++p_; --depth_; return; }
      while (true) {
        Ws();
        Val();
        Ws();
        if (p_ < s_.size() && s_[p_] == ',') { ++p_; continue; }
        if (p_ < s_.size() && s_[p_] == ']') { ++p_; break; }
        Bad("after array element");
      }
    } else if (c == '"') {
      Str();
    } else if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
      Num();
    } else if (c == 't') {
      Lit("true");
    } else if (c == 'f') {
      Lit("false");
    } else if (c == 'n') {
      Lit("null");
    } else {
      Bad("looking for beginning of value");
    }
    --depth_;
  }
  std::string_view s_;
  size_t p_ = 0;
  int depth_ = 0;
};

}  // namespace

Value ParseJsonValue(std::string_view text) {
  std::string err = GoJsonChecker(text).Check();
  if (!err.empty()) throw std::runtime_error(err);
  yaml::Node n = yaml::ParseJson(text, "json");
  return FromJsonNode(n);
}

std::string ToJson(const Value& v, const JsonOptions& o) {
  std::string out;
  JsonValue(v, o, 0, &out);
  return out;
}

yaml::Node ToYamlNode(const Value& v) {
  switch (v.type) {
    case Type::kInvalid: case Type::kNil: return yaml::Node::Null();
    case Type::kBool: return yaml::Node::Bool(v.b);
    case Type::kInt: case Type::kInt64: return yaml::Node::Int(v.i);
    case Type::kFloat: {
      std::string j = JsonFloat(v.f);
      bool is_int = j.find_first_of(".eE") == std::string::npos;
      if (is_int) {
        // go-yaml v2 reads a JSON integer as int, uint64 or (too big) float
        char* e = nullptr;
        errno = 0;
        std::strtoll(j.c_str(), &e, 10);
        if (errno != ERANGE) return yaml::Node::Scalar(j, yaml::kIntTag);
        errno = 0;
        if (j[0] != '-') {
          std::strtoull(j.c_str(), &e, 10);
          if (errno != ERANGE) return yaml::Node::Scalar(j, yaml::kIntTag);
        }
        return yaml::Node::Scalar(FormatFloatV(v.f), yaml::kFloatTag);
      }
      return yaml::Node::Scalar(j, yaml::kFloatTag);
    }
    case Type::kString: return yaml::Node::String(v.s);
    case Type::kBytes: return yaml::Node::String(ToJson(v).substr(1, ToJson(v).size() - 2));
    case Type::kList: {
      yaml::Node n = yaml::Node::Seq();
      n.items.reserve(v.list->size());
      for (const Value& x : *v.list) n.items.push_back(ToYamlNode(x));
      return n;
    }
    case Type::kMap: {
      yaml::Node n = yaml::Node::Map();
      n.fields.reserve(v.map->size());
      for (const auto& [k, x] : *v.map) n.fields.push_back({yaml::Node::String(k), ToYamlNode(x)});
      return n;
    }
    case Type::kObject: {
      Value u = v.obj->Underlying();
      if (u.type != Type::kInvalid) return ToYamlNode(u);
      return yaml::Node::String(v.obj->Format());
    }
  }
  return yaml::Node::Null();
}

std::string ToYaml(const Value& v) {
  return yaml::EmitYaml(ToYamlNode(v));
}

}  // namespace capstan::gotemplate
