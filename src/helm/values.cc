// Values coalescing and strvals parsing, as Helm 3.17's chartutil/strvals.
#include "helm/values.h"

#include <cctype>
#include <cstring>

#include "gotemplate/args.h"
#include "gotemplate/convert.h"
#include "gotemplate/semver.h"

namespace capstan::helm {
namespace {

using gt::Type;
using gt::Value;

bool IsTable(const Value& v) { return v.type == Type::kMap; }

// ---------------------------------------------------------------- strvals
struct Eof {};

class SetParser {
 public:
  SetParser(const std::string& s, SetKind kind, const std::function<std::string(const std::string&)>& rf)
      : s_(s), kind_(kind), read_file_(rf) {}

  void Parse(Value& data) {
    while (true) {
      int rc = Key(*data.map, 0);
      if (rc == 1) return;  // EOF
    }
  }

 private:
  static constexpr int kMaxIndex = 65536;
  static constexpr int kMaxNested = 30;

  bool ReadRune(uint32_t* r) {
    if (pos_ >= s_.size()) return false;
    unsigned char c = s_[pos_];
    int len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    *r = c;
    last_len_ = len;
    pos_ += len;
    if (pos_ > s_.size()) pos_ = s_.size();
    return true;
  }
  void Unread() { pos_ -= last_len_; }

  // runesUntil: returns the text, the stop rune (0 at EOF) and whether EOF hit.
  bool Until(const char* stop, std::string* out, char* last) {
    out->clear();
    while (true) {
      if (pos_ >= s_.size()) { *last = 0; return false; }
      char c = s_[pos_];
      size_t start = pos_;
      uint32_t r;
      ReadRune(&r);
      if (r < 0x80 && std::strchr(stop, c) != nullptr && c != 0) { *last = c; return true; }
      if (c == '\\') {
        if (pos_ >= s_.size()) { *last = 0; return false; }
        size_t b = pos_;
        ReadRune(&r);
        out->append(s_, b, pos_ - b);
        continue;
      }
      out->append(s_, start, pos_ - start);
    }
  }

  Value Typed(const std::string& v) {
    if (kind_ == SetKind::kString) return Value::String(v);
    if (kind_ == SetKind::kFile) return Value::String(read_file_(v));
    auto eqf = [&](const char* w) {
      if (v.size() != std::strlen(w)) return false;
      for (size_t i = 0; i < v.size(); ++i) if (std::tolower(static_cast<unsigned char>(v[i])) != w[i]) return false;
      return true;
    };
    if (eqf("true")) return Value::Bool(true);
    if (eqf("false")) return Value::Bool(false);
    if (eqf("null")) return Value::Nil();
    if (v == "0") return Value::Int64(0);
    if (!v.empty() && v[0] != '0') {
      char* e = nullptr;
      errno = 0;
      long long iv = std::strtoll(v.c_str(), &e, 10);
      bool ok = *e == '\0' && errno != ERANGE && !std::isspace(static_cast<unsigned char>(v[0]));
      if (ok && (v[0] == '+' || v[0] == '-') && v.size() == 1) ok = false;
      if (ok) return Value::Int64(iv);
    }
    return Value::String(v);
  }

  static void Set(gt::Map& data, const std::string& k, Value v) {
    if (k.empty()) return;
    data[k] = std::move(v);
  }

  static void SetIndex(gt::List& list, int64_t i, Value v) {
    if (i < 0) throw HelmError("negative " + std::to_string(i) + " index not allowed");
    if (i > kMaxIndex) throw HelmError("index of " + std::to_string(i) + " is greater than maximum supported index of " + std::to_string(kMaxIndex));
    if (static_cast<int64_t>(list.size()) <= i) list.resize(i + 1, Value::Nil());
    list[i] = std::move(v);
  }

  int64_t KeyIndex() {
    std::string v;
    char last;
    if (!Until("]", &v, &last)) throw HelmError("error parsing index: EOF");
    char* e = nullptr;
    errno = 0;
    long long i = std::strtoll(v.c_str(), &e, 10);
    if (v.empty() || *e != '\0' || errno == ERANGE) throw HelmError("error parsing index: strconv.Atoi: parsing \"" + v + "\": invalid syntax");
    return i;
  }

  // true when empty (EOF or comma consumed)
  bool EmptyVal() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ',') { ++pos_; return true; }
      if (!std::isspace(static_cast<unsigned char>(c))) return false;
      ++pos_;
    }
    return true;
  }

  Value JsonVal() {
    // decode one JSON value from the rest
    std::string rest = s_.substr(pos_);
    size_t end = JsonEnd(rest);
    Value v;
    try {
      v = gt::ParseJsonValue(rest.substr(0, end));
    } catch (const std::exception& e) {
      throw HelmError(std::string("invalid character in JSON value: ") + e.what());
    }
    pos_ += end;
    EmptyVal();
    return v;
  }

  static size_t JsonEnd(const std::string& s) {
    size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i >= s.size()) return s.size();
    char c = s[i];
    if (c == '{' || c == '[') {
      int depth = 0;
      bool in_str = false;
      for (; i < s.size(); ++i) {
        char d = s[i];
        if (in_str) {
          if (d == '\\') ++i;
          else if (d == '"') in_str = false;
          continue;
        }
        if (d == '"') in_str = true;
        else if (d == '{' || d == '[') ++depth;
        else if (d == '}' || d == ']') { if (--depth == 0) return i + 1; }
      }
      return s.size();
    }
    if (c == '"') {
      for (++i; i < s.size(); ++i) {
        if (s[i] == '\\') { ++i; continue; }
        if (s[i] == '"') return i + 1;
      }
      return s.size();
    }
    while (i < s.size() && s[i] != ',' && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return i;
  }

  // valList: returns 0 ok, 1 EOF, 2 not a list
  int ValList(gt::List* out) {
    if (pos_ >= s_.size()) return 1;
    if (s_[pos_] != '{') return 2;
    ++pos_;
    while (true) {
      std::string rs;
      char last;
      if (!Until(",}", &rs, &last)) throw HelmError("list must terminate with '}'");
      if (last == '}') {
        if (pos_ < s_.size() && s_[pos_] == ',') ++pos_;
        out->push_back(Typed(rs));
        return 0;
      }
      out->push_back(Typed(rs));
    }
  }

  // returns 1 on EOF, 0 otherwise; throws on errors
  int Key(gt::Map& data, int nested) {
    std::string k;
    char last;
    if (!Until("=[,.", &k, &last)) {
      if (k.empty()) return 1;
      throw HelmError("key \"" + k + "\" has no value");
    }
    switch (last) {
      case '[': {
        int64_t i = KeyIndex();
        gt::List list;
        auto it = data.find(k);
        if (it != data.end()) {
          if (it->second.type != Type::kList) throw HelmError("unable to parse key: interface conversion: interface {} is " + gt::TypeName(it->second) + ", not []interface {}");
          list = *it->second.list;
        }
        int rc = ListItem(list, i, nested);
        Set(data, k, Value::NewList(std::move(list)));
        return rc;
      }
      case '=': {
        if (kind_ == SetKind::kJson) {
          if (EmptyVal()) { Set(data, k, Value::Nil()); return 0; }
          Set(data, k, JsonVal());
          return 0;
        }
        gt::List vl;
        int rc = ValList(&vl);
        if (rc == 0) { Set(data, k, Value::NewList(std::move(vl))); return 0; }
        if (rc == 1) { Set(data, k, Value::String("")); return 1; }
        std::string rs;
        char l2;
        bool more = Until(",", &rs, &l2);
        Set(data, k, Typed(rs));
        return more ? 0 : 1;
      }
      case ',':
        Set(data, k, Value::String(""));
        throw HelmError("key \"" + k + "\" has no value (cannot end with ,)");
      case '.': {
        if (++nested > kMaxNested) throw HelmError("value name nested level is greater than maximum supported nested level of " + std::to_string(kMaxNested));
        Value inner = Value::NewMap();
        auto it = data.find(k);
        if (it != data.end()) {
          if (it->second.type != Type::kMap) throw HelmError("unable to parse key: interface conversion: interface {} is " + gt::TypeName(it->second) + ", not map[string]interface {}");
          inner = it->second;
        }
        int rc = Key(*inner.map, nested);
        if (rc == 0 && inner.map->empty()) throw HelmError("key map \"" + k + "\" has no value");
        if (!inner.map->empty()) Set(data, k, inner);
        return rc;
      }
    }
    return 0;
  }

  int ListItem(gt::List& list, int64_t i, int nested) {
    if (i < 0) throw HelmError("negative " + std::to_string(i) + " index not allowed");
    std::string k;
    char last;
    bool ok = Until("[.=", &k, &last);
    if (!k.empty()) throw HelmError("unexpected data at end of array index: \"" + k + "\"");
    if (!ok) return 1;
    switch (last) {
      case '=': {
        if (kind_ == SetKind::kJson) {
          if (EmptyVal()) { SetIndex(list, i, Value::Nil()); return 0; }
          SetIndex(list, i, JsonVal());
          return 0;
        }
        gt::List vl;
        int rc = ValList(&vl);
        if (rc == 0) { SetIndex(list, i, Value::NewList(std::move(vl))); return 0; }
        if (rc == 1) { SetIndex(list, i, Value::String("")); return 0; }
        std::string rs;
        char l2;
        bool more = Until(",", &rs, &l2);
        SetIndex(list, i, Typed(rs));
        return more ? 0 : 1;
      }
      case '[': {
        int64_t next = KeyIndex();
        gt::List cur;
        if (static_cast<int64_t>(list.size()) > i) {
          if (list[i].type == Type::kList) cur = *list[i].list;
          else if (!list[i].IsNil()) throw HelmError("unable to parse key: interface conversion");
        }
        int rc = ListItem(cur, next, nested);
        SetIndex(list, i, Value::NewList(std::move(cur)));
        return rc;
      }
      case '.': {
        Value inner = Value::NewMap();
        if (static_cast<int64_t>(list.size()) > i) {
          if (list[i].type == Type::kMap) inner = list[i];
          else list[i] = inner;
        }
        int rc = Key(*inner.map, nested);
        SetIndex(list, i, inner);
        return rc;
      }
    }
    throw HelmError(std::string("parse error: unexpected token ") + last);
  }

  const std::string& s_;
  SetKind kind_;
  const std::function<std::string(const std::string&)>& read_file_;
  size_t pos_ = 0;
  int last_len_ = 1;
};

// ---------------------------------------------------------------- coalesce
Value CopyMap(const Value& v) { return gt::DeepCopy(v); }

void CoalesceTablesFullKey(gt::Map& dst, gt::Map& src, bool merge, int depth) {
  if (depth > 1000) throw HelmError("values nested too deeply");
  for (auto& [k, v] : dst) if (v.IsNil()) src[k] = Value::Nil();
  for (auto& [key, val] : src) {
    auto it = dst.find(key);
    if (it != dst.end() && !merge && it->second.IsNil()) {
      dst.erase(it);
    } else if (it == dst.end()) {
      dst[key] = val;
    } else if (IsTable(val)) {
      if (IsTable(it->second)) CoalesceTablesFullKey(*it->second.map, *val.map, merge, depth + 1);
    }
  }
}

bool IsChildChart(const Chart& c, const std::string& key) {
  for (const auto& sc : c.charts) if (sc->name == key) return true;
  return false;
}

void CoalesceValuesOf(Chart& c, gt::Map& v, bool merge) {
  Value vc = CopyMap(c.values);
  for (auto& [key, val] : *vc.map) {
    auto it = v.find(key);
    if (it != v.end()) {
      if (it->second.IsNil() && !merge) {
        v.erase(it);
      } else if (IsTable(it->second)) {
        if (IsTable(val)) {
          bool m = IsChildChart(c, key) ? true : merge;
          CoalesceTablesFullKey(*it->second.map, *val.map, m, 0);
        }
      }
    } else {
      v[key] = val;
    }
  }
}

void CoalesceGlobals(gt::Map& dest, gt::Map& src) {
  Value dg, sg;
  auto d = dest.find("global");
  if (d == dest.end()) dg = Value::NewMap();
  else if (IsTable(d->second)) dg = d->second;
  else return;
  auto s = src.find("global");
  if (s == src.end()) sg = Value::NewMap();
  else if (IsTable(s->second)) sg = s->second;
  else return;
  for (auto& [key, val] : *sg.map) {
    if (IsTable(val)) {
      Value vv = CopyMap(val);
      auto dv = dg.map->find(key);
      if (dv == dg.map->end()) {
        (*dg.map)[key] = vv;
      } else if (IsTable(dv->second)) {
        CoalesceTablesFullKey(*vv.map, *dv->second.map, true, 0);
        (*dg.map)[key] = vv;
      }
    } else {
      auto dv = dg.map->find(key);
      if (dv != dg.map->end() && IsTable(dv->second)) continue;
      (*dg.map)[key] = val;
    }
  }
  dest["global"] = dg;
}

void Coalesce(Chart& c, gt::Map& dest, bool merge, int depth);

void CoalesceDeps(Chart& c, gt::Map& dest, bool merge, int depth) {
  for (auto& sc : c.charts) {
    auto it = dest.find(sc->name);
    if (it == dest.end()) {
      dest[sc->name] = Value::NewMap();
    } else if (!IsTable(it->second)) {
      if (it->second.IsNil()) { dest[sc->name] = Value::NewMap(); }
      else throw HelmError("type mismatch on " + sc->name + ": %!t(" + gt::TypeName(it->second) + "=" + gt::FormatValue(it->second) + ")");
    }
    Value dv = dest[sc->name];
    CoalesceGlobals(*dv.map, dest);
    Coalesce(*sc, *dv.map, merge, depth + 1);
  }
}

void Coalesce(Chart& c, gt::Map& dest, bool merge, int depth) {
  if (depth > 100) throw HelmError("chart dependencies nested too deeply");
  CoalesceValuesOf(c, dest, merge);
  CoalesceDeps(c, dest, merge, depth);
}

// Values.PathValue
bool PathValue(const Value& v, const std::string& path, Value* out) {
  std::vector<std::string> parts;
  size_t s = 0;
  while (true) {
    size_t d = path.find('.', s);
    parts.push_back(path.substr(s, d == std::string::npos ? std::string::npos : d - s));
    if (d == std::string::npos) break;
    s = d + 1;
  }
  Value cur = v;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (!IsTable(cur)) return false;
    auto it = cur.map->find(parts[i]);
    if (it == cur.map->end() || !IsTable(it->second)) return false;
    cur = it->second;
  }
  if (!IsTable(cur)) return false;
  auto it = cur.map->find(parts.back());
  if (it == cur.map->end() || IsTable(it->second)) return false;
  *out = it->second;
  return true;
}

bool Table(const Value& v, const std::string& path, Value* out) {
  Value cur = v;
  size_t s = 0;
  while (true) {
    size_t d = path.find('.', s);
    std::string part = path.substr(s, d == std::string::npos ? std::string::npos : d - s);
    if (!IsTable(cur)) return false;
    auto it = cur.map->find(part);
    if (it == cur.map->end() || !IsTable(it->second)) return false;
    cur = it->second;
    if (d == std::string::npos) break;
    s = d + 1;
  }
  *out = cur;
  return true;
}

bool CompatibleRange(const std::string& constraint, const std::string& version) {
  gt::SemVersion v;
  if (!gt::ParseSemver(version, &v)) return false;
  try {
    return gt::SemverSatisfies(constraint, v);
  } catch (...) {
    return false;
  }
}

void ProcessEnabled(Chart& c, const Value& v, const std::string& path, int depth) {
  if (depth > 100) throw HelmError("chart dependencies nested too deeply");
  if (c.dependencies.empty()) {
    // Helm returns early when Metadata.Dependencies is nil
    return;
  }
  std::vector<std::shared_ptr<Chart>> deps;
  for (auto& existing : c.charts) {
    bool listed = false;
    for (const auto& req : c.dependencies) {
      if (existing->name == req.name && CompatibleRange(req.version, existing->version)) { listed = true; break; }
    }
    if (!listed) deps.push_back(existing);
  }
  for (auto& req : c.dependencies) {
    for (auto& sc : c.charts) {
      if (sc->name != req.name) continue;
      if (!CompatibleRange(req.version, sc->version)) continue;
      if (req.alias.empty()) {
        deps.push_back(sc);
      } else {
        auto copy = std::make_shared<Chart>(*sc);  // the same chart under another name
        copy->name = req.alias;
        deps.push_back(copy);
      }
      break;
    }
    if (!req.alias.empty()) req.name = req.alias;
  }
  c.charts = deps;
  for (auto& sc : c.charts) sc->parent = &c;
  for (auto& req : c.dependencies) req.enabled = true;
  Value cvals = CoalesceValues(c, v, false);
  // tags
  Value tags;
  if (Table(cvals, "tags", &tags)) {
    for (auto& req : c.dependencies) {
      bool has_true = false, has_false = false;
      for (const auto& t : req.tags) {
        auto it = tags.map->find(t);
        if (it != tags.map->end() && it->second.type == Type::kBool) (it->second.b ? has_true : has_false) = true;
      }
      if (!has_true && has_false) req.enabled = false;
      else req.enabled = true;
    }
  }
  // conditions
  for (auto& req : c.dependencies) {
    std::string cond = req.condition;
    size_t s = 0;
    while (true) {
      size_t d = cond.find(',', s);
      std::string one = cond.substr(s, d == std::string::npos ? std::string::npos : d - s);
      size_t b = one.find_first_not_of(" \t");
      size_t e = one.find_last_not_of(" \t");
      one = b == std::string::npos ? "" : one.substr(b, e - b + 1);
      if (!one.empty()) {
        Value vv;
        if (PathValue(cvals, path + one, &vv) && vv.type == Type::kBool) {
          req.enabled = vv.b;
          break;
        }
      }
      if (d == std::string::npos) break;
      s = d + 1;
    }
  }
  std::vector<std::string> rm;
  for (const auto& r : c.dependencies) if (!r.enabled) rm.push_back(r.name);
  std::vector<std::shared_ptr<Chart>> kept;
  for (auto& sc : c.charts) if (std::find(rm.begin(), rm.end(), sc->name) == rm.end()) kept.push_back(sc);
  std::vector<Dependency> kept_md;
  for (auto& r : c.dependencies) if (std::find(rm.begin(), rm.end(), r.name) == rm.end()) kept_md.push_back(r);
  for (auto& sc : kept) ProcessEnabled(*sc, cvals, path + sc->name + ".", depth + 1);
  c.dependencies = kept_md;
  c.charts = kept;
}

Value PathToMap(const std::string& path, const Value& data) {
  if (path == ".") return data;
  std::vector<std::string> parts;
  size_t s = 0;
  while (true) {
    size_t d = path.find('.', s);
    std::string p = path.substr(s, d == std::string::npos ? std::string::npos : d - s);
    if (!p.empty()) parts.push_back(p);
    if (d == std::string::npos) break;
    s = d + 1;
  }
  Value cur = data;
  for (size_t i = parts.size(); i-- > 0;) {
    Value m = Value::NewMap();
    (*m.map)[parts[i]] = cur;
    cur = m;
  }
  return cur;
}

void ProcessImports(Chart& c, int depth) {
  if (depth > 100) return;
  for (auto& sc : c.charts) ProcessImports(*sc, depth + 1);
  if (c.dependencies.empty()) return;
  Value cvals = CoalesceValues(c, Value::NewMap(), true);
  Value b = Value::NewMap();
  for (auto& r : c.dependencies) {
    if (r.import_values.type != Type::kList) continue;
    for (const Value& iv : *r.import_values.list) {
      if (iv.type == Type::kMap) {
        auto ch = iv.map->find("child");
        auto pa = iv.map->find("parent");
        std::string child = ch == iv.map->end() ? "" : gt::StrVal(ch->second);
        std::string parent = pa == iv.map->end() ? "" : gt::StrVal(pa->second);
        Value vv;
        if (!Table(cvals, r.name + "." + child, &vv)) continue;
        Value pm = PathToMap(parent, gt::DeepCopy(vv));
        CoalesceTablesFullKey(*b.map, *pm.map, true, 0);
      } else if (iv.type == Type::kString) {
        Value vm;
        if (!Table(cvals, r.name + ".exports." + iv.s, &vm)) continue;
        Value cp = gt::DeepCopy(vm);
        CoalesceTablesFullKey(*b.map, *cp.map, true, 0);
      }
    }
  }
  Value cv = gt::DeepCopy(cvals);
  CoalesceTablesFullKey(*cv.map, *b.map, true, 0);
  c.values = cv;
}

}  // namespace

void ParseSet(const std::string& s, gt::Value& dest, SetKind kind,
              const std::function<std::string(const std::string&)>& read_file) {
  SetParser p(s, kind, read_file);
  p.Parse(dest);
}

gt::Value MergeMaps(const gt::Value& a, const gt::Value& b) {
  Value out = Value::NewMap();
  if (a.type == Type::kMap) *out.map = *a.map;
  if (b.type != Type::kMap) return out;
  for (const auto& [k, v] : *b.map) {
    if (v.type == Type::kMap) {
      auto it = out.map->find(k);
      if (it != out.map->end() && it->second.type == Type::kMap) {
        it->second = MergeMaps(it->second, v);
        continue;
      }
    }
    (*out.map)[k] = v;
  }
  return out;
}

gt::Value CoalesceValues(Chart& chart, const gt::Value& vals, bool merge) {
  Value v = vals.type == Type::kMap ? gt::DeepCopy(vals) : Value::NewMap();
  Coalesce(chart, *v.map, merge, 0);
  return v;
}

void ProcessDependencies(Chart& chart, const gt::Value& vals) {
  ProcessEnabled(chart, vals, "", 0);
  ProcessImports(chart, 0);
}

}  // namespace capstan::helm
