// The built-in table, shared helpers, and the operator, type and aggregate
// built-ins.
#include "policy/builtins.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "policy/policy.h"

namespace capstan::policy {

void Budget::Charge(uint64_t n) {
  used_ += n;
  if (used_ > max_) {
    // Not a built-in error: never made undefined, always ends the query.
    throw Error("eval_limit_error", "eval_limit_error: evaluation created more than " + std::to_string(max_) +
                                        " values (memory limit)");
  }
}

void ThrowType(const char* fn, int operand, const std::string& want, const Value& got) {
  throw BuiltinError{"eval_type_error", std::string(fn) + ": operand " + std::to_string(operand) + " must be " +
                                            want + " but got " + TypeName(got.type)};
}

void ThrowBuiltin(const char* fn, const std::string& msg) {
  throw BuiltinError{"eval_builtin_error", std::string(fn) + ": " + msg};
}

const std::string& StringArg(const char* fn, const Value* args, int i) {
  if (!args[i].IsString()) ThrowType(fn, i + 1, "string", args[i]);
  return args[i].S();
}

double NumberArg(const char* fn, const Value* args, int i) {
  if (!args[i].IsNumber()) ThrowType(fn, i + 1, "number", args[i]);
  return args[i].num;
}

int64_t IntArg(const char* fn, const Value* args, int i) {
  int64_t v;
  if (!args[i].IsNumber()) ThrowType(fn, i + 1, "number", args[i]);
  if (!args[i].AsInt(&v)) ThrowBuiltin(fn, "operand " + std::to_string(i + 1) + " must be integer number but got floating-point number");
  return v;
}

namespace {

#define BI(name) bool name(BuiltinContext& ctx, const Value* a, Value* out)

Value Num(double d) { return Value::Number(d); }

BI(Equal) { (void)ctx; *out = Value::Bool(a[0] == a[1]); return true; }
BI(Neq) { (void)ctx; *out = Value::Bool(a[0] != a[1]); return true; }
BI(Lt) { (void)ctx; *out = Value::Bool(a[0] < a[1]); return true; }
BI(Lte) { (void)ctx; *out = Value::Bool(Compare(a[0], a[1]) <= 0); return true; }
BI(Gt) { (void)ctx; *out = Value::Bool(Compare(a[0], a[1]) > 0); return true; }
BI(Gte) { (void)ctx; *out = Value::Bool(Compare(a[0], a[1]) >= 0); return true; }

Value SetOp(const Value& x, const Value& y, int op) {  // 0 union, 1 intersection, 2 difference
  const Array &p = x.Items(), &q = y.Items();
  Array r;
  if (op == 0) std::set_union(p.begin(), p.end(), q.begin(), q.end(), std::back_inserter(r));
  if (op == 1) std::set_intersection(p.begin(), p.end(), q.begin(), q.end(), std::back_inserter(r));
  if (op == 2) std::set_difference(p.begin(), p.end(), q.begin(), q.end(), std::back_inserter(r));
  Value v;
  v.type = Type::kSet;
  v.arr = std::make_shared<const Array>(std::move(r));
  return v;
}

BI(Plus) {
  (void)ctx;
  *out = Num(NumberArg("plus", a, 0) + NumberArg("plus", a, 1));
  return true;
}
BI(Minus) {
  ctx.budget->Charge(a[0].Size());
  if (a[0].IsSet() && a[1].IsSet()) {
    *out = SetOp(a[0], a[1], 2);
    return true;
  }
  if (a[0].IsSet()) ThrowType("minus", 2, "set", a[1]);
  if (!a[0].IsNumber()) ThrowType("minus", 1, "one of {number, set}", a[0]);
  *out = Num(a[0].num - NumberArg("minus", a, 1));
  return true;
}
BI(Mul) { (void)ctx; *out = Num(NumberArg("mul", a, 0) * NumberArg("mul", a, 1)); return true; }
BI(Div) {
  (void)ctx;
  double x = NumberArg("div", a, 0), y = NumberArg("div", a, 1);
  if (y == 0) ThrowBuiltin("div", "divide by zero");
  *out = Num(x / y);
  return true;
}
BI(Rem) {
  (void)ctx;
  int64_t x, y;
  NumberArg("rem", a, 0);
  NumberArg("rem", a, 1);
  if (!a[0].AsInt(&x) || !a[1].AsInt(&y)) ThrowBuiltin("rem", "modulo on floating-point number");
  if (y == 0) ThrowBuiltin("rem", "modulo by zero");
  *out = Num(static_cast<double>(x % y));
  return true;
}
BI(And) {
  ctx.budget->Charge(a[0].Size());
  if (!a[0].IsSet()) ThrowType("and", 1, "set", a[0]);
  if (!a[1].IsSet()) ThrowType("and", 2, "set", a[1]);
  *out = SetOp(a[0], a[1], 1);
  return true;
}
BI(Or) {
  ctx.budget->Charge(a[0].Size() + a[1].Size());
  if (!a[0].IsSet()) ThrowType("or", 1, "set", a[0]);
  if (!a[1].IsSet()) ThrowType("or", 2, "set", a[1]);
  *out = SetOp(a[0], a[1], 0);
  return true;
}
BI(Abs) { (void)ctx; *out = Num(std::fabs(NumberArg("abs", a, 0))); return true; }
BI(Round) { (void)ctx; *out = Num(std::round(NumberArg("round", a, 0))); return true; }
BI(Ceil) { (void)ctx; *out = Num(std::ceil(NumberArg("ceil", a, 0))); return true; }
BI(Floor) { (void)ctx; *out = Num(std::floor(NumberArg("floor", a, 0))); return true; }

BI(NumbersRange) {
  int64_t x = IntArg("numbers.range", a, 0), y = IntArg("numbers.range", a, 1);
  uint64_t n = static_cast<uint64_t>(x > y ? x - y : y - x) + 1;
  ctx.budget->Charge(n);
  Array r;
  r.reserve(n);
  if (x <= y) {
    for (int64_t i = x; i <= y; ++i) r.push_back(Num(static_cast<double>(i)));
  } else {
    for (int64_t i = x; i >= y; --i) r.push_back(Num(static_cast<double>(i)));
  }
  *out = Value::MakeArray(std::move(r));
  return true;
}

// ---- aggregates ------------------------------------------------------
BI(Count) {
  (void)ctx;
  const Value& v = a[0];
  if (v.IsString()) {
    size_t n = 0;
    for (unsigned char c : v.S()) n += (c & 0xC0) != 0x80;
    *out = Num(static_cast<double>(n));
    return true;
  }
  if (!v.IsArray() && !v.IsSet() && !v.IsObject()) ThrowType("count", 1, "one of {array, object, set, string}", v);
  *out = Num(static_cast<double>(v.Size()));
  return true;
}
bool Collection(const char* fn, const Value& v) {
  if (!v.IsArray() && !v.IsSet()) ThrowType(fn, 1, "one of {array, set}", v);
  return true;
}
BI(Sum) {
  (void)ctx;
  Collection("sum", a[0]);
  double s = 0;
  for (const Value& x : a[0].Items()) {
    if (!x.IsNumber()) ThrowType("sum", 1, "array of numbers", a[0]);
    s += x.num;
  }
  *out = Num(s);
  return true;
}
BI(Product) {
  (void)ctx;
  Collection("product", a[0]);
  double s = 1;
  for (const Value& x : a[0].Items()) {
    if (!x.IsNumber()) ThrowType("product", 1, "array of numbers", a[0]);
    s *= x.num;
  }
  *out = Num(s);
  return true;
}
BI(Max) {
  (void)ctx;
  Collection("max", a[0]);
  if (a[0].Size() == 0) return false;
  *out = *std::max_element(a[0].Items().begin(), a[0].Items().end());
  return true;
}
BI(Min) {
  (void)ctx;
  Collection("min", a[0]);
  if (a[0].Size() == 0) return false;
  *out = *std::min_element(a[0].Items().begin(), a[0].Items().end());
  return true;
}
BI(Sort) {
  ctx.budget->Charge(a[0].Size());
  Collection("sort", a[0]);
  Array r = a[0].Items();
  std::sort(r.begin(), r.end());
  *out = Value::MakeArray(std::move(r));
  return true;
}
BI(All) {
  (void)ctx;
  Collection("all", a[0]);
  bool all = true;
  for (const Value& x : a[0].Items()) all = all && x.IsTrue();
  *out = Value::Bool(all);
  return true;
}
BI(Any) {
  (void)ctx;
  Collection("any", a[0]);
  bool any = false;
  for (const Value& x : a[0].Items()) any = any || x.IsTrue();
  *out = Value::Bool(any);
  return true;
}
BI(Member2) {
  (void)ctx;
  const Value& c = a[1];
  bool found = false;
  if (c.IsSet()) {
    found = c.SetHas(a[0]);
  } else if (c.IsArray()) {
    for (const Value& x : c.Items()) found = found || x == a[0];
  } else if (c.IsObject()) {
    for (const auto& f : c.Fields()) found = found || f.second == a[0];
  }
  *out = Value::Bool(found);
  return true;
}

BI(Member3) {
  (void)ctx;
  const Value& c = a[2];
  bool found = false;
  if (c.IsObject()) {
    const Value* v = c.Find(a[0]);
    found = v && *v == a[1];
  } else if (c.IsArray()) {
    int64_t i;
    found = a[0].AsInt(&i) && i >= 0 && static_cast<size_t>(i) < c.Size() && c.Items()[i] == a[1];
  }
  *out = Value::Bool(found);
  return true;
}

// ---- types -----------------------------------------------------------
BI(IsString) { (void)ctx; *out = Value::Bool(a[0].IsString()); return true; }
BI(IsNumber) { (void)ctx; *out = Value::Bool(a[0].IsNumber()); return true; }
BI(IsBoolean) { (void)ctx; *out = Value::Bool(a[0].IsBool()); return true; }
BI(IsArray) { (void)ctx; *out = Value::Bool(a[0].IsArray()); return true; }
BI(IsSet) { (void)ctx; *out = Value::Bool(a[0].IsSet()); return true; }
BI(IsObject) { (void)ctx; *out = Value::Bool(a[0].IsObject()); return true; }
BI(IsNull) { (void)ctx; *out = Value::Bool(a[0].IsNull()); return true; }
BI(TypeNameFn) { (void)ctx; *out = Value::String(TypeName(a[0].type)); return true; }

BI(ToNumber) {
  (void)ctx;
  const Value& v = a[0];
  switch (v.type) {
    case Type::kNull: *out = Num(0); return true;
    case Type::kBool: *out = Num(v.b ? 1 : 0); return true;
    case Type::kNumber: *out = v; return true;
    case Type::kString: {
      const std::string& s = v.S();
      if (s.empty()) ThrowBuiltin("to_number", "invalid syntax");
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      bool hex = s.find_first_of("xXpP") != std::string::npos;
      std::string lower = s;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (hex || end != s.c_str() + s.size() || lower.find("inf") != std::string::npos ||
          lower.find("nan") != std::string::npos || s[0] == '+' || s[0] == ' ') {
        ThrowBuiltin("to_number", "strconv.ParseFloat: parsing " + ToJson(v) + ": invalid syntax");
      }
      bool integral = s.find_first_of(".eE") == std::string::npos;
      size_t digits = s.size() - (s[0] == '-' ? 1 : 0);
      *out = integral && digits > 15 ? Value::BigNumber(d, s) : Num(d);
      return true;
    }
    default: ThrowType("to_number", 1, "one of {boolean, null, number, string}", v);
  }
}

BI(CastArray) {
  (void)ctx;
  if (a[0].IsArray()) *out = a[0];
  else if (a[0].IsSet()) *out = Value::MakeArray(a[0].Items());
  else ThrowType("cast_array", 1, "one of {array, set}", a[0]);
  return true;
}
BI(CastSet) {
  (void)ctx;
  if (a[0].IsSet()) *out = a[0];
  else if (a[0].IsArray()) *out = Value::MakeSet(a[0].Items());
  else ThrowType("cast_set", 1, "one of {array, set}", a[0]);
  return true;
}
BI(Print) { (void)ctx; (void)a; *out = Value::Bool(true); return true; }

}  // namespace

void AddNumberBuiltins(std::vector<Builtin>* out) {
  std::vector<Builtin> b = {
      {"equal", 2, Equal}, {"neq", 2, Neq}, {"lt", 2, Lt}, {"lte", 2, Lte}, {"gt", 2, Gt}, {"gte", 2, Gte},
      {"plus", 2, Plus}, {"minus", 2, Minus}, {"mul", 2, Mul}, {"div", 2, Div}, {"rem", 2, Rem},
      {"and", 2, And}, {"or", 2, Or}, {"abs", 1, Abs}, {"round", 1, Round}, {"ceil", 1, Ceil},
      {"floor", 1, Floor}, {"numbers.range", 2, NumbersRange}, {"count", 1, Count}, {"sum", 1, Sum},
      {"product", 1, Product}, {"max", 1, Max}, {"min", 1, Min}, {"sort", 1, Sort}, {"all", 1, All},
      {"any", 1, Any}, {"internal.member_2", 2, Member2}, {"internal.member_3", 3, Member3}, {"is_string", 1, IsString},
      {"is_number", 1, IsNumber}, {"is_boolean", 1, IsBoolean}, {"is_array", 1, IsArray},
      {"is_set", 1, IsSet}, {"is_object", 1, IsObject}, {"is_null", 1, IsNull},
      {"type_name", 1, TypeNameFn}, {"to_number", 1, ToNumber}, {"cast_array", 1, CastArray},
      {"cast_set", 1, CastSet}, {"print", 1, Print},
  };
  out->insert(out->end(), b.begin(), b.end());
}

const Builtin* FindBuiltin(std::string_view name) {
  static const auto* table = [] {
    std::vector<Builtin> all;
    AddNumberBuiltins(&all);
    AddStringBuiltins(&all);
    AddCollectionBuiltins(&all);
    AddEncodingBuiltins(&all);
    AddRegexBuiltins(&all);
    auto* m = new std::unordered_map<std::string_view, Builtin>();
    for (const Builtin& b : all) m->emplace(b.name, b);
    return m;
  }();
  auto it = table->find(name);
  return it == table->end() ? nullptr : &it->second;
}

}  // namespace capstan::policy
