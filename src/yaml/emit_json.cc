// Node -> JSON text. Scalars are typed by tag: core ints, floats, bools and
// nulls become JSON numbers/literals, everything else (strings, timestamps,
// custom tags) a JSON string.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "yaml/canonical.h"
#include "yaml/json_string.h"
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

// --- Go encoding/json flavour --------------------------------------------

// json.Marshal's string escaping: HTML-safe (<, >, & as \u003c...), U+2028
// and U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
void GoQuote(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;  // Go >= 1.22
        case '\f': out += "\\f"; break;
        case '<': case '>': case '&':
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
          break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // Decode one UTF-8 sequence; invalid bytes become U+FFFD.
    int len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    uint32_t cp = len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    bool ok = len > 0 && i + len <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      unsigned char d = s[i + k];
      if ((d & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (ok && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
               cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)))
      ok = false;
    if (!ok) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (cp == 0x2028 || cp == 0x2029) {
      out += cp == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  out += '"';
}

// A float64 as encoding/json prints it: shortest digits, %f unless the
// magnitude is below 1e-6 or at least 1e21, exponent without a leading 0.
std::string GoJsonFloat(double d) {
  char buf[64];
  double a = std::fabs(d);
  bool exp = a != 0 && (a < 1e-6 || a >= 1e21);
  auto r = std::to_chars(buf, buf + sizeof buf, d,
                         exp ? std::chars_format::scientific : std::chars_format::fixed);
  std::string s(buf, r.ptr);
  if (exp) {
    size_t n = s.size();
    if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') s.erase(n - 2, 1);
  }
  return s;
}

void GoScalar(std::string& out, const Node& n) {
  std::string scratch;
  bool is_string;
  std::string_view text = internal::CanonicalScalar(n, &scratch, &is_string);
  if (is_string) {
    GoQuote(out, text);
    return;
  }
  if (n.IsFloat() || (n.IsInt() && text.find_first_of(".e") != std::string_view::npos)) {
    double d = n.AsFloat(NAN);
    if (!std::isfinite(d)) {  // json.Marshal rejects these; keep the text
      GoQuote(out, n.value);
      return;
    }
    if (text.find_first_of(".e") != std::string_view::npos) {
      out += GoJsonFloat(d);
      return;
    }
  }
  out += text;
}

void GoEmit(std::string& out, const Node& n) {
  if (n.IsMap()) {
    std::vector<const Field*> order;
    order.reserve(n.fields.size());
    for (const Field& f : n.fields) order.push_back(&f);
    std::stable_sort(order.begin(), order.end(),
                     [](const Field* a, const Field* b) { return a->key.value < b->key.value; });
    out += '{';
    bool first = true;
    for (const Field* f : order) {
      if (!first) out += ',';
      first = false;
      GoQuote(out, f->key.IsNull() ? std::string_view() : std::string_view(f->key.value));
      out += ':';
      GoEmit(out, f->value);
    }
    out += '}';
  } else if (n.IsSeq()) {
    out += '[';
    bool first = true;
    for (const Node& item : n.items) {
      if (!first) out += ',';
      first = false;
      GoEmit(out, item);
    }
    out += ']';
  } else {
    GoScalar(out, n);
  }
}

}  // namespace

std::string EmitJsonSorted(const Node& doc) {
  std::string out;
  out.reserve(256);
  GoEmit(out, doc);
  return out;
}

void AppendJsonString(std::string* out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          *out += "\\u00";
          out->push_back(hex[c >> 4]);
          out->push_back(hex[c & 15]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

std::string EmitJson(const Node& doc, int indent) {
  std::string out;
  out.reserve(256);
  Emit(out, doc, indent, 0);
  return out;
}

}  // namespace capstan::yaml
