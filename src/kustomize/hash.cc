// The name suffix kustomize gives generated objects: sha256 over a Go
// json.Marshal encoding of selected fields, first 10 hex digits with
// vowel-ish digits swapped out so it never spells words.
//
// Quirk kept on purpose: kustomize looks the name up with a path string as
// one key, finds nothing, and hashes an empty name; so does this.
#include <openssl/sha.h>

#include <algorithm>

#include "kustomize/internal.h"

namespace capstan::kustomize {

namespace {

void GoJsonString(std::string_view s, std::string& out) {
  static const char* kHex = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '<': case '>': case '&':
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
          break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 15];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = n && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
    if (!ok) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    std::string_view cp = s.substr(i, n);
    if (cp == "\xE2\x80\xA8") {
      out += "\\u2028";
    } else if (cp == "\xE2\x80\xA9") {
      out += "\\u2029";
    } else {
      out += cp;
    }
    i += n;
  }
  out += '"';
}

void GoJson(const Node& n, std::string& out) {
  switch (n.kind) {
    case yaml::Kind::kNull:
      out += "null";
      return;
    case yaml::Kind::kScalar:
      if (n.IsInt() || n.IsFloat() || n.IsBool()) {
        out += n.value;
      } else if (n.tag == yaml::kNullTag) {
        out += "null";
      } else {
        GoJsonString(n.value, out);
      }
      return;
    case yaml::Kind::kSequence:
      out += '[';
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i) out += ',';
        GoJson(n.items[i], out);
      }
      out += ']';
      return;
    case yaml::Kind::kMapping: {
      std::vector<const yaml::Field*> fields;
      for (const auto& f : n.fields) fields.push_back(&f);
      std::sort(fields.begin(), fields.end(),
                [](const yaml::Field* a, const yaml::Field* b) { return a->key.value < b->key.value; });
      out += '{';
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ',';
        GoJsonString(fields[i]->key.value, out);
        out += ':';
        GoJson(fields[i]->value, out);
      }
      out += '}';
      return;
    }
  }
}

// A field for the encoding: absent -> "" (kustomize's lookup fallback).
Node FieldOr(const Node& obj, const char* name) {
  const Node* f = obj.Get(name);
  if (!f) return Str("");
  return *f;
}

}  // namespace

std::string HashResource(const Node& obj) {
  std::string kind = obj.StrAt({"kind"});
  Node m = Node::Map();
  if (kind == "ConfigMap") {
    m.Set("kind", Str("ConfigMap"));
    m.Set("name", Str(""));
    m.Set("data", FieldOr(obj, "data"));
    if (const Node* b = obj.Get("binaryData"); b && b->IsMap()) m.Set("binaryData", *b);
  } else if (kind == "Secret") {
    m.Set("kind", Str("Secret"));
    m.Set("type", FieldOr(obj, "type"));
    m.Set("name", Str(""));
    m.Set("data", FieldOr(obj, "data"));
    if (const Node* s = obj.Get("stringData"); s && s->IsMap()) m.Set("stringData", *s);
  } else {
    m = obj;
  }
  std::string json;
  GoJson(m, json);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(json.data()), json.size(), digest);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 5; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  for (char& c : out) {
    switch (c) {
      case '0': c = 'g'; break;
      case '1': c = 'h'; break;
      case '3': c = 'k'; break;
      case 'a': c = 'm'; break;
      case 'e': c = 't'; break;
      default: break;
    }
  }
  return out;
}

}  // namespace capstan::kustomize
