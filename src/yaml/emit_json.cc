// Node -> JSON text. Scalars are typed by tag: core ints, floats, bools and
// nulls become JSON numbers/literals, everything else (strings, timestamps,
// custom tags) a JSON string.
#include <charconv>
#include <cmath>
#include <string>

#include "yaml/yaml.h"

namespace capstan::yaml {
namespace {

void Quote(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

bool IsJsonNumber(std::string_view s) {
  size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') ++i;
  else if (s[i] >= '1' && s[i] <= '9') while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
  else return false;
  if (i < n && s[i] == '.') {
    size_t st = ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == st) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t st = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == st) return false;
  }
  return i == n;
}

void Scalar(std::string& out, const Node& n) {
  if (n.IsNull()) {
    out += "null";
    return;
  }
  if (n.tag == kBoolTag) {
    if (n.value == "true" || n.value == "True" || n.value == "TRUE") { out += "true"; return; }
    if (n.value == "false" || n.value == "False" || n.value == "FALSE") { out += "false"; return; }
  } else if (n.tag == kIntTag) {
    if (IsJsonNumber(n.value)) { out += n.value; return; }
    int64_t sentinel = INT64_MIN + 1;
    int64_t v = n.AsInt(sentinel);
    if (v != sentinel || n.value == std::to_string(sentinel)) { out += std::to_string(v); return; }
  } else if (n.tag == kFloatTag) {
    if (IsJsonNumber(n.value)) { out += n.value; return; }
    double d = n.AsFloat(NAN);
    if (std::isfinite(d)) {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      std::string_view t(buf, r.ptr - buf);
      if (IsJsonNumber(t)) { out += t; return; }
    }
    // .inf / .nan have no JSON form: fall through to a string.
  }
  Quote(out, n.value);
}

void Emit(std::string& out, const Node& n, int indent, int level) {
  auto newline = [&](int lvl) {
    if (indent <= 0) return;
    out += '\n';
    out.append(static_cast<size_t>(indent * lvl), ' ');
  };
  if (n.IsMap()) {
    if (n.fields.empty()) { out += "{}"; return; }
    out += '{';
    bool first = true;
    for (const Field& f : n.fields) {
      if (!first) out += ',';
      first = false;
      newline(level + 1);
      Quote(out, f.key.value);
      out += indent > 0 ? ": " : ":";
      Emit(out, f.value, indent, level + 1);
    }
    newline(level);
    out += '}';
  } else if (n.IsSeq()) {
    if (n.items.empty()) { out += "[]"; return; }
    out += '[';
    bool first = true;
    for (const Node& item : n.items) {
      if (!first) out += ',';
      first = false;
      newline(level + 1);
      Emit(out, item, indent, level + 1);
    }
    newline(level);
    out += ']';
  } else {
    Scalar(out, n);
  }
}

}  // namespace

std::string EmitJson(const Node& doc, int indent) {
  std::string out;
  out.reserve(256);
  Emit(out, doc, indent, 0);
  return out;
}

}  // namespace capstan::yaml
