#include "policy/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "yaml/json_string.h"

namespace capstan::policy {

namespace {
const std::string kEmpty;
const Array kNoItems;
const Object kNoFields;

int Rank(Type t) { return static_cast<int>(t); }

int CompareNumbers(const Value& a, const Value& b) {
  if (a.str && b.str) {
    // Both big integers: compare by sign, length, then digits.
    const std::string &x = *a.str, &y = *b.str;
    bool nx = !x.empty() && x[0] == '-', ny = !y.empty() && y[0] == '-';
    if (nx != ny) return nx ? -1 : 1;
    int c = x.size() != y.size() ? (x.size() < y.size() ? -1 : 1) : x.compare(y) < 0 ? -1 : x.compare(y) > 0;
    return nx ? -c : c;
  }
  if (a.num < b.num) return -1;
  if (a.num > b.num) return 1;
  return 0;
}

void AppendJson(std::string* out, const Value& v, bool rego) {
  switch (v.type) {
    case Type::kNull: *out += "null"; return;
    case Type::kBool: *out += v.b ? "true" : "false"; return;
    case Type::kNumber: *out += NumberText(v); return;
    case Type::kString: yaml::AppendJsonString(out, v.S()); return;
    case Type::kArray:
    case Type::kSet: {
      if (rego && v.IsSet() && v.Size() == 0) {
        *out += "set()";
        return;
      }
      out->push_back(rego && v.IsSet() ? '{' : '[');
      bool first = true;
      for (const Value& x : v.Items()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJson(out, x, rego);
      }
      out->push_back(rego && v.IsSet() ? '}' : ']');
      return;
    }
    case Type::kObject: {
      out->push_back('{');
      bool first = true;
      for (const auto& [k, x] : v.Fields()) {
        if (!first) out->push_back(',');
        first = false;
        if (k.IsString() || rego) {
          AppendJson(out, k, rego);
        } else {
          yaml::AppendJsonString(out, ToJson(k));
        }
        out->push_back(':');
        AppendJson(out, x, rego);
      }
      out->push_back('}');
      return;
    }
  }
}

Value NumberFromText(const std::string& text) {
  double d = std::strtod(text.c_str(), nullptr);
  bool integral = text.find_first_of(".eE") == std::string::npos;
  size_t digits = text.size() - (text[0] == '-' ? 1 : 0);
  if (integral && digits > 15) return Value::BigNumber(d, text);
  return Value::Number(d);
}
}  // namespace

Value Value::Bool(bool v) {
  Value r;
  r.type = Type::kBool;
  r.b = v;
  return r;
}
Value Value::Number(double v) {
  Value r;
  r.type = Type::kNumber;
  r.num = v == 0 ? 0 : v;  // no negative zero
  return r;
}
Value Value::BigNumber(double v, std::string text) {
  Value r = Number(v);
  r.str = std::make_shared<const std::string>(std::move(text));
  return r;
}
Value Value::String(std::string s) {
  Value r;
  r.type = Type::kString;
  r.str = std::make_shared<const std::string>(std::move(s));
  return r;
}
Value Value::MakeArray(Array items) {
  Value r;
  r.type = Type::kArray;
  r.arr = std::make_shared<const Array>(std::move(items));
  return r;
}
Value Value::MakeSet(Array items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  Value r;
  r.type = Type::kSet;
  r.arr = std::make_shared<const Array>(std::move(items));
  return r;
}
Value Value::MakeObject(Object fields) {
  std::stable_sort(fields.begin(), fields.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  // Keep the last of equal keys.
  Object out;
  out.reserve(fields.size());
  for (auto& f : fields) {
    if (!out.empty() && out.back().first == f.first) {
      out.back().second = std::move(f.second);
    } else {
      out.push_back(std::move(f));
    }
  }
  Value r;
  r.type = Type::kObject;
  r.obj = std::make_shared<const Object>(std::move(out));
  return r;
}

const std::string& Value::S() const { return str ? *str : kEmpty; }
const Array& Value::Items() const { return arr ? *arr : kNoItems; }
const Object& Value::Fields() const { return obj ? *obj : kNoFields; }
size_t Value::Size() const {
  if (type == Type::kObject) return Fields().size();
  if (type == Type::kArray || type == Type::kSet) return Items().size();
  return 0;
}

const Value* Value::Find(const Value& key) const {
  if (type != Type::kObject) return nullptr;
  const Object& f = Fields();
  auto it = std::lower_bound(f.begin(), f.end(), key,
                             [](const auto& p, const Value& k) { return Compare(p.first, k) < 0; });
  if (it != f.end() && it->first == key) return &it->second;
  return nullptr;
}

const Value* Value::Find(std::string_view key) const {
  if (type != Type::kObject) return nullptr;
  const Object& f = Fields();
  // Strings sort after null/bool/number keys and before collections.
  auto it = std::lower_bound(f.begin(), f.end(), key, [](const auto& p, std::string_view k) {
    if (p.first.type != Type::kString) return Rank(p.first.type) < Rank(Type::kString);
    return std::string_view(p.first.S()) < k;
  });
  if (it != f.end() && it->first.IsString() && it->first.S() == key) return &it->second;
  return nullptr;
}

bool Value::SetHas(const Value& v) const {
  const Array& a = Items();
  return std::binary_search(a.begin(), a.end(), v);
}

bool Value::AsInt(int64_t* out) const {
  if (type != Type::kNumber || std::floor(num) != num || std::fabs(num) > 9.2e18) return false;
  *out = static_cast<int64_t>(num);
  return true;
}

int Compare(const Value& a, const Value& b) {
  if (a.type != b.type) return Rank(a.type) < Rank(b.type) ? -1 : 1;
  switch (a.type) {
    case Type::kNull: return 0;
    case Type::kBool: return a.b == b.b ? 0 : (a.b ? 1 : -1);
    case Type::kNumber: return CompareNumbers(a, b);
    case Type::kString: {
      int c = a.S().compare(b.S());
      return c < 0 ? -1 : c > 0;
    }
    case Type::kArray:
    case Type::kSet: {
      if (a.arr == b.arr) return 0;
      const Array &x = a.Items(), &y = b.Items();
      size_t n = std::min(x.size(), y.size());
      for (size_t i = 0; i < n; ++i) {
        int c = Compare(x[i], y[i]);
        if (c) return c;
      }
      return x.size() == y.size() ? 0 : (x.size() < y.size() ? -1 : 1);
    }
    case Type::kObject: {
      if (a.obj == b.obj) return 0;
      const Object &x = a.Fields(), &y = b.Fields();
      size_t n = std::min(x.size(), y.size());
      for (size_t i = 0; i < n; ++i) {
        int c = Compare(x[i].first, y[i].first);
        if (c) return c;
        c = Compare(x[i].second, y[i].second);
        if (c) return c;
      }
      return x.size() == y.size() ? 0 : (x.size() < y.size() ? -1 : 1);
    }
  }
  return 0;
}

const char* TypeName(Type t) {
  switch (t) {
    case Type::kNull: return "null";
    case Type::kBool: return "boolean";
    case Type::kNumber: return "number";
    case Type::kString: return "string";
    case Type::kArray: return "array";
    case Type::kObject: return "object";
    case Type::kSet: return "set";
  }
  return "?";
}

std::string NumberText(const Value& v) {
  if (v.str) return *v.str;
  double d = v.num;
  if (std::isnan(d) || std::isinf(d)) return "null";
  if (std::floor(d) == d && std::fabs(d) < 1e21) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", d);
    return buf;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, res.ptr);
  // Go prints exponents as e+21 / e-07.
  size_t e = s.find('e');
  if (e != std::string::npos && e + 1 < s.size() && s[e + 1] != '-' && s[e + 1] != '+') s.insert(e + 1, "+");
  return s;
}

std::string ToJson(const Value& v) {
  std::string out;
  AppendJson(&out, v, false);
  return out;
}

std::string ToRegoText(const Value& v) {
  std::string out;
  AppendJson(&out, v, true);
  return out;
}

Value FromNode(const yaml::Node& n) {
  switch (n.kind) {
    case yaml::Kind::kNull: return Value::Null();
    case yaml::Kind::kScalar:
      if (n.tag == yaml::kNullTag) return Value::Null();
      if (n.tag == yaml::kBoolTag) return Value::Bool(n.AsBool());
      if (n.tag == yaml::kIntTag) {
        std::string t = n.value;
        if (!t.empty() && t[0] == '+') t.erase(0, 1);
        if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'o')) {
          return Value::Number(static_cast<double>(n.AsInt()));
        }
        return NumberFromText(t);
      }
      if (n.tag == yaml::kFloatTag) {
        if (n.value.find_first_of("eE.") == std::string::npos) return NumberFromText(n.value);
        return Value::Number(n.AsFloat());
      }
      return Value::String(n.value);
    case yaml::Kind::kSequence: {
      Array a;
      a.reserve(n.items.size());
      for (const auto& i : n.items) a.push_back(FromNode(i));
      return Value::MakeArray(std::move(a));
    }
    case yaml::Kind::kMapping: {
      Object o;
      o.reserve(n.fields.size());
      for (const auto& f : n.fields) {
        Value k = f.key.IsString() || f.key.IsScalar() ? Value::String(f.key.value) : FromNode(f.key);
        o.emplace_back(std::move(k), FromNode(f.value));
      }
      return Value::MakeObject(std::move(o));
    }
  }
  return Value::Null();
}

yaml::Node ToNode(const Value& v) {
  switch (v.type) {
    case Type::kNull: return yaml::Node::Null();
    case Type::kBool: return yaml::Node::Bool(v.b);
    case Type::kNumber: {
      std::string t = NumberText(v);
      bool integral = t.find_first_of(".eE") == std::string::npos;
      return yaml::Node::Scalar(t, integral ? yaml::kIntTag : yaml::kFloatTag);
    }
    case Type::kString: return yaml::Node::String(v.S());
    case Type::kArray:
    case Type::kSet: {
      yaml::Node s = yaml::Node::Seq();
      for (const Value& x : v.Items()) s.items.push_back(ToNode(x));
      return s;
    }
    case Type::kObject: {
      yaml::Node m = yaml::Node::Map();
      for (const auto& [k, x] : v.Fields()) {
        m.fields.push_back({yaml::Node::String(k.IsString() ? k.S() : ToJson(k)), ToNode(x)});
      }
      return m;
    }
  }
  return yaml::Node::Null();
}

}  // namespace capstan::policy
