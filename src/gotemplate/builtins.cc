// text/template's builtin functions, and the argument helpers.
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "gotemplate/args.h"
#include "gotemplate/template.h"

namespace capstan::gotemplate {

void WantArgs(const char* name, const std::vector<Value>& args, size_t min, size_t max) {
  if (args.size() < min || args.size() > max) {
    throw FuncError(std::string("wrong number of args for ") + name + ": want " + std::to_string(min) + " got " +
                    std::to_string(args.size()));
  }
}

const std::string& StrArg(const std::vector<Value>& args, size_t i) {
  const Value& v = args.at(i);
  if (v.type == Type::kString) return v.s;
  if (v.IsNil()) throw FuncError("invalid value; expected string");
  throw FuncError("wrong type for value; expected string; got " + TypeName(v));
}

int64_t IntArg(const std::vector<Value>& args, size_t i) {
  const Value& v = args.at(i);
  if (v.IsInteger()) return v.i;
  if (v.IsNil()) throw FuncError("invalid value; expected int");
  throw FuncError("wrong type for value; expected int; got " + TypeName(v));
}

std::shared_ptr<List> ListArg(const std::vector<Value>& args, size_t i) {
  const Value& v = args.at(i);
  if (v.type == Type::kList) return v.list;
  if (v.IsNil()) return std::make_shared<List>();
  throw FuncError("wrong type for value; expected []interface {}; got " + TypeName(v));
}

std::shared_ptr<Map> MapArg(const std::vector<Value>& args, size_t i) {
  const Value& v = args.at(i);
  if (v.type == Type::kMap) return v.map;
  if (v.IsNil()) throw FuncError("invalid value; expected map[string]interface {}");
  throw FuncError("wrong type for value; expected map[string]interface {}; got " + TypeName(v));
}

std::string StrVal(const Value& v) {
  switch (v.type) {
    case Type::kString: case Type::kBytes: return v.s;
    case Type::kInvalid: case Type::kNil: return "<nil>";
    default: return FormatValue(v);
  }
}

namespace {
std::string TrimZeroDecimal(const std::string& s) {
  size_t dot = s.find('.');
  if (dot == std::string::npos) return s;
  for (size_t k = dot + 1; k < s.size(); ++k) if (s[k] != '0') return s;
  return s.substr(0, dot);
}
bool ParseIntBase0(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  const char* b = s.c_str();
  char* e = nullptr;
  errno = 0;
  std::string t = s;
  bool neg = false;
  size_t p = 0;
  if (t[0] == '+' || t[0] == '-') { neg = t[0] == '-'; p = 1; }
  int base = 10;
  if (t.size() > p + 1 && t[p] == '0') {
    char x = static_cast<char>(std::tolower(static_cast<unsigned char>(t[p + 1])));
    if (x == 'x') { base = 16; p += 2; }
    else if (x == 'b') { base = 2; p += 2; }
    else if (x == 'o') { base = 8; p += 2; }
    else { base = 8; p += 1; }
  }
  std::string digits;
  for (size_t k = p; k < t.size(); ++k) if (t[k] != '_') digits.push_back(t[k]);
  if (digits.empty()) return false;
  (void)b;
  long long v = std::strtoll(digits.c_str(), &e, base);
  if (*e != '\0' || errno == ERANGE || digits[0] == '-' || digits[0] == '+') return false;
  *out = neg ? -v : v;
  return true;
}
}  // namespace

int64_t ToInt64(const Value& v) {
  switch (v.type) {
    case Type::kInt: case Type::kInt64: return v.i;
    case Type::kFloat:
      // Go on amd64: NaN and out-of-range conversions give math.MinInt64
      if (!(v.f >= -9223372036854775808.0 && v.f < 9223372036854775808.0)) return INT64_MIN;
      return static_cast<int64_t>(v.f);
    case Type::kBool: return v.b ? 1 : 0;
    case Type::kString: {
      int64_t r = 0;
      if (ParseIntBase0(TrimZeroDecimal(v.s), &r)) return r;
      return 0;
    }
    default: return 0;
  }
}

double ToFloat64(const Value& v) {
  switch (v.type) {
    case Type::kInt: case Type::kInt64: return static_cast<double>(v.i);
    case Type::kFloat: return v.f;
    case Type::kBool: return v.b ? 1 : 0;
    case Type::kString: {
      char* e = nullptr;
      double d = std::strtod(v.s.c_str(), &e);
      if (v.s.empty() || *e != '\0') return 0;
      return d;
    }
    default: return 0;
  }
}

bool AsList(const Value& v, List* out) {
  if (v.type == Type::kList) { *out = *v.list; return true; }
  if (v.type == Type::kObject) {
    Value u = v.obj->Underlying();
    if (u.type == Type::kList) { *out = *u.list; return true; }
  }
  return false;
}

namespace {

enum class Kind { kInvalid, kBool, kInt, kFloat, kString, kOther };
Kind BasicKind(const Value& v) {
  switch (v.type) {
    case Type::kBool: return Kind::kBool;
    case Type::kInt: case Type::kInt64: return Kind::kInt;
    case Type::kFloat: return Kind::kFloat;
    case Type::kString: return Kind::kString;
    case Type::kInvalid: case Type::kNil: return Kind::kInvalid;
    default: return Kind::kOther;
  }
}

bool Eq(const std::vector<Value>& args) {
  if (args.size() < 2) throw FuncError("missing argument for comparison");
  const Value& a = args[0];
  Kind k1 = BasicKind(a);
  for (size_t i = 1; i < args.size(); ++i) {
    const Value& b = args[i];
    Kind k2 = BasicKind(b);
    bool truth = false;
    if (k1 != k2) {
      if (!a.IsNil() && !b.IsNil()) throw FuncError("incompatible types for comparison");
    } else {
      switch (k1) {
        case Kind::kBool: truth = a.b == b.b; break;
        case Kind::kInt: truth = a.i == b.i; break;
        case Kind::kFloat: truth = a.f == b.f; break;
        case Kind::kString: truth = a.s == b.s; break;
        case Kind::kInvalid: truth = true; break;
        default:
          if (a.type == Type::kList || a.type == Type::kMap || b.type == Type::kList || b.type == Type::kMap)
            throw FuncError("non-comparable type " + FormatValue(a) + ": " + TypeName(a));
          truth = DeepEqual(a, b);
      }
    }
    if (truth) return true;
  }
  return false;
}

bool Lt(const Value& a, const Value& b) {
  Kind k1 = BasicKind(a), k2 = BasicKind(b);
  if (k1 == Kind::kInvalid || k1 == Kind::kOther || k2 == Kind::kInvalid || k2 == Kind::kOther)
    throw FuncError("invalid type for comparison");
  if (k1 != k2) throw FuncError("incompatible types for comparison");
  switch (k1) {
    case Kind::kBool: throw FuncError("invalid type for comparison");
    case Kind::kInt: return a.i < b.i;
    case Kind::kFloat: return a.f < b.f;
    case Kind::kString: return a.s < b.s;
    default: throw FuncError("invalid type for comparison");
  }
}

std::string EvalArgsString(const std::vector<Value>& args) {
  if (args.size() == 1 && args[0].type == Type::kString) return args[0].s;
  std::vector<Value> a = args;
  for (auto& v : a) if (v.IsNil()) v = Value::String("<no value>");
  return Sprint(a);
}

std::string HtmlEscape(const std::string& s) {
  std::string r;
  for (char c : s) {
    switch (c) {
      case '"': r += "&#34;"; break;
      case '\'': r += "&#39;"; break;
      case '&': r += "&amp;"; break;
      case '<': r += "&lt;"; break;
      case '>': r += "&gt;"; break;
      case '\0': r += "\xEF\xBF\xBD"; break;
      default: r += c;
    }
  }
  return r;
}

std::string JsEscape(const std::string& s) {
  std::string r;
  char b[8];
  for (unsigned char c : s) {
    switch (c) {
      case '\\': r += "\\\\"; break;
      case '\'': r += "\\'"; break;
      case '"': r += "\\\""; break;
      case '<': r += "\\u003C"; break;
      case '>': r += "\\u003E"; break;
      case '&': r += "\\u0026"; break;
      case '=': r += "\\u003D"; break;
      default:
        if (c < ' ') { std::snprintf(b, sizeof b, "\\u%04X", c); r += b; }
        else r += static_cast<char>(c);
    }
  }
  return r;
}

}  // namespace

std::string QueryEscape(const std::string& s) {
  std::string r;
  char b[4];
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') r += static_cast<char>(c);
    else if (c == ' ') r += '+';
    else { std::snprintf(b, sizeof b, "%%%02X", c); r += b; }
  }
  return r;
}

void AddBuiltins(FuncMap* m) {
  auto& f = m->funcs;
  f["and"] = [](Executor&, std::vector<Value>& a) { return a.empty() ? Value::Nil() : a.back(); };
  f["or"] = f["and"];
  f["not"] = [](Executor&, std::vector<Value>& a) { WantArgs("not", a, 1); return Value::Bool(!IsTrue(a[0])); };
  f["len"] = [](Executor&, std::vector<Value>& a) {
    WantArgs("len", a, 1);
    Value v = a[0];
    if (v.type == Type::kObject) v = v.obj->Underlying();
    switch (v.type) {
      case Type::kString: case Type::kBytes: return Value::Int(static_cast<int64_t>(v.s.size()));
      case Type::kList: return Value::Int(static_cast<int64_t>(v.list->size()));
      case Type::kMap: return Value::Int(static_cast<int64_t>(v.map->size()));
      case Type::kInvalid: case Type::kNil: throw FuncError("len of nil pointer");
      default: throw FuncError("len of type " + TypeName(v));
    }
  };
  f["index"] = [](Executor&, std::vector<Value>& a) {
    if (a.empty()) throw FuncError("wrong number of args for index: want at least 1 got 0");
    Value item = a[0];
    for (size_t k = 1; k < a.size(); ++k) {
      if (item.type == Type::kObject) item = item.obj->Underlying();
      const Value& ix = a[k];
      switch (item.type) {
        case Type::kList: case Type::kString: case Type::kBytes: {
          if (!ix.IsInteger()) {
            if (ix.IsNil()) throw FuncError("cannot index slice/array with nil");
            throw FuncError("cannot index slice/array with type " + TypeName(ix));
          }
          int64_t n = item.type == Type::kList ? static_cast<int64_t>(item.list->size()) : static_cast<int64_t>(item.s.size());
          if (ix.i < 0 || ix.i >= n) throw FuncError("index out of range: " + std::to_string(ix.i));
          if (item.type == Type::kList) item = (*item.list)[ix.i];
          else { Value u = Value::Int(static_cast<unsigned char>(item.s[ix.i])); u.type_name = "uint8"; item = u; }
          break;
        }
        case Type::kMap: {
          if (ix.type != Type::kString) {
            if (ix.IsNil()) throw FuncError("value is nil; should be of type string");
            throw FuncError("value has type " + TypeName(ix) + "; should be string");
          }
          auto it = item.map->find(ix.s);
          item = it == item.map->end() ? Value::Nil() : it->second;
          break;
        }
        case Type::kInvalid: case Type::kNil: throw FuncError("index of untyped nil");
        default: throw FuncError("can't index item of type " + TypeName(item));
      }
    }
    return item;
  };
  f["slice"] = [](Executor&, std::vector<Value>& a) {
    if (a.empty()) throw FuncError("wrong number of args for slice: want at least 1 got 0");
    Value item = a[0];
    if (a.size() > 4) throw FuncError("too many slice indexes: " + std::to_string(a.size() - 1));
    int64_t n = item.type == Type::kList ? static_cast<int64_t>(item.list->size()) : static_cast<int64_t>(item.s.size());
    if (item.type != Type::kList && item.type != Type::kString) throw FuncError("can't slice item of type " + TypeName(item));
    int64_t idx[3] = {0, n, n};
    for (size_t k = 1; k < a.size(); ++k) {
      if (!a[k].IsInteger()) throw FuncError("cannot index slice/array with type " + TypeName(a[k]));
      idx[k - 1] = a[k].i;
    }
    if (idx[0] < 0 || idx[1] > n || idx[0] > idx[1]) throw FuncError("invalid slice index");
    if (item.type == Type::kString) return Value::String(item.s.substr(idx[0], idx[1] - idx[0]));
    return Value::NewList(List(item.list->begin() + idx[0], item.list->begin() + idx[1]));
  };
  f["print"] = [](Executor&, std::vector<Value>& a) { return Value::String(Sprint(a)); };
  f["println"] = [](Executor&, std::vector<Value>& a) { return Value::String(Sprintln(a)); };
  f["printf"] = [](Executor&, std::vector<Value>& a) {
    if (a.empty()) throw FuncError("wrong number of args for printf: want at least 1 got 0");
    return Value::String(Sprintf(StrArg(a, 0), a, 1));
  };
  f["eq"] = [](Executor&, std::vector<Value>& a) { return Value::Bool(Eq(a)); };
  f["ne"] = [](Executor&, std::vector<Value>& a) { WantArgs("ne", a, 2); return Value::Bool(!Eq(a)); };
  f["lt"] = [](Executor&, std::vector<Value>& a) { WantArgs("lt", a, 2); return Value::Bool(Lt(a[0], a[1])); };
  f["le"] = [](Executor&, std::vector<Value>& a) {
    WantArgs("le", a, 2);
    return Value::Bool(Lt(a[0], a[1]) || Eq(a));
  };
  f["gt"] = [](Executor&, std::vector<Value>& a) {
    WantArgs("gt", a, 2);
    return Value::Bool(!(Lt(a[0], a[1]) || Eq(a)));
  };
  f["ge"] = [](Executor&, std::vector<Value>& a) { WantArgs("ge", a, 2); return Value::Bool(!Lt(a[0], a[1])); };
  f["html"] = [](Executor&, std::vector<Value>& a) { return Value::String(HtmlEscape(EvalArgsString(a))); };
  f["js"] = [](Executor&, std::vector<Value>& a) { return Value::String(JsEscape(EvalArgsString(a))); };
  f["urlquery"] = [](Executor&, std::vector<Value>& a) { return Value::String(QueryEscape(EvalArgsString(a))); };
  f["call"] = [](Executor&, std::vector<Value>&) -> Value { throw FuncError("call of non-function"); };
}

}  // namespace capstan::gotemplate
