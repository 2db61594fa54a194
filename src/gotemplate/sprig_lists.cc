// Sprig list, dict, conversion and math functions.
#include <algorithm>
#include <cmath>
#include <set>

#include "gotemplate/args.h"
#include "gotemplate/sprig.h"

namespace capstan::gotemplate {

bool Empty(const Value& v) {
  switch (v.type) {
    case Type::kInvalid: case Type::kNil: return true;
    case Type::kBool: return !v.b;
    case Type::kInt: case Type::kInt64: return v.i == 0;
    case Type::kFloat: return v.f == 0;
    case Type::kString: case Type::kBytes: return v.s.empty();
    case Type::kList: return v.list->empty();
    case Type::kMap: return v.map->empty();
    case Type::kObject: return false;
  }
  return true;
}

namespace {

using Args = std::vector<Value>;

// A list parameter of sprig's reflect-based functions.
List NeedList(const Value& v, const char* fn) {
  List l;
  if (AsList(v, &l)) return l;
  if (v.type == Type::kBytes) {
    for (unsigned char c : v.s) { Value u = Value::Int(c); u.type_name = "uint8"; l.push_back(u); }
    return l;
  }
  throw FuncError(std::string("Cannot find ") + fn + " on type " + TypeName(v));
}

Value ListValue(List l, const Value& like) {
  Value r = Value::NewList(std::move(l));
  r.type_name = like.type_name;
  return r;
}

std::vector<std::string> StrSlice(const Value& v) {
  std::vector<std::string> out;
  if (v.type == Type::kList) {
    for (const Value& x : *v.list) {
      if (v.type_name != nullptr) out.push_back(StrVal(x));  // []string
      else if (!x.IsNil()) out.push_back(StrVal(x));
    }
    return out;
  }
  if (v.IsNil()) return out;
  out.push_back(StrVal(v));
  return out;
}

Value StringList(const std::vector<std::string>& v) {
  Value r = Value::NewList();
  r.list->reserve(v.size());
  for (const auto& s : v) r.list->push_back(Value::String(s));
  r.type_name = "[]string";
  return r;
}

Value Int64(int64_t v) { return Value::Int64(v); }

// Go's integer arithmetic wraps around.
int64_t WrapAdd(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)); }
int64_t WrapSub(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b)); }
int64_t WrapMul(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b)); }
// Number of steps from start towards stop, or -1 when more than `limit`.
bool TooMany(int64_t start, int64_t stop, int64_t step, int64_t limit) {
  long double n = (static_cast<long double>(stop) - static_cast<long double>(start)) / static_cast<long double>(step);
  return n > limit || n < -limit;
}

int64_t Div(int64_t a, int64_t b) {
  if (b == 0) throw FuncError("runtime error: integer divide by zero");
  if (b == -1) return static_cast<int64_t>(0 - static_cast<uint64_t>(a));  // MinInt64 / -1 wraps
  return a / b;
}

bool InList(const List& l, const Value& v) {
  for (const Value& x : l) if (DeepEqual(x, v)) return true;
  return false;
}

void MergeInto(Map& dst, const Map& src, bool overwrite, int depth) {
  if (depth > 1000) throw FuncError("merge: maximum depth reached");
  for (const auto& [k, sv] : src) {
    auto it = dst.find(k);
    if (sv.type == Type::kMap && it != dst.end() && it->second.type == Type::kMap) {
      MergeInto(*it->second.map, *sv.map, overwrite, depth + 1);
      if (!Empty(it->second)) continue;
    }
    if (it == dst.end()) {
      dst[k] = sv;
    } else if (overwrite) {
      if (sv.type == Type::kList && !Empty(it->second) && Empty(sv)) continue;
      it->second = sv;
    } else if (Empty(it->second)) {
      it->second = sv;
    }
  }
}

int64_t ToInt(const Value& v) { return ToInt64(v); }

}  // namespace

void AddSprigLists(FuncMap* m) {
  auto& f = m->funcs;
  // --- lists ---
  f["list"] = [](Executor&, Args& a) { return Value::NewList(a); };
  f["tuple"] = f["list"];
  auto append_fn = [](const char* name) {
    return [name](Executor&, Args& a) {
      WantArgs(name, a, 2);
      List l = NeedList(a[0], name);
      l.push_back(a[1]);
      return ListValue(std::move(l), Value());
    };
  };
  f["append"] = append_fn("append");
  f["push"] = append_fn("push");
  f["mustAppend"] = append_fn("append");
  f["mustPush"] = append_fn("push");
  f["prepend"] = [](Executor&, Args& a) {
    WantArgs("prepend", a, 2);
    List l = NeedList(a[0], "prepend");
    l.insert(l.begin(), a[1]);
    return Value::NewList(std::move(l));
  };
  f["mustPrepend"] = f["prepend"];
  f["first"] = [](Executor&, Args& a) {
    WantArgs("first", a, 1);
    if (a[0].IsNil()) throw FuncError("Cannot find first on type <nil>");
    List l = NeedList(a[0], "first");
    return l.empty() ? Value::Nil() : l.front();
  };
  f["mustFirst"] = f["first"];
  f["last"] = [](Executor&, Args& a) {
    WantArgs("last", a, 1);
    List l = NeedList(a[0], "last");
    return l.empty() ? Value::Nil() : l.back();
  };
  f["mustLast"] = f["last"];
  f["rest"] = [](Executor&, Args& a) {
    WantArgs("rest", a, 1);
    List l = NeedList(a[0], "rest");
    if (l.empty()) return Value::Nil();
    return Value::NewList(List(l.begin() + 1, l.end()));
  };
  f["mustRest"] = f["rest"];
  f["initial"] = [](Executor&, Args& a) {
    WantArgs("initial", a, 1);
    List l = NeedList(a[0], "initial");
    if (l.empty()) return Value::Nil();
    return Value::NewList(List(l.begin(), l.end() - 1));
  };
  f["mustInitial"] = f["initial"];
  f["reverse"] = [](Executor&, Args& a) {
    WantArgs("reverse", a, 1);
    List l = NeedList(a[0], "reverse");
    std::reverse(l.begin(), l.end());
    return Value::NewList(std::move(l));
  };
  f["mustReverse"] = f["reverse"];
  f["uniq"] = [](Executor&, Args& a) {
    WantArgs("uniq", a, 1);
    List l = NeedList(a[0], "uniq");
    List out;
    for (const Value& v : l) if (!InList(out, v)) out.push_back(v);
    return Value::NewList(std::move(out));
  };
  f["mustUniq"] = f["uniq"];
  f["without"] = [](Executor&, Args& a) {
    if (a.empty()) throw FuncError("wrong number of args for without: want at least 1 got 0");
    List l = NeedList(a[0], "without");
    List rm(a.begin() + 1, a.end());
    List out;
    for (const Value& v : l) if (!InList(rm, v)) out.push_back(v);
    return Value::NewList(std::move(out));
  };
  f["mustWithout"] = f["without"];
  f["has"] = [](Executor&, Args& a) {
    WantArgs("has", a, 2);
    if (a[1].IsNil()) return Value::Bool(false);
    List l = NeedList(a[1], "has");
    return Value::Bool(InList(l, a[0]));
  };
  f["mustHas"] = f["has"];
  f["compact"] = [](Executor&, Args& a) {
    WantArgs("compact", a, 1);
    List l = NeedList(a[0], "compact");
    List out;
    for (const Value& v : l) if (!Empty(v)) out.push_back(v);
    return Value::NewList(std::move(out));
  };
  f["mustCompact"] = f["compact"];
  f["slice"] = [](Executor&, Args& a) {
    if (a.empty()) throw FuncError("wrong number of args for slice: want at least 1 got 0");
    if (a[0].type != Type::kList) throw FuncError("list should be type of slice or array but " + KindName(a[0]));
    List l = *a[0].list;
    int64_t n = static_cast<int64_t>(l.size());
    int64_t s = 0, e = n;
    if (a.size() > 1) s = ToInt64(a[1]);
    if (a.size() > 2) e = ToInt64(a[2]);
    if (s < 0 || e > n || s > e) throw FuncError("runtime error: slice bounds out of range");
    return Value::NewList(List(l.begin() + s, l.begin() + e));
  };
  f["mustSlice"] = f["slice"];
  f["concat"] = [](Executor&, Args& a) {
    List out;
    for (const Value& v : a) {
      List l = NeedList(v, "concat");
      out.insert(out.end(), l.begin(), l.end());
    }
    return Value::NewList(std::move(out));
  };
  f["chunk"] = [](Executor&, Args& a) {
    WantArgs("chunk", a, 2);
    int64_t size = IntArg(a, 0);
    List l = NeedList(a[1], "chunk");
    if (size <= 0) throw FuncError("chunk size must be positive");
    List out;
    for (size_t i = 0; i < l.size(); i += size) {
      out.push_back(Value::NewList(List(l.begin() + i, l.begin() + std::min(l.size(), i + static_cast<size_t>(size)))));
    }
    return Value::NewList(std::move(out));
  };
  f["mustChunk"] = f["chunk"];
  f["until"] = [](Executor&, Args& a) {
    WantArgs("until", a, 1);
    int64_t n = IntArg(a, 0);
    if (n > 10000000 || n < -10000000) throw FuncError("until: count too large");
    List out;
    int64_t step = n < 0 ? -1 : 1;
    for (int64_t i = 0; i != n; i += step) out.push_back(Value::Int(i));
    Value r = Value::NewList(std::move(out));
    r.type_name = "[]int";
    return r;
  };
  f["untilStep"] = [](Executor&, Args& a) {
    WantArgs("untilStep", a, 3);
    int64_t start = IntArg(a, 0), stop = IntArg(a, 1), step = IntArg(a, 2);
    List out;
    if (step == 0) return Value::NewList();
    if (TooMany(start, stop, step, 10000000)) throw FuncError("untilStep: count too large");
    for (int64_t i = start; step > 0 ? i < stop : i > stop;) {
      out.push_back(Value::Int(i));
      if (__builtin_add_overflow(i, step, &i)) break;
    }
    Value r = Value::NewList(std::move(out));
    r.type_name = "[]int";
    return r;
  };
  f["seq"] = [](Executor&, Args& a) {
    std::vector<int64_t> p;
    for (const Value& v : a) p.push_back(ToInt64(v));
    int64_t start = 1, end = 0, step = 1;
    if (p.size() == 1) { end = p[0]; if (end < 1) step = -1; }
    else if (p.size() == 2) { start = p[0]; end = p[1]; if (end < start) step = -1; }
    else if (p.size() == 3) { start = p[0]; step = p[1]; end = p[2]; }
    else if (p.empty()) return Value::String("");
    else throw FuncError("seq: too many arguments");
    std::string out;
    if (step == 0) return Value::String("");
    if (TooMany(start, end, step, 10000000)) throw FuncError("seq: count too large");
    if (p.size() == 1 && end == 0) return Value::String("1 0");
    for (int64_t i = start; step > 0 ? i <= end : i >= end;) {
      if (!out.empty()) out += " ";
      out += std::to_string(i);
      if (__builtin_add_overflow(i, step, &i)) break;
    }
    return Value::String(out);
  };
  f["join"] = [](Executor&, Args& a) {
    WantArgs("join", a, 2);
    const std::string& sep = StrArg(a, 0);
    std::string out;
    bool first = true;
    for (const auto& s : StrSlice(a[1])) {
      if (!first) out += sep;
      first = false;
      out += s;
    }
    return Value::String(out);
  };
  f["sortAlpha"] = [](Executor&, Args& a) {
    WantArgs("sortAlpha", a, 1);
    std::vector<std::string> s;
    List l;
    if (AsList(a[0], &l)) { for (const Value& x : l) s.push_back(StrVal(x)); }
    else s.push_back(StrVal(a[0]));
    std::sort(s.begin(), s.end());
    return StringList(s);
  };
  f["toStrings"] = [](Executor&, Args& a) {
    WantArgs("toStrings", a, 1);
    std::vector<std::string> s;
    List l;
    if (AsList(a[0], &l)) { for (const Value& x : l) s.push_back(StrVal(x)); }
    else s.push_back(StrVal(a[0]));
    return StringList(s);
  };
  f["splitList"] = [](Executor&, Args& a) {
    WantArgs("splitList", a, 2);
    const std::string& sep = StrArg(a, 0);
    const std::string& s = StrArg(a, 1);
    std::vector<std::string> parts;
    if (sep.empty()) {
      for (size_t i = 0; i < s.size();) {
        size_t len = 1;
        unsigned char c = s[i];
        if (c >= 0xF0) len = 4; else if (c >= 0xE0) len = 3; else if (c >= 0xC0) len = 2;
        parts.push_back(s.substr(i, len));
        i += len;
      }
    } else {
      size_t pos = 0;
      while (true) {
        size_t f2 = s.find(sep, pos);
        if (f2 == std::string::npos) { parts.push_back(s.substr(pos)); break; }
        parts.push_back(s.substr(pos, f2 - pos));
        pos = f2 + sep.size();
      }
    }
    return StringList(parts);
  };
  f["split"] = [](Executor& ex, Args& a) {
    WantArgs("split", a, 2);
    Value l = (*ex.set().funcs()->Find("splitList"))(ex, a);
    Value m = Value::NewMap();
    for (size_t i = 0; i < l.list->size(); ++i) (*m.map)["_" + std::to_string(i)] = (*l.list)[i];
    m.type_name = "map[string]string";
    return m;
  };
  f["splitn"] = [](Executor&, Args& a) {
    WantArgs("splitn", a, 3);
    const std::string& sep = StrArg(a, 0);
    int64_t n = IntArg(a, 1);
    const std::string& s = StrArg(a, 2);
    Value m = Value::NewMap();
    m.type_name = "map[string]string";
    if (n == 0) return m;
    size_t pos = 0;
    int64_t i = 0;
    while (true) {
      if (n > 0 && i == n - 1) { (*m.map)["_" + std::to_string(i)] = Value::String(s.substr(pos)); break; }
      size_t f2 = sep.empty() ? std::string::npos : s.find(sep, pos);
      if (f2 == std::string::npos) { (*m.map)["_" + std::to_string(i)] = Value::String(s.substr(pos)); break; }
      (*m.map)["_" + std::to_string(i)] = Value::String(s.substr(pos, f2 - pos));
      pos = f2 + sep.size();
      ++i;
    }
    return m;
  };

  // --- dicts ---
  f["dict"] = [](Executor&, Args& a) {
    Value m = Value::NewMap();
    for (size_t i = 0; i < a.size(); i += 2) {
      std::string k = StrVal(a[i]);
      (*m.map)[k] = i + 1 < a.size() ? a[i + 1] : Value::String("");
    }
    return m;
  };
  f["get"] = [](Executor&, Args& a) {
    WantArgs("get", a, 2);
    auto m = MapArg(a, 0);
    auto it = m->find(StrArg(a, 1));
    if (it == m->end()) return Value::String("");
    return it->second;
  };
  f["set"] = [](Executor&, Args& a) {
    WantArgs("set", a, 3);
    auto m = MapArg(a, 0);
    (*m)[StrArg(a, 1)] = a[2];
    return a[0];
  };
  f["unset"] = [](Executor&, Args& a) {
    WantArgs("unset", a, 2);
    auto m = MapArg(a, 0);
    m->erase(StrArg(a, 1));
    return a[0];
  };
  f["hasKey"] = [](Executor&, Args& a) {
    WantArgs("hasKey", a, 2);
    auto m = MapArg(a, 0);
    return Value::Bool(m->count(StrArg(a, 1)) > 0);
  };
  f["pluck"] = [](Executor&, Args& a) {
    if (a.empty()) throw FuncError("wrong number of args for pluck");
    const std::string& k = StrArg(a, 0);
    List out;
    for (size_t i = 1; i < a.size(); ++i) {
      auto m = MapArg(a, i);
      auto it = m->find(k);
      if (it != m->end()) out.push_back(it->second);
    }
    return Value::NewList(std::move(out));
  };
  f["keys"] = [](Executor&, Args& a) {
    std::vector<std::string> ks;
    for (size_t i = 0; i < a.size(); ++i) for (const auto& kv : *MapArg(a, i)) ks.push_back(kv.first);
    return StringList(ks);
  };
  f["values"] = [](Executor&, Args& a) {
    WantArgs("values", a, 1);
    List out;
    for (const auto& kv : *MapArg(a, 0)) out.push_back(kv.second);
    return Value::NewList(std::move(out));
  };
  f["pick"] = [](Executor&, Args& a) {
    if (a.empty()) throw FuncError("wrong number of args for pick");
    auto m = MapArg(a, 0);
    Value r = Value::NewMap();
    for (size_t i = 1; i < a.size(); ++i) {
      auto it = m->find(StrArg(a, i));
      if (it != m->end()) (*r.map)[it->first] = it->second;
    }
    return r;
  };
  f["omit"] = [](Executor&, Args& a) {
    if (a.empty()) throw FuncError("wrong number of args for omit");
    auto m = MapArg(a, 0);
    std::set<std::string> drop;
    for (size_t i = 1; i < a.size(); ++i) drop.insert(StrArg(a, i));
    Value r = Value::NewMap();
    for (const auto& [k, v] : *m) if (!drop.count(k)) (*r.map)[k] = v;
    return r;
  };
  f["dig"] = [](Executor&, Args& a) {
    if (a.size() < 3) throw FuncError("wrong number of args for dig: want at least 3 got " + std::to_string(a.size()));
    auto m = MapArg(a, a.size() - 1);
    const Value& def = a[a.size() - 2];
    std::shared_ptr<Map> cur = m;
    for (size_t i = 0; i + 2 < a.size(); ++i) {
      auto it = cur->find(StrArg(a, i));
      if (it == cur->end()) return def;
      if (i + 3 == a.size()) return it->second;
      if (it->second.type != Type::kMap) throw FuncError("interface conversion: interface {} is " + TypeName(it->second) + ", not map[string]interface {}");
      cur = it->second.map;
    }
    return def;
  };
  auto merge_fn = [](bool overwrite) {
    return [overwrite](Executor&, Args& a) {
      if (a.empty()) throw FuncError("wrong number of args for merge");
      auto dst = MapArg(a, 0);
      for (size_t i = 1; i < a.size(); ++i) {
        if (a[i].IsNil()) continue;
        MergeInto(*dst, *MapArg(a, i), overwrite, 0);
      }
      return a[0];
    };
  };
  f["merge"] = merge_fn(false);
  f["mustMerge"] = merge_fn(false);
  f["mergeOverwrite"] = merge_fn(true);
  f["mustMergeOverwrite"] = merge_fn(true);
  f["deepCopy"] = [](Executor&, Args& a) {
    WantArgs("deepCopy", a, 1);
    return DeepCopy(a[0]);
  };
  f["mustDeepCopy"] = f["deepCopy"];

  // --- conversions ---
  f["atoi"] = [](Executor&, Args& a) {
    WantArgs("atoi", a, 1);
    const std::string& s = StrArg(a, 0);
    char* e = nullptr;
    errno = 0;
    long long v = std::strtoll(s.c_str(), &e, 10);
    if (s.empty() || *e != '\0' || errno == ERANGE || std::isspace(static_cast<unsigned char>(s[0]))) v = 0;
    return Value::Int(v);
  };
  f["int"] = [](Executor&, Args& a) { WantArgs("int", a, 1); return Value::Int(ToInt(a[0])); };
  f["int64"] = [](Executor&, Args& a) { WantArgs("int64", a, 1); return Value::Int64(ToInt64(a[0])); };
  f["float64"] = [](Executor&, Args& a) { WantArgs("float64", a, 1); return Value::Float(ToFloat64(a[0])); };
  f["toDecimal"] = [](Executor&, Args& a) {
    WantArgs("toDecimal", a, 1);
    std::string s = StrVal(a[0]);
    char* e = nullptr;
    long long v = std::strtoll(s.c_str(), &e, 8);
    if (s.empty() || *e != '\0') v = 0;
    return Value::Int64(v);
  };

  // --- math ---
  f["add1"] = [](Executor&, Args& a) { WantArgs("add1", a, 1); return Int64(WrapAdd(ToInt64(a[0]), 1)); };
  f["add"] = [](Executor&, Args& a) {
    int64_t s = 0;
    for (const Value& v : a) s = WrapAdd(s, ToInt64(v));
    return Int64(s);
  };
  f["sub"] = [](Executor&, Args& a) { WantArgs("sub", a, 2); return Int64(WrapSub(ToInt64(a[0]), ToInt64(a[1]))); };
  f["mul"] = [](Executor&, Args& a) {
    if (a.empty()) throw FuncError("wrong number of args for mul: want at least 1 got 0");
    int64_t s = ToInt64(a[0]);
    for (size_t i = 1; i < a.size(); ++i) s = WrapMul(s, ToInt64(a[i]));
    return Int64(s);
  };
  f["div"] = [](Executor&, Args& a) { WantArgs("div", a, 2); return Int64(Div(ToInt64(a[0]), ToInt64(a[1]))); };
  f["mod"] = [](Executor&, Args& a) {
    WantArgs("mod", a, 2);
    int64_t b = ToInt64(a[1]);
    if (b == 0) throw FuncError("runtime error: integer divide by zero");
    if (b == -1) return Int64(0);
    return Int64(ToInt64(a[0]) % b);
  };
  auto maxmin = [](bool is_max) {
    return [is_max](Executor&, Args& a) {
      if (a.empty()) throw FuncError("wrong number of args");
      int64_t r = ToInt64(a[0]);
      for (size_t i = 1; i < a.size(); ++i) {
        int64_t v = ToInt64(a[i]);
        r = is_max ? std::max(r, v) : std::min(r, v);
      }
      return Int64(r);
    };
  };
  f["max"] = maxmin(true);
  f["biggest"] = maxmin(true);
  f["min"] = maxmin(false);
  f["add1f"] = [](Executor&, Args& a) { WantArgs("add1f", a, 1); return Value::Float(ToFloat64(a[0]) + 1); };
  f["addf"] = [](Executor&, Args& a) {
    double s = 0;
    for (const Value& v : a) s += ToFloat64(v);
    return Value::Float(s);
  };
  f["subf"] = [](Executor&, Args& a) {
    if (a.empty()) throw FuncError("wrong number of args for subf");
    double s = ToFloat64(a[0]);
    for (size_t i = 1; i < a.size(); ++i) s -= ToFloat64(a[i]);
    return Value::Float(s);
  };
  f["mulf"] = [](Executor&, Args& a) {
    if (a.empty()) throw FuncError("wrong number of args for mulf");
    double s = ToFloat64(a[0]);
    for (size_t i = 1; i < a.size(); ++i) s *= ToFloat64(a[i]);
    return Value::Float(s);
  };
  f["divf"] = [](Executor&, Args& a) {
    if (a.empty()) throw FuncError("wrong number of args for divf");
    double s = ToFloat64(a[0]);
    for (size_t i = 1; i < a.size(); ++i) {
      double d = ToFloat64(a[i]);
      if (d == 0) throw FuncError("decimal division by 0");
      s /= d;
    }
    return Value::Float(s);
  };
  auto maxminf = [](bool is_max) {
    return [is_max](Executor&, Args& a) {
      if (a.empty()) throw FuncError("wrong number of args");
      double r = ToFloat64(a[0]);
      for (size_t i = 1; i < a.size(); ++i) {
        double v = ToFloat64(a[i]);
        r = is_max ? std::max(r, v) : std::min(r, v);
      }
      return Value::Float(r);
    };
  };
  f["maxf"] = maxminf(true);
  f["minf"] = maxminf(false);
  f["ceil"] = [](Executor&, Args& a) { WantArgs("ceil", a, 1); return Value::Float(std::ceil(ToFloat64(a[0]))); };
  f["floor"] = [](Executor&, Args& a) { WantArgs("floor", a, 1); return Value::Float(std::floor(ToFloat64(a[0]))); };
  f["round"] = [](Executor&, Args& a) {
    WantArgs("round", a, 2, 3);
    double round_on = a.size() > 2 ? ToFloat64(a[2]) : 0.5;
    double val = ToFloat64(a[0]);
    double places = static_cast<double>(IntArg(a, 1));
    double pow = std::pow(10, places);
    double digit = pow * val;
    double ip;
    double div = std::modf(digit, &ip);
    double r = div >= round_on ? std::ceil(digit) : std::floor(digit);
    return Value::Float(r / pow);
  };
  f["randInt"] = [](Executor&, Args& a) {
    WantArgs("randInt", a, 2);
    int64_t lo = ToInt64(a[0]), hi = ToInt64(a[1]);
    if (hi <= lo) throw FuncError("invalid argument to Intn");
    return Value::Int(lo + static_cast<int64_t>(std::rand() % (hi - lo)));
  };
}

}  // namespace capstan::gotemplate
