// Go value semantics: fmt printing, truth, type names, deep copy/equal.
#include "gotemplate/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace capstan::gotemplate {

namespace {

// Shortest round-trip decimal digits and exponent (d.ddd x 10^exp).
void ShortestDigits(double f, std::string* digits, int* exp10) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  size_t e = s.find('e');
  std::string mant = s.substr(0, e);
  *exp10 = std::atoi(s.c_str() + e + 1);
  digits->clear();
  for (char c : mant) if (c >= '0' && c <= '9') digits->push_back(c);
  while (digits->size() > 1 && digits->back() == '0') digits->pop_back();
}

std::string ExpSuffix(int exp, char e = 'e') {
  std::string r(1, e);
  r += exp < 0 ? '-' : '+';
  int a = std::abs(exp);
  if (a < 10) r += '0';
  r += std::to_string(a);
  return r;
}

}  // namespace

std::string FormatFloatV(double f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f == 0) return std::signbit(f) ? "-0" : "0";
  std::string sign = f < 0 ? "-" : "";
  std::string d;
  int exp;
  ShortestDigits(std::fabs(f), &d, &exp);
  if (exp < -4 || exp >= 21 /* shortest: eprec = max(nd, ...) */) {
    // %e form
  }
  int eprec = 6;
  if (exp < -4 || exp >= eprec) {
    std::string r = sign + d.substr(0, 1);
    if (d.size() > 1) r += "." + d.substr(1);
    return r + ExpSuffix(exp);
  }
  // %f form with the digits needed
  std::string r = sign;
  if (exp < 0) {
    r += "0." + std::string(-exp - 1, '0') + d;
  } else {
    if (static_cast<int>(d.size()) <= exp + 1) {
      r += d + std::string(exp + 1 - d.size(), '0');
    } else {
      r += d.substr(0, exp + 1) + "." + d.substr(exp + 1);
    }
  }
  return r;
}

std::string FormatValue(const Value& v) {
  switch (v.type) {
    case Type::kInvalid: return "<no value>";
    case Type::kNil: return "<nil>";
    case Type::kBool: return v.b ? "true" : "false";
    case Type::kInt: case Type::kInt64: return std::to_string(v.i);
    case Type::kFloat: return FormatFloatV(v.f);
    case Type::kString: return v.s;
    case Type::kBytes: {
      std::string r = "[";
      for (size_t k = 0; k < v.s.size(); ++k) {
        if (k) r += " ";
        r += std::to_string(static_cast<unsigned char>(v.s[k]));
      }
      return r + "]";
    }
    case Type::kList: {
      std::string r = "[";
      bool first = true;
      for (const Value& x : *v.list) {
        if (!first) r += " ";
        first = false;
        r += x.IsNil() ? "<nil>" : FormatValue(x);
      }
      return r + "]";
    }
    case Type::kMap: {
      std::string r = "map[";
      bool first = true;
      for (const auto& [k, x] : *v.map) {
        if (!first) r += " ";
        first = false;
        r += k + ":" + (x.IsNil() ? "<nil>" : FormatValue(x));
      }
      return r + "]";
    }
    case Type::kObject: return v.obj->Format();
  }
  return "";
}

bool IsTrue(const Value& v) {
  switch (v.type) {
    case Type::kInvalid: case Type::kNil: return false;
    case Type::kBool: return v.b;
    case Type::kInt: case Type::kInt64: return v.i != 0;
    case Type::kFloat: return v.f != 0;
    case Type::kString: case Type::kBytes: return !v.s.empty();
    case Type::kList: return !v.list->empty();
    case Type::kMap: return !v.map->empty();
    case Type::kObject: return true;
  }
  return false;
}

std::string TypeName(const Value& v) {
  if (v.type_name != nullptr) return v.type_name;
  switch (v.type) {
    case Type::kInvalid: case Type::kNil: return "<nil>";
    case Type::kBool: return "bool";
    case Type::kInt: return "int";
    case Type::kInt64: return "int64";
    case Type::kFloat: return "float64";
    case Type::kString: return "string";
    case Type::kBytes: return "[]uint8";
    case Type::kList: return "[]interface {}";
    case Type::kMap: return "map[string]interface {}";
    case Type::kObject: return v.obj->TypeName();
  }
  return "";
}

std::string KindName(const Value& v) {
  switch (v.type) {
    case Type::kInvalid: case Type::kNil: return "invalid";
    case Type::kBool: return "bool";
    case Type::kInt: return v.type_name && std::strcmp(v.type_name, "int32") == 0 ? "int32" : "int";
    case Type::kInt64: return "int64";
    case Type::kFloat: return "float64";
    case Type::kString: return "string";
    case Type::kBytes: return "slice";
    case Type::kList: return "slice";
    case Type::kMap: return "map";
    case Type::kObject: return v.obj->KindName();
  }
  return "";
}

Value DeepCopy(const Value& v) {
  if (v.type == Type::kList) {
    Value r = Value::NewList();
    r.type_name = v.type_name;
    r.list->reserve(v.list->size());
    for (const Value& x : *v.list) r.list->push_back(DeepCopy(x));
    return r;
  }
  if (v.type == Type::kMap) {
    Value r = Value::NewMap();
    r.type_name = v.type_name;
    for (const auto& [k, x] : *v.map) r.map->emplace(k, DeepCopy(x));
    return r;
  }
  return v;
}

bool DeepEqual(const Value& a, const Value& b) {
  if (a.IsNil() && b.IsNil()) return true;
  if (a.type != b.type || TypeName(a) != TypeName(b)) return false;
  switch (a.type) {
    case Type::kBool: return a.b == b.b;
    case Type::kInt: case Type::kInt64: return a.i == b.i;
    case Type::kFloat: return a.f == b.f;
    case Type::kString: case Type::kBytes: return a.s == b.s;
    case Type::kList:
      if (a.list->size() != b.list->size()) return false;
      for (size_t k = 0; k < a.list->size(); ++k) if (!DeepEqual((*a.list)[k], (*b.list)[k])) return false;
      return true;
    case Type::kMap:
      if (a.map->size() != b.map->size()) return false;
      for (const auto& [k, x] : *a.map) {
        auto it = b.map->find(k);
        if (it == b.map->end() || !DeepEqual(x, it->second)) return false;
      }
      return true;
    case Type::kObject: return a.obj == b.obj;
    default: return true;
  }
}

}  // namespace capstan::gotemplate
