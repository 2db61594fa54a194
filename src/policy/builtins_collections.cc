// array.*, object.*, union, intersection.
#include <algorithm>

#include "policy/builtins.h"

namespace capstan::policy {

namespace {

#define BI(name) bool name(BuiltinContext& ctx, const Value* a, Value* out)

const Array& ArrayArg(const char* fn, const Value* a, int i) {
  if (!a[i].IsArray()) ThrowType(fn, i + 1, "array", a[i]);
  return a[i].Items();
}
const Value& ObjectArg(const char* fn, const Value* a, int i) {
  if (!a[i].IsObject()) ThrowType(fn, i + 1, "object", a[i]);
  return a[i];
}

BI(ArrayConcat) {
  Array r = ArrayArg("array.concat", a, 0);
  const Array& y = ArrayArg("array.concat", a, 1);
  ctx.budget->Charge(r.size() + y.size());
  r.insert(r.end(), y.begin(), y.end());
  *out = Value::MakeArray(std::move(r));
  return true;
}
BI(ArraySlice) {
  (void)ctx;
  const Array& x = ArrayArg("array.slice", a, 0);
  int64_t s = IntArg("array.slice", a, 1), e = IntArg("array.slice", a, 2);
  int64_t n = static_cast<int64_t>(x.size());
  s = std::clamp<int64_t>(s, 0, n);
  e = std::clamp<int64_t>(e, 0, n);
  if (e < s) e = s;
  *out = Value::MakeArray(Array(x.begin() + s, x.begin() + e));
  return true;
}
BI(ArrayReverse) {
  (void)ctx;
  Array r = ArrayArg("array.reverse", a, 0);
  std::reverse(r.begin(), r.end());
  *out = Value::MakeArray(std::move(r));
  return true;
}

bool GetPath(const Value& v, const Array& path, size_t i, Value* out) {
  if (i == path.size()) {
    *out = v;
    return true;
  }
  const Value& k = path[i];
  if (v.IsObject()) {
    const Value* x = v.Find(k);
    return x && GetPath(*x, path, i + 1, out);
  }
  if (v.IsArray()) {
    int64_t n;
    if (!k.AsInt(&n) || n < 0 || static_cast<size_t>(n) >= v.Size()) return false;
    return GetPath(v.Items()[n], path, i + 1, out);
  }
  if (v.IsSet()) return v.SetHas(k) && GetPath(k, path, i + 1, out);
  return false;
}

BI(ObjectGet) {
  (void)ctx;
  const Value& obj = ObjectArg("object.get", a, 0);
  Value got;
  bool found;
  if (a[1].IsArray()) {
    found = GetPath(obj, a[1].Items(), 0, &got);
  } else {
    const Value* x = obj.Find(a[1]);
    found = x != nullptr;
    if (x) got = *x;
  }
  *out = found ? got : a[2];
  return true;
}
BI(ObjectKeys) {
  (void)ctx;
  Array keys;
  for (const auto& f : ObjectArg("object.keys", a, 0).Fields()) keys.push_back(f.first);
  *out = Value::MakeSet(std::move(keys));
  return true;
}
std::vector<Value> KeyList(const char* fn, const Value& v) {
  if (v.IsArray() || v.IsSet()) return v.Items();
  if (v.IsObject()) {
    std::vector<Value> r;
    for (const auto& f : v.Fields()) r.push_back(f.first);
    return r;
  }
  ThrowType(fn, 2, "one of {array, object, set}", v);
}
BI(ObjectRemove) {
  (void)ctx;
  const Value& obj = ObjectArg("object.remove", a, 0);
  std::vector<Value> keys = KeyList("object.remove", a[1]);
  Object r;
  for (const auto& f : obj.Fields()) {
    if (std::find(keys.begin(), keys.end(), f.first) == keys.end()) r.push_back(f);
  }
  *out = Value::MakeObject(std::move(r));
  return true;
}
BI(ObjectFilter) {
  (void)ctx;
  const Value& obj = ObjectArg("object.filter", a, 0);
  std::vector<Value> keys = KeyList("object.filter", a[1]);
  Object r;
  for (const auto& f : obj.Fields()) {
    if (std::find(keys.begin(), keys.end(), f.first) != keys.end()) r.push_back(f);
  }
  *out = Value::MakeObject(std::move(r));
  return true;
}
Value Merge(const Value& x, const Value& y) {
  if (!x.IsObject() || !y.IsObject()) return y;
  Object r = x.Fields();
  for (const auto& f : y.Fields()) {
    bool done = false;
    for (auto& g : r) {
      if (g.first == f.first) {
        g.second = Merge(g.second, f.second);
        done = true;
      }
    }
    if (!done) r.push_back(f);
  }
  return Value::MakeObject(std::move(r));
}
BI(ObjectUnion) {
  (void)ctx;
  *out = Merge(ObjectArg("object.union", a, 0), ObjectArg("object.union", a, 1));
  return true;
}
BI(ObjectUnionN) {
  (void)ctx;
  Value r = Value::MakeObject({});
  for (const Value& x : ArrayArg("object.union_n", a, 0)) {
    if (!x.IsObject()) ThrowType("object.union_n", 1, "array of objects", a[0]);
    r = Merge(r, x);
  }
  *out = r;
  return true;
}
BI(Union) {
  if (!a[0].IsSet()) ThrowType("union", 1, "set", a[0]);
  Array all;
  for (const Value& s : a[0].Items()) {
    if (!s.IsSet()) ThrowType("union", 1, "set of sets", a[0]);
    ctx.budget->Charge(s.Size());
    all.insert(all.end(), s.Items().begin(), s.Items().end());
  }
  *out = Value::MakeSet(std::move(all));
  return true;
}
BI(Intersection) {
  (void)ctx;
  if (!a[0].IsSet()) ThrowType("intersection", 1, "set", a[0]);
  bool first = true;
  Array acc;
  for (const Value& s : a[0].Items()) {
    if (!s.IsSet()) ThrowType("intersection", 1, "set of sets", a[0]);
    if (first) {
      acc = s.Items();
      first = false;
      continue;
    }
    Array r;
    std::set_intersection(acc.begin(), acc.end(), s.Items().begin(), s.Items().end(), std::back_inserter(r));
    acc = std::move(r);
  }
  *out = Value::MakeSet(std::move(acc));
  return true;
}

}  // namespace

void AddCollectionBuiltins(std::vector<Builtin>* out) {
  std::vector<Builtin> b = {
      {"array.concat", 2, ArrayConcat}, {"array.slice", 3, ArraySlice}, {"array.reverse", 1, ArrayReverse},
      {"object.get", 3, ObjectGet}, {"object.keys", 1, ObjectKeys}, {"object.remove", 2, ObjectRemove},
      {"object.filter", 2, ObjectFilter}, {"object.union", 2, ObjectUnion}, {"object.union_n", 1, ObjectUnionN},
      {"union", 1, Union}, {"intersection", 1, Intersection},
  };
  out->insert(out->end(), b.begin(), b.end());
}

}  // namespace capstan::policy
