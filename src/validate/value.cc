#include "validate/value.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "yaml/json_string.h"

namespace capstan::validate {
namespace {

bool IsDigits(std::string_view s, int base) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c == '_') continue;
    bool ok = base == 2 ? (c == '0' || c == '1')
              : base == 8 ? (c >= '0' && c <= '7')
              : base == 10 ? (c >= '0' && c <= '9')
                           : std::isxdigit(static_cast<unsigned char>(c)) != 0;
    if (!ok) return false;
  }
  return true;
}

// YAML 1.1 int (go-yaml v2): [-+]?0b[01_]+ | [-+]?0[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+
bool Int11(std::string_view s, double* value) {
  std::string_view body = s;
  bool neg = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return false;
  int base = 10;
  std::string_view digits = body;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'b' || body[1] == 'B')) {
    base = 2, digits = body.substr(2);
  } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    base = 16, digits = body.substr(2);
  } else if (body.size() > 1 && body[0] == '0') {
    base = 8, digits = body.substr(1);
  } else if (body[0] == '_') {
    return false;
  }
  if (!IsDigits(digits, base)) return false;
  if (value != nullptr) {
    std::string clean;
    for (char c : digits)
      if (c != '_') clean += c;
    double v = static_cast<double>(std::strtoull(clean.c_str(), nullptr, base));
    *value = neg ? -v : v;
  }
  return true;
}

// YAML 1.1 float: [-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)
bool Float11(std::string_view s, double* value) {
  if (s == ".nan" || s == ".NaN" || s == ".NAN") {
    if (value) *value = NAN;
    return true;
  }
  std::string_view body = s;
  bool neg = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == ".inf" || body == ".Inf" || body == ".INF") {
    if (value) *value = neg ? -INFINITY : INFINITY;
    return true;
  }
  size_t i = 0;
  bool mantissa_digits = false;
  while (i < body.size() && (std::isdigit(static_cast<unsigned char>(body[i])) || (body[i] == '_' && i > 0))) {
    mantissa_digits = true;
    ++i;
  }
  bool dot = i < body.size() && body[i] == '.';
  if (dot) {
    ++i;
    while (i < body.size() && (std::isdigit(static_cast<unsigned char>(body[i])) || body[i] == '_')) {
      mantissa_digits = true;
      ++i;
    }
  }
  if (!mantissa_digits) return false;
  bool exp = false;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    size_t j = i + 1;
    if (j < body.size() && (body[j] == '+' || body[j] == '-')) ++j;
    size_t start = j;
    while (j < body.size() && std::isdigit(static_cast<unsigned char>(body[j]))) ++j;
    if (j == start) return false;
    exp = true;
    i = j;
  }
  if (i != body.size() || (!dot && !exp)) return false;
  if (value != nullptr) {
    std::string clean;
    for (char c : body)
      if (c != '_') clean += c;
    double v = std::strtod(clean.c_str(), nullptr);
    *value = neg ? -v : v;
  }
  return true;
}

int Bool11(std::string_view s) {  // 1 true, 0 false, -1 not a bool
  static constexpr std::string_view kTrue[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static constexpr std::string_view kFalse[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  if (s.size() > 5) return -1;
  for (std::string_view t : kTrue)
    if (s == t) return 1;
  for (std::string_view f : kFalse)
    if (s == f) return 0;
  return -1;
}

bool Plain11(const yaml::Node& n, bool yaml11) {
  return yaml11 && n.kind == yaml::Kind::kScalar && n.style == yaml::Style::kPlain && !n.tagged;
}

JsonType Resolve11(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return JsonType::kNull;
  char c = s[0];
  if (Bool11(s) >= 0) return JsonType::kBool;
  if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
    if (Int11(s, nullptr)) return JsonType::kInt;
    if (Float11(s, nullptr)) return JsonType::kFloat;
  }
  return JsonType::kString;
}

std::string NumberText(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[40];
  if (v == std::floor(v) && std::fabs(v) < 1e18) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", v);
  }
  return buf;
}

void GoValueInto(const yaml::Node& n, bool yaml11, std::string* out, int depth) {
  if (depth > 64) {
    *out += "...";
    return;
  }
  switch (TypeOf(n, yaml11)) {
    case JsonType::kNull: *out += "null"; return;
    case JsonType::kBool: *out += BoolOf(n, yaml11) ? "true" : "false"; return;
    case JsonType::kInt:
    case JsonType::kFloat: *out += NumberText(NumberOf(n, yaml11)); return;
    case JsonType::kString: yaml::AppendJsonString(out, n.value); return;
    case JsonType::kArray:
      out->push_back('[');
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i) out->push_back(',');
        GoValueInto(n.items[i], yaml11, out, depth + 1);
      }
      out->push_back(']');
      return;
    case JsonType::kObject: {
      out->push_back('{');
      std::string buf;
      for (size_t i = 0; i < n.fields.size(); ++i) {
        if (i) out->push_back(',');
        yaml::AppendJsonString(out, KeyText(n.fields[i].key, yaml11, &buf));
        out->push_back(':');
        GoValueInto(n.fields[i].value, yaml11, out, depth + 1);
      }
      out->push_back('}');
      return;
    }
  }
}

}  // namespace

JsonType TypeOf(const yaml::Node& n, bool yaml11) {
  switch (n.kind) {
    case yaml::Kind::kNull: return JsonType::kNull;
    case yaml::Kind::kSequence: return JsonType::kArray;
    case yaml::Kind::kMapping: return JsonType::kObject;
    case yaml::Kind::kScalar: break;
  }
  if (Plain11(n, yaml11)) return Resolve11(n.value);
  if (n.tag == yaml::kStrTag) return JsonType::kString;
  if (n.tag == yaml::kIntTag) return JsonType::kInt;
  if (n.tag == yaml::kFloatTag) return JsonType::kFloat;
  if (n.tag == yaml::kBoolTag) return JsonType::kBool;
  if (n.tag == yaml::kNullTag) return JsonType::kNull;
  return JsonType::kString;
}

double NumberOf(const yaml::Node& n, bool yaml11) {
  double v = 0;
  if (Plain11(n, yaml11)) {
    if (Int11(n.value, &v) || Float11(n.value, &v)) return v;
    return 0;
  }
  if (n.IsInt()) return static_cast<double>(n.AsInt());
  return n.AsFloat();
}

bool BoolOf(const yaml::Node& n, bool yaml11) {
  if (Plain11(n, yaml11)) return Bool11(n.value) == 1;
  return n.AsBool();
}

std::string_view KeyText(const yaml::Node& key, bool yaml11, std::string* buf) {
  if (!Plain11(key, yaml11)) {
    if (key.kind == yaml::Kind::kNull) return "null";
    return key.value;
  }
  switch (Resolve11(key.value)) {
    case JsonType::kNull: return "null";
    case JsonType::kBool: return Bool11(key.value) == 1 ? "true" : "false";
    case JsonType::kInt:
    case JsonType::kFloat:
      *buf = NumberText(NumberOf(key, yaml11));
      return *buf;
    default: return key.value;
  }
}

const char* TypeName(JsonType t) {
  switch (t) {
    case JsonType::kNull: return "null";
    case JsonType::kBool: return "boolean";
    case JsonType::kInt: return "integer";
    case JsonType::kFloat: return "number";
    case JsonType::kString: return "string";
    case JsonType::kArray: return "array";
    case JsonType::kObject: return "object";
  }
  return "unknown";
}

std::string Canonical(const yaml::Node& n, bool yaml11) {
  JsonType t = TypeOf(n, yaml11);
  if (t == JsonType::kObject) {
    std::vector<std::pair<std::string, std::string>> kv;
    std::string buf;
    for (const yaml::Field& f : n.fields)
      kv.emplace_back(std::string(KeyText(f.key, yaml11, &buf)), Canonical(f.value, yaml11));
    std::sort(kv.begin(), kv.end());
    std::string out = "{";
    for (const auto& [k, v] : kv) {
      yaml::AppendJsonString(&out, k);
      out += ":" + v + ",";
    }
    return out + "}";
  }
  if (t == JsonType::kArray) {
    std::string out = "[";
    for (const yaml::Node& i : n.items) out += Canonical(i, yaml11) + ",";
    return out + "]";
  }
  std::string out;
  GoValueInto(n, yaml11, &out, 0);
  if (t == JsonType::kBool) return "b" + out;
  return out;
}

std::string GoValue(const yaml::Node& n, bool yaml11) {
  std::string out;
  GoValueInto(n, yaml11, &out, 0);
  return out;
}

}  // namespace capstan::validate
