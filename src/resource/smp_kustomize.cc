// Strategic merge patch the way `kustomize build` applies it.
//
// kustomize does not use apimachinery's strategicpatch: it walks the target
// and the patch together (kyaml merge2, with patch list items prepended).
// Several of its outcomes follow from the walker merging list elements in
// place and then re-inserting the target's elements by key, so this file
// works on a small shared-pointer tree where "the same node" means what it
// means there. Observable rules (all checked against kubectl kustomize):
//  - map fields merge recursively; null removes; scalars and lists without
//    a merge strategy are replaced;
//  - lists with strategy merge: the patch's elements first (patch order),
//    then the target's elements the patch did not name (target order);
//    elements are matched on x-kubernetes-list-map-keys when the schema has
//    them (e.g. containerPort+protocol), else on the merge key; primitive
//    lists are unioned the same way;
//  - `$patch: delete|replace|merge` on maps and list elements; an element
//    with `$patch: replace` keeps the target's element (kustomize does so);
//  - `$setElementOrder`, `$retainKeys`, `$deleteFromPrimitiveList` are not
//    interpreted (kustomize copies them into the output like any field);
//  - kinds without schema: every list is replaced (no inference).
#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "resource/patch.h"
#include "resource/smp_internal.h"
#include "yaml/yaml.h"

namespace capstan::resource::internal {

namespace {

struct P;
using PRef = std::shared_ptr<P>;

// A node of the working tree: the scalar/collection attributes of a
// yaml::Node (items and fields left empty) plus shared children.
struct P {
  yaml::Node shell;
  std::vector<PRef> items;
  std::vector<std::pair<yaml::Node, PRef>> fields;  // key node, value
};

PRef ToP(const yaml::Node& n) {
  auto p = std::make_shared<P>();
  p->shell.kind = n.kind;
  p->shell.style = n.style;
  p->shell.tag = n.tag;
  p->shell.value = n.value;
  p->shell.flow = n.flow;
  for (const yaml::Node& i : n.items) p->items.push_back(ToP(i));
  for (const yaml::Field& f : n.fields) p->fields.emplace_back(f.key, ToP(f.value));
  return p;
}

yaml::Node FromP(const P& p) {
  yaml::Node n = p.shell;
  n.items.reserve(p.items.size());
  for (const PRef& i : p.items) n.items.push_back(FromP(*i));
  n.fields.reserve(p.fields.size());
  for (const auto& [k, v] : p.fields) n.fields.push_back(yaml::Field{k, FromP(*v)});
  return n;
}

bool IsMap(const PRef& p) { return p && p->shell.kind == yaml::Kind::kMapping; }
bool IsSeq(const PRef& p) { return p && p->shell.kind == yaml::Kind::kSequence; }
bool IsMissingOrNull(const PRef& p) { return !p || p->shell.kind == yaml::Kind::kNull; }
bool IsEmptyMap(const PRef& p) { return IsMap(p) && p->fields.empty(); }

PRef Field(const PRef& p, std::string_view name) {
  if (!IsMap(p)) return nullptr;
  for (const auto& [k, v] : p->fields)
    if (k.value == name) return v;
  return nullptr;
}

void RemoveField(const PRef& p, std::string_view name) {
  auto& fs = p->fields;
  fs.erase(std::remove_if(fs.begin(), fs.end(), [&](const auto& f) { return f.first.value == name; }),
           fs.end());
}

void SetField(const PRef& p, std::string_view name, PRef value) {
  for (auto& [k, v] : p->fields) {
    if (k.value == name) {
      v = std::move(value);
      return;
    }
  }
  p->fields.emplace_back(yaml::Node::String(name), std::move(value));
}

// Text of a scalar (what kyaml compares keys by); "" for collections.
std::string Text(const PRef& p) {
  if (!p || p->shell.kind != yaml::Kind::kScalar) return "";
  return p->shell.value;
}

// "" when the field is absent, null, an empty collection.
std::string KeyText(const PRef& elem, const std::string& key) {
  PRef f = Field(elem, key);
  if (IsMissingOrNull(f)) return "";
  return Text(f);
}

const char* KindName(yaml::Kind k) {
  switch (k) {
    case yaml::Kind::kMapping:
      return "a mapping";
    case yaml::Kind::kSequence:
      return "a list";
    case yaml::Kind::kScalar:
      return "a scalar";
    default:
      return "null";
  }
}

enum class Directive { kMerge, kReplace, kDelete, kUnknown };

using Tuple = std::vector<std::string>;

// Where the walker is, rendered only for error messages.
struct Path {
  const Path* parent = nullptr;
  std::string_view field;                          // a mapping field, or
  const std::vector<std::string>* keys = nullptr;  // a list element by key
  const Tuple* values = nullptr;

  std::string Render() const {
    std::string s = parent ? parent->Render() : "";
    if (keys) {
      s += "[";
      for (size_t i = 0; i < keys->size() && i < values->size(); ++i)
        s += (i ? "," : "") + (*keys)[i] + "=" + (*values)[i];
      s += "]";
    } else if (!field.empty()) {
      if (!s.empty()) s += ".";
      s += field;
    }
    return s.empty() ? "<root>" : s;
  }
};

class Walker {
 public:
  explicit Walker(const Schema& schema) : schema_(schema) {}

  struct S {
    Schema::TypeRef type = nullptr;
    const ListMeta* meta = nullptr;
  };

  PRef Walk(PRef dest, PRef origin, S s, const Path& path, int depth) {
    if (depth > 500) throw PatchError("strategic merge patch: " + path.Render() + ": document nested too deeply");
    if (s.type == nullptr && s.meta == nullptr) s.type = TypeOfObject(dest, origin);
    const PRef* first = nullptr;
    for (const PRef* src : {&dest, &origin})
      if (!IsMissingOrNull(*src)) {
        first = src;
        break;
      }
    if (first == nullptr) return WalkMap(dest, origin, s, path, depth);
    yaml::Kind kind = (*first)->shell.kind;
    for (const PRef* src : {&dest, &origin}) {
      if (!IsMissingOrNull(*src) && (*src)->shell.kind != kind) {
        throw PatchError("strategic merge patch: " + path.Render() + ": cannot merge " + KindName(origin->shell.kind) + " into " +
                         KindName(dest->shell.kind));
      }
    }
    switch (kind) {
      case yaml::Kind::kMapping:
        return WalkMap(dest, origin, s, path, depth);
      case yaml::Kind::kSequence:
        if (s.meta != nullptr && HasMergeStrategy(*s.meta)) return WalkAssociative(dest, origin, s, path, depth);
        return origin ? origin : dest;  // replaced as a whole
      default:
        return origin ? origin : dest;
    }
  }

 private:
  static bool HasMergeStrategy(const ListMeta& m) {
    std::string_view s = m.strategy;
    while (!s.empty()) {
      size_t c = s.find(',');
      if (s.substr(0, c) == "merge") return true;
      if (c == std::string_view::npos) break;
      s.remove_prefix(c + 1);
    }
    return false;
  }

  // kyaml looks the schema up by apiVersion/kind whenever it has none.
  Schema::TypeRef TypeOfObject(const PRef& dest, const PRef& origin) const {
    for (const PRef* src : {&dest, &origin}) {
      if (!IsMap(*src)) continue;
      std::string api = Text(Field(*src, "apiVersion")), kind = Text(Field(*src, "kind"));
      if (api.empty() || kind.empty()) continue;
      if (Schema::TypeRef t = schema_.TypeFor(Gvk::FromApiVersion(api, kind))) return t;
    }
    return nullptr;
  }

  // Reads (and removes) the `$patch` directive of a patch mapping.
  static Directive TakeDirective(const PRef& origin, std::string* value) {
    if (!IsMap(origin)) return IsSeq(origin) || !origin ? Directive::kMerge : Directive::kUnknown;
    PRef d = Field(origin, "$patch");
    if (!d) return Directive::kMerge;
    *value = Text(d);
    Directive r = *value == "delete"    ? Directive::kDelete
                  : *value == "replace" ? Directive::kReplace
                  : *value == "merge"   ? Directive::kMerge
                                        : Directive::kUnknown;
    if (r != Directive::kUnknown) RemoveField(origin, "$patch");
    return r;
  }

  PRef WalkMap(PRef dest, PRef origin, S s, const Path& path, int depth) {
    PRef d;
    std::string dv;
    if (IsMissingOrNull(dest)) {
      if (TakeDirective(origin, &dv) == Directive::kDelete) return nullptr;
      d = origin;
    } else if (origin && origin->shell.kind == yaml::Kind::kNull) {
      return nullptr;
    } else {
      switch (TakeDirective(origin, &dv)) {
        case Directive::kDelete:
          return nullptr;
        case Directive::kReplace:
          d = origin;
          break;
        case Directive::kUnknown:
          throw PatchError("strategic merge patch: " + path.Render() + ": unknown $patch directive \"" + dv +
                           "\"");
        default:
          d = dest;
      }
    }
    if (!d) return nullptr;
    if (!IsMap(d)) return d;  // null
    size_t width = d->fields.size() + (IsMap(origin) && origin != d ? origin->fields.size() : 0);
    if (width <= 32) {
      std::vector<std::string> names;
      names.reserve(width);
      for (const auto& [k, v] : d->fields) names.push_back(k.value);
      if (IsMap(origin) && origin != d)
        for (const auto& [k, v] : origin->fields) names.push_back(k.value);
      std::sort(names.begin(), names.end());
      names.erase(std::unique(names.begin(), names.end()), names.end());
      for (const std::string& key : names) {
        S fs{schema_.FieldType(s.type, key), schema_.FieldListMeta(s.type, key)};
        Path sub{&path, key};
        PRef val = Walk(Field(d, key), Field(origin, key), fs, sub, depth + 1);
        if (IsMissingOrNull(val)) {
          RemoveField(d, key);
        } else {
          SetField(d, key, std::move(val));
        }
      }
      return d;
    }
    // Wide maps (ConfigMap data): field positions by name keep this linear.
    std::unordered_map<std::string_view, size_t> dpos, opos;
    for (size_t i = 0; i < d->fields.size(); ++i) dpos.emplace(d->fields[i].first.value, i);
    if (IsMap(origin) && origin != d)
      for (size_t i = 0; i < origin->fields.size(); ++i) opos.emplace(origin->fields[i].first.value, i);
    std::vector<std::string> names;
    names.reserve(dpos.size() + opos.size());
    for (const auto& [k, i] : dpos) names.emplace_back(k);
    for (const auto& [k, i] : opos)
      if (!dpos.count(k)) names.emplace_back(k);
    std::sort(names.begin(), names.end());
    // dpos holds views into d's keys; appending below may move them, so
    // positions are kept by owned name from here on.
    std::unordered_map<std::string, size_t> dat;
    for (const auto& [k, i] : dpos) dat.emplace(std::string(k), i);
    std::vector<bool> removed(d->fields.size(), false);
    for (const std::string& key : names) {
      S fs{schema_.FieldType(s.type, key), schema_.FieldListMeta(s.type, key)};
      Path sub{&path, key};
      auto di = dat.find(key);
      PRef dv = di == dat.end() ? nullptr : d->fields[di->second].second;
      PRef ov;
      if (origin == d) {
        ov = dv;
      } else if (auto oi = opos.find(key); oi != opos.end()) {
        ov = origin->fields[oi->second].second;
      }
      PRef val = Walk(dv, ov, fs, sub, depth + 1);
      if (IsMissingOrNull(val)) {
        if (di != dat.end()) removed[di->second] = true;
      } else if (di != dat.end()) {
        d->fields[di->second].second = std::move(val);
      } else {
        d->fields.emplace_back(yaml::Node::String(key), std::move(val));
        removed.push_back(false);
      }
    }
    if (std::find(removed.begin(), removed.end(), true) != removed.end()) {
      std::vector<std::pair<yaml::Node, PRef>> kept;
      kept.reserve(d->fields.size());
      for (size_t i = 0; i < d->fields.size(); ++i)
        if (!removed[i]) kept.push_back(std::move(d->fields[i]));
      d->fields = std::move(kept);
    }
    return d;
  }

  // --- associative lists ---------------------------------------------------

  static std::vector<Tuple> ElementValues(const std::vector<std::string>& keys,
                                          const std::vector<PRef>& sources) {
    std::vector<Tuple> out;
    std::set<Tuple> seen;
    for (const PRef& src : sources) {
      if (!IsSeq(src)) continue;
      for (const PRef& e : src->items) {
        Tuple t;
        for (const std::string& k : keys) t.push_back(KeyText(e, k));
        if (t.empty() || !seen.insert(t).second) continue;
        out.push_back(std::move(t));
      }
    }
    return out;
  }

  static std::vector<Tuple> PrimitiveValues(const std::vector<PRef>& sources) {
    std::vector<Tuple> out;
    std::set<std::string> seen;
    for (const PRef& src : sources) {
      if (!IsSeq(src)) continue;
      for (const PRef& e : src->items) {
        std::string v = Text(e);
        if (!seen.insert(v).second) continue;
        out.push_back({v});
      }
    }
    return out;
  }

  // Two key tuples name the same element when they agree wherever both are set.
  static bool MatchTuples(const Tuple& a, const Tuple& b, Tuple* merged) {
    if (a.size() != b.size()) return false;
    bool common = false;
    Tuple res;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i] == b[i]) {
        common = true;
        res.push_back(a[i]);
        continue;
      }
      if (!a[i].empty() && !b[i].empty()) return false;
      res.push_back(a[i].empty() ? b[i] : a[i]);
    }
    *merged = std::move(res);
    return common;
  }

  static void MergeTuples(std::vector<Tuple>& list) {
    for (size_t i = 0; i < list.size(); ++i) {
      Tuple v1 = list[i];
      for (size_t j = 0; j < list.size(); ++j) {
        Tuple merged;
        if (MatchTuples(v1, list[j], &merged)) {
          list[i] = merged;
          list[j] = merged;
        }
      }
    }
  }

  // Keys for which some element has a value; the rest are ignored.
  static void ValidKeys(const std::vector<Tuple>& all, const Tuple& values, const std::vector<std::string>& keys,
                        std::vector<std::string>* vkeys, Tuple* vvalues) {
    std::set<std::string> valid;
    for (const Tuple& t : all)
      for (size_t i = 0; i < t.size() && i < keys.size(); ++i)
        if (!t[i].empty()) valid.insert(keys[i]);
    if (valid.empty()) {
      *vkeys = keys;
      *vvalues = values;
      return;
    }
    vkeys->clear();
    vvalues->clear();
    for (const std::string& k : keys)
      if (valid.count(k)) vkeys->push_back(k);
    for (size_t i = 0; i < values.size() && i < keys.size(); ++i)
      if (!values[i].empty() || valid.count(keys[i])) vvalues->push_back(values[i]);
  }

  // First element of `list` whose keys all have the given values.
  static PRef FindElement(const PRef& list, const std::vector<std::string>& keys, const Tuple& values) {
    if (!IsSeq(list)) return nullptr;
    if (keys.empty() || keys[0].empty()) {
      std::string want = values.empty() ? "" : values[0];
      for (const PRef& e : list->items)
        if (e && e->shell.kind != yaml::Kind::kMapping && e->shell.kind != yaml::Kind::kSequence &&
            e->shell.value == want)
          return e;
      return nullptr;
    }
    for (const PRef& e : list->items) {
      if (!IsMap(e)) continue;
      bool all = true;
      for (size_t i = 0; i < keys.size() && all; ++i) {
        PRef f = Field(e, keys[i]);
        all = f && i < values.size() && f->shell.value == values[i];
      }
      if (all) return e;
    }
    return nullptr;
  }

  // Does `elem` match field `name` == `value` ("" matches any value, and for
  // name "" the element itself is the scalar compared)?
  static bool FieldMatches(const PRef& elem, const std::string& name, const std::string& value) {
    if (IsMissingOrNull(elem)) return false;
    if (name.empty()) return elem->shell.kind == yaml::Kind::kScalar && elem->shell.value == value;
    if (!IsMap(elem)) return false;
    for (const auto& [k, v] : elem->fields) {
      if (k.value != name) continue;
      if (value.empty() || v->shell.value == value) return true;
    }
    return false;
  }

  // Replaces the elements of `list` matching keys/values with `elem` (or
  // removes them when elem is null), appending elem when none matched.
  // Empty elements are dropped on the way, as kyaml does.
  static void SetElement(const PRef& list, const PRef& elem, const std::vector<std::string>& keys_in,
                         const Tuple& values) {
    std::vector<std::string> keys = keys_in.empty() ? std::vector<std::string>{""} : keys_in;
    bool mapping_setter = !keys[0].empty() && !values.empty() && !values[0].empty();
    std::vector<PRef> out;
    bool matched = false;
    for (const PRef& e : list->items) {
      if (IsMissingOrNull(e) || IsEmptyMap(e)) continue;
      if (!IsMap(e) && mapping_setter) {
        out.push_back(e);
        continue;
      }
      bool found = true;
      bool last = false;
      for (size_t j = 0; j < keys.size(); ++j) {
        if (j < values.size()) last = FieldMatches(e, keys[j], values[j]);
        if (!last) {
          found = false;
          break;
        }
      }
      if (!found) {
        if (!values.empty()) out.push_back(e);
        continue;
      }
      matched = true;
      if (!elem) continue;
      out.push_back(elem);
    }
    list->items = std::move(out);
    if (IsMissingOrNull(elem)) return;
    if (!matched) list->items.push_back(elem);
  }

  // Puts the target's (merged) elements back into the result list by key.
  static void AppendList(const PRef& dst, const PRef& src, const std::vector<std::string>& keys) {
    if (!IsSeq(src)) return;
    std::vector<PRef> elems = src->items;
    for (const PRef& e : elems) {
      if (keys.empty() || keys[0].empty()) {
        SetElement(dst, e, {""}, {Text(e)});
        continue;
      }
      Tuple v;
      for (const std::string& k : keys) {
        PRef f = Field(e, k);
        if (!f) {
          dst->items.push_back(e);
          continue;
        }
        v.push_back(Text(f));
      }
      if (keys.size() > 1) SetElement(dst, nullptr, keys, v);
      SetElement(dst, e, keys, v);
    }
  }

  PRef WalkAssociative(PRef dest, PRef origin, S s, const Path& path, int depth) {
    PRef d;
    if (IsMissingOrNull(dest)) {
      d = origin;
    } else if (origin && origin->shell.kind == yaml::Kind::kNull) {
      return nullptr;
    } else {
      d = dest;
    }
    if (!d) return nullptr;
    std::vector<std::string> keys;
    if (!s.meta->map_keys.empty()) {
      keys = s.meta->map_keys;
    } else if (!s.meta->merge_key.empty()) {
      keys = {s.meta->merge_key};
    }
    std::vector<PRef> order = {origin, d};  // patch elements come first
    std::vector<Tuple> values = ElementValues(keys, order);
    if (values.empty() && keys.empty()) {
      values = PrimitiveValues(order);
      keys = {""};
    }
    return SetElements(values, keys, d, origin, s, path, depth);
  }

  PRef SetElements(std::vector<Tuple> values, const std::vector<std::string>& keys, PRef dest, PRef origin, S s,
                   const Path& path, int depth) {
    auto items = std::make_shared<P>();
    items->shell = yaml::Node::Seq();
    if (keys.size() > 1) MergeTuples(values);
    std::vector<std::string> vkeys;
    Tuple vvalues;
    S es{s.type, nullptr};
    for (const Tuple& v : values) {
      if (v.empty()) continue;
      ValidKeys(values, v, keys, &vkeys, &vvalues);
      std::vector<std::string> lk;
      Tuple lv;
      ValidKeys({vvalues}, vvalues, vkeys, &lk, &lv);
      Path where{&path, {}, &lk, &lv};
      PRef val = Walk(FindElement(dest, lk, lv), FindElement(origin, lk, lv), es, where, depth + 1);
      bool removed = false;
      for (size_t i = 0; i < vkeys.size(); ++i) {
        if (IsMissingOrNull(val) || IsEmptyMap(val)) {
          SetElement(dest, nullptr, vkeys, vvalues);
          removed = true;
        } else if (!vkeys[i].empty() && IsMap(val) && !Field(val, vkeys[i]) && i < vvalues.size() &&
                   !vvalues[i].empty()) {
          // kyaml adds the key as an untagged scalar, which reads back by plain rules.
          yaml::Node key = yaml::Node::Scalar(vvalues[i], yaml::ResolvePlainTag(vvalues[i]));
          SetField(val, vkeys[i], std::make_shared<P>(P{key, {}, {}}));
        }
      }
      if (removed) continue;
      SetElement(items, val, vkeys, vvalues);
    }
    if (!values.empty()) {
      AppendList(items, dest, vkeys);
      dest = items;
    }
    if (IsMissingOrNull(dest)) return nullptr;
    return dest;
  }

  const Schema& schema_;
};

}  // namespace

yaml::Node KustomizeStrategicMerge(const yaml::Node& target, const yaml::Node& patch, const Schema& schema) {
  Walker w(schema);
  PRef dest = ToP(target);
  PRef out = w.Walk(dest, ToP(patch), {}, Path{}, 0);
  if (!out) return yaml::Node::Null();
  // kustomize keeps the resource node it walked in place and ignores the
  // walker's result unless it is empty, so a top-level `$patch: replace`
  // leaves the object unchanged (checked with kubectl kustomize).
  if (dest->shell.kind == yaml::Kind::kMapping) return FromP(*dest);
  return FromP(*out);
}

}  // namespace capstan::resource::internal
