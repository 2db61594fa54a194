#include "yaml/node.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "yaml/canonical.h"
#include "yaml/yaml.h"

namespace capstan::yaml {

Node Node::Null() {
  Node n;
  n.value = "null";
  return n;
}

Node Node::String(std::string_view s) {
  Node n;
  n.kind = Kind::kScalar;
  n.tag = std::string(kStrTag);
  n.value = std::string(s);
  return n;
}

Node Node::Int(int64_t v) {
  Node n;
  n.kind = Kind::kScalar;
  n.tag = std::string(kIntTag);
  n.value = std::to_string(v);
  return n;
}

Node Node::Bool(bool v) {
  Node n;
  n.kind = Kind::kScalar;
  n.tag = std::string(kBoolTag);
  n.value = v ? "true" : "false";
  return n;
}

Node Node::Float(double v) {
  Node n;
  n.kind = Kind::kScalar;
  n.tag = std::string(kFloatTag);
  n.value = internal::FormatFloat(v);
  return n;
}

Node Node::Scalar(std::string_view text, std::string_view tag) {
  if (tag == kNullTag) {
    Node n;
    n.value = std::string(text);
    return n;
  }
  Node n;
  n.kind = Kind::kScalar;
  n.tag = std::string(tag);
  n.value = std::string(text);
  return n;
}

Node Node::Map() {
  Node n;
  n.kind = Kind::kMapping;
  n.tag = std::string(kMapTag);
  return n;
}

Node Node::Seq() {
  Node n;
  n.kind = Kind::kSequence;
  n.tag = std::string(kSeqTag);
  return n;
}

namespace {

// Integer text as go-yaml accepts it: sign, 0x/0o/0b or leading-0 octal,
// `_` separators.
bool ParseIntText(std::string_view in, int64_t* out) {
  std::string s;
  for (char c : in)
    if (c != '_') s.push_back(c);
  if (s.empty()) return false;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') neg = s[0] == '-', i = 1;
  int base = 10;
  if (s.size() - i >= 2 && s[i] == '0') {
    char p = s[i + 1] | 0x20;
    if (p == 'x') base = 16, i += 2;
    else if (p == 'o') base = 8, i += 2;
    else if (p == 'b') base = 2, i += 2;
    else base = 8, i += 1;
  }
  if (i >= s.size()) return false;
  uint64_t v = 0;
  auto r = std::from_chars(s.data() + i, s.data() + s.size(), v, base);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return false;
  if (neg) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

}  // namespace

int64_t Node::AsInt(int64_t fallback) const {
  if (!IsInt()) return fallback;
  int64_t v;
  return ParseIntText(value, &v) ? v : fallback;
}

double Node::AsFloat(double fallback) const {
  if (IsInt()) {
    int64_t v;
    if (ParseIntText(value, &v)) return static_cast<double>(v);
    // Big integers kept as text.
    return std::strtod(value.c_str(), nullptr);
  }
  if (!IsFloat()) return fallback;
  std::string_view s = value;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == ".inf" || s == ".Inf" || s == ".INF") return neg ? -HUGE_VAL : HUGE_VAL;
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::nan("");
  std::string clean;
  for (char c : value)
    if (c != '_') clean.push_back(c);
  char* end = nullptr;
  double d = std::strtod(clean.c_str(), &end);
  if (end == clean.c_str()) return fallback;
  return d;
}

bool Node::AsBool(bool fallback) const {
  if (!IsBool()) return fallback;
  if (value == "true" || value == "True" || value == "TRUE") return true;
  if (value == "false" || value == "False" || value == "FALSE") return false;
  return fallback;
}

const Node* Node::Get(std::string_view key) const {
  if (kind != Kind::kMapping) return nullptr;
  for (const Field& f : fields)
    if (f.key.value == key && f.key.kind == Kind::kScalar) return &f.value;
  return nullptr;
}

Node* Node::Get(std::string_view key) {
  return const_cast<Node*>(static_cast<const Node*>(this)->Get(key));
}

Node& Node::Set(std::string_view key, Node v) {
  if (kind == Kind::kNull) *this = Map();
  if (kind == Kind::kMapping) {
    if (Node* existing = Get(key)) {
      *existing = std::move(v);
      return *existing;
    }
    fields.push_back(Field{String(key), std::move(v)});
    return fields.back().value;
  }
  // Not a mapping: replace with one (callers asked for a field).
  *this = Map();
  fields.push_back(Field{String(key), std::move(v)});
  return fields.back().value;
}

Node& Node::GetOrCreateMap(std::string_view key) {
  if (Node* existing = Get(key)) {
    if (existing->IsNull()) *existing = Map();
    return *existing;
  }
  return Set(key, Map());
}

bool Node::Remove(std::string_view key) {
  if (kind != Kind::kMapping) return false;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it->key.kind == Kind::kScalar && it->key.value == key) {
      fields.erase(it);
      return true;
    }
  }
  return false;
}

const Node* Node::At(std::initializer_list<std::string_view> path) const {
  const Node* n = this;
  for (std::string_view k : path) {
    n = n->Get(k);
    if (!n) return nullptr;
  }
  return n;
}

std::string Node::StrAt(std::initializer_list<std::string_view> path,
                        std::string_view fallback) const {
  const Node* n = At(path);
  if (!n || !n->IsScalar()) return std::string(fallback);
  return n->value;
}

bool operator==(const Node& a, const Node& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::kNull:
      return true;
    case Kind::kScalar: {
      if (a.tag == b.tag && a.value == b.value) return true;
      // Numbers and booleans compare by value: 0x10 == 16, 1.0 == 1, TRUE == true.
      bool a_num = a.IsNumber(), b_num = b.IsNumber();
      if ((a_num && b_num) || (a.IsBool() && b.IsBool())) {
        std::string sa, sb;
        bool str_a, str_b;
        return internal::CanonicalScalar(a, &sa, &str_a) == internal::CanonicalScalar(b, &sb, &str_b);
      }
      return false;
    }
    case Kind::kSequence:
      if (a.items.size() != b.items.size()) return false;
      for (size_t i = 0; i < a.items.size(); ++i)
        if (a.items[i] != b.items[i]) return false;
      return true;
    case Kind::kMapping: {
      if (a.fields.size() != b.fields.size()) return false;
      for (size_t i = 0; i < a.fields.size(); ++i) {
        const Field& fa = a.fields[i];
        // Fast path: same position.
        if (b.fields[i].key == fa.key) {
          if (b.fields[i].value != fa.value) return false;
          continue;
        }
        bool found = false;
        for (const Field& fb : b.fields) {
          if (fb.key == fa.key) {
            if (fb.value != fa.value) return false;
            found = true;
            break;
          }
        }
        if (!found) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace capstan::yaml
