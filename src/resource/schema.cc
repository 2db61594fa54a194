// Schema: a small type graph of field names, element types and patch
// metadata. Built-in kinds come from the generated builtin_schema.inc;
// custom OpenAPI documents are added at run time.
#include "resource/schema.h"

#include <deque>
#include <optional>
#include <map>
#include <stdexcept>
#include <tuple>

namespace capstan::resource {

namespace {

struct FieldInfo {
  int type = -1;  // index of the held type (element type for lists), -1 unknown
  int meta = -1;  // index into metas, -1 when the field has no patch metadata
};

struct TypeInfo {
  std::string name;
  std::map<std::string, FieldInfo, std::less<>> fields;  // "*": additionalProperties
};

// Tables from tools/gen_patch_meta.py.
struct BuiltinMeta {
  const char* strategy;
  const char* merge_key;
  const char* map_keys;  // comma separated
  const char* list_type;
};
struct BuiltinField {
  const char* name;
  int type;
  int meta;
};
struct BuiltinType {
  const char* name;
  int first_field;
  int num_fields;
};
struct BuiltinKind {
  const char* group;
  const char* version;
  const char* kind;
  int type;
  bool namespaced;
};

#include "resource/builtin_schema.inc"

std::vector<std::string> SplitComma(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t c = s.find(',');
    out.emplace_back(s.substr(0, c));
    if (c == std::string_view::npos) break;
    s.remove_prefix(c + 1);
  }
  return out;
}

}  // namespace

struct Schema::Impl {
  std::deque<TypeInfo> types;  // deque: TypeRefs stay valid as types are added
  std::deque<ListMeta> metas;
  std::map<std::string, int, std::less<>> by_name;
  std::map<std::tuple<std::string, std::string, std::string>, int> kinds;

  int TypeIndex(const TypeInfo* t) const {
    for (size_t i = 0; i < types.size(); ++i)
      if (&types[i] == t) return static_cast<int>(i);
    return -1;
  }

  int NewType(std::string name) {
    types.push_back(TypeInfo{std::move(name), {}});
    return static_cast<int>(types.size() - 1);
  }

  int AddMeta(ListMeta m) {
    for (size_t i = 0; i < metas.size(); ++i) {
      const ListMeta& o = metas[i];
      if (o.strategy == m.strategy && o.merge_key == m.merge_key && o.map_keys == m.map_keys &&
          o.list_type == m.list_type)
        return static_cast<int>(i);
    }
    metas.push_back(std::move(m));
    return static_cast<int>(metas.size() - 1);
  }
};

Schema::Schema() : impl_(std::make_unique<Impl>()) {}
Schema::~Schema() = default;
Schema::Schema(const Schema& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
Schema& Schema::operator=(const Schema& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}

const Schema& Schema::BuiltIn() {
  static const Schema* builtin = [] {
    auto* s = new Schema();
    Impl& im = *s->impl_;
    for (const BuiltinMeta& m : kBuiltinMetas) {
      im.metas.push_back(ListMeta{m.strategy, m.merge_key, SplitComma(m.map_keys), m.list_type});
    }
    for (const BuiltinType& t : kBuiltinTypes) {
      int idx = im.NewType(t.name);
      im.by_name[t.name] = idx;
      for (int i = t.first_field; i < t.first_field + t.num_fields; ++i) {
        const BuiltinField& f = kBuiltinFields[i];
        im.types[idx].fields[f.name] = FieldInfo{f.type, f.meta};
      }
    }
    for (const BuiltinKind& k : kBuiltinKinds) {
      im.kinds[{k.group, k.version, k.kind}] = k.type;
    }
    return s;
  }();
  return *builtin;
}

Schema::TypeRef Schema::TypeFor(const Gvk& gvk) const {
  auto it = impl_->kinds.find({gvk.group, gvk.version, gvk.kind});
  if (it == impl_->kinds.end() || it->second < 0) return nullptr;
  return &impl_->types[it->second];
}

namespace {
const FieldInfo* FindField(Schema::TypeRef type, std::string_view name) {
  if (type == nullptr) return nullptr;
  const auto* t = static_cast<const TypeInfo*>(type);
  auto it = t->fields.find(name);
  if (it == t->fields.end()) it = t->fields.find("*");
  if (it == t->fields.end()) return nullptr;
  return &it->second;
}
}  // namespace

Schema::TypeRef Schema::FieldType(TypeRef type, std::string_view name) const {
  const FieldInfo* f = FindField(type, name);
  if (f == nullptr || f->type < 0) return nullptr;
  return &impl_->types[f->type];
}

const ListMeta* Schema::FieldListMeta(TypeRef type, std::string_view name) const {
  if (type == nullptr) return nullptr;
  const auto* t = static_cast<const TypeInfo*>(type);
  auto it = t->fields.find(name);  // additionalProperties carry no list metadata
  if (it == t->fields.end() || it->second.meta < 0) return nullptr;
  return &impl_->metas[it->second.meta];
}

namespace {
template <typename Path>
const ListMeta* ListMetaAlong(const Schema& schema, const Gvk& gvk, const Path& path) {
  if (path.empty()) return nullptr;
  Schema::TypeRef t = schema.TypeFor(gvk);
  for (size_t i = 0; t != nullptr && i + 1 < path.size(); ++i) t = schema.FieldType(t, path[i]);
  return schema.FieldListMeta(t, path.back());
}
}  // namespace

const ListMeta* Schema::ListMetaAt(const Gvk& gvk, const std::vector<std::string_view>& path) const {
  return ListMetaAlong(*this, gvk, path);
}

const ListMeta* Schema::ListMetaAt(const Gvk& gvk, const std::vector<std::string>& path) const {
  return ListMetaAlong(*this, gvk, path);
}

// ---------------------------------------------------------------------------
// OpenAPI documents

ListExtensions ReadListExtensions(const yaml::Node& schema) {
  ListExtensions ext;
  if (const yaml::Node* v = schema.Get("x-kubernetes-list-type")) {
    if (v->IsScalar()) {
      ext.has_list_type = true;
      ext.list_type = v->Str();
    } else {
      ext.error = "x-kubernetes-list-type is not a string";
    }
  }
  if (const yaml::Node* v = schema.Get("x-kubernetes-list-map-keys")) {
    if (v->IsSeq()) {
      ext.has_map_keys = true;
      for (const yaml::Node& k : v->items) ext.map_keys.push_back(k.Str());
    } else if (ext.error.empty()) {
      ext.error = "x-kubernetes-list-map-keys is not a list";
    }
  }
  return ext;
}

namespace {

std::string RefName(std::string_view ref) {
  size_t slash = ref.rfind('/');
  return std::string(slash == std::string_view::npos ? ref : ref.substr(slash + 1));
}

// The named type a schema refers to: $ref, or the first allOf entry with one.
const yaml::Node* RefOf(const yaml::Node& s) {
  if (!s.IsMap()) return nullptr;
  if (const yaml::Node* r = s.Get("$ref"); r && r->IsScalar()) return r;
  if (const yaml::Node* all = s.Get("allOf"); all && all->IsSeq()) {
    for (const yaml::Node& sub : all->items)
      if (const yaml::Node* r = RefOf(sub)) return r;
  }
  return nullptr;
}

}  // namespace

void Schema::AddOpenApi(const yaml::Node& document) {
  if (!document.IsMap()) throw std::runtime_error("openapi: document is not a mapping");
  const yaml::Node* defs = document.Get("definitions");
  if (defs == nullptr) defs = document.At({"components", "schemas"});
  if (defs == nullptr || !defs->IsMap())
    throw std::runtime_error("openapi: document has neither definitions nor components.schemas");
  // Work on a copy so that a bad document leaves this schema unchanged.
struct Loader {
    Schema::Impl* im;
    // Fields whose type is a named reference, resolved after all names are known.
    struct Pending {
      int type;
      std::string field;
      std::string ref;
    };
    std::vector<Pending> pending;
    int anon = 0;
    std::string where;
  
    [[noreturn]] void Fail(const std::string& what) const {
      throw std::runtime_error("openapi: " + where + ": " + what);
    }
  
    std::optional<ListMeta> MetaOf(const yaml::Node& prop) {
      ListMeta m;
      bool any = false;
      if (const yaml::Node* v = prop.Get("x-kubernetes-patch-strategy")) {
        if (!v->IsScalar()) Fail("x-kubernetes-patch-strategy is not a string");
        m.strategy = v->Str();
        any = true;
      }
      if (const yaml::Node* v = prop.Get("x-kubernetes-patch-merge-key")) {
        if (!v->IsScalar()) Fail("x-kubernetes-patch-merge-key is not a string");
        m.merge_key = v->Str();
        any = true;
      }
      ListExtensions ext = ReadListExtensions(prop);
      if (!ext.error.empty()) Fail(ext.error);
      if (ext.has_list_type) {
        m.list_type = std::move(ext.list_type);
        any = true;
      }
      if (ext.has_map_keys) {
        m.map_keys = std::move(ext.map_keys);
        any = true;
      }
      if (!any) return std::nullopt;
      return m;
    }
  
    // Fills type `idx` from the object schema `s` (properties, additionalProperties).
    void FillType(int idx, const yaml::Node& s, int depth) {
      if (depth > 64) Fail("schema nested too deeply");
      if (!s.IsMap()) return;
      if (const yaml::Node* props = s.Get("properties")) {
        if (!props->IsMap()) Fail("properties is not a mapping");
        for (const yaml::Field& f : props->fields) {
          FieldInfo fi;
          if (f.value.IsMap()) {
            if (auto m = MetaOf(f.value)) fi.meta = im->AddMeta(*m);
          }
          im->types[idx].fields[f.key.Str()] = fi;
          Hold(idx, f.key.Str(), f.value, depth);
        }
      }
      if (const yaml::Node* ap = s.Get("additionalProperties"); ap && ap->IsMap()) {
        im->types[idx].fields["*"] = FieldInfo{};
        Hold(idx, "*", *ap, depth);
      }
    }
  
    // Records the type held by field `field` of type `idx`, described by `prop`.
    void Hold(int idx, const std::string& field, const yaml::Node& prop, int depth) {
      if (!prop.IsMap()) return;
      if (const yaml::Node* r = RefOf(prop)) {
        pending.push_back({idx, field, RefName(r->Str())});
        return;
      }
      const yaml::Node* t = prop.Get("type");
      if (t && t->Str() == "array") {
        if (const yaml::Node* items = prop.Get("items")) Hold(idx, field, *items, depth + 1);
        return;
      }
      if (prop.Has("properties") || prop.Has("additionalProperties")) {
        int child = im->NewType(im->types[idx].name + "." + field);
        im->types[idx].fields[field].type = child;
        FillType(child, prop, depth + 1);
      }
    }
  
    void AddKinds(int idx, const yaml::Node& s) {
      const yaml::Node* gvks = s.Get("x-kubernetes-group-version-kind");
      if (gvks == nullptr) return;
      if (!gvks->IsSeq()) Fail("x-kubernetes-group-version-kind is not a list");
      for (const yaml::Node& g : gvks->items) {
        if (!g.IsMap()) Fail("x-kubernetes-group-version-kind entry is not a mapping");
        im->kinds[{g.StrAt({"group"}), g.StrAt({"version"}), g.StrAt({"kind"})}] = idx;
      }
    }
  };

  auto next = std::make_unique<Impl>(*impl_);
  Loader ld{next.get(), {}, 0, ""};
  std::vector<std::pair<int, const yaml::Node*>> loaded;
  for (const yaml::Field& f : defs->fields) {
    const std::string name = f.key.Str();
    ld.where = name;
    int idx;
    if (auto it = next->by_name.find(name); it != next->by_name.end()) {
      idx = it->second;  // override in place so existing kinds follow
      next->types[idx].fields.clear();
    } else {
      idx = next->NewType(name);
      next->by_name[name] = idx;
    }
    loaded.emplace_back(idx, &f.value);
  }
  for (auto& [idx, node] : loaded) {
    ld.where = next->types[idx].name;
    if (!node->IsMap()) ld.Fail("definition is not a mapping");
    ld.FillType(idx, *node, 0);
    ld.AddKinds(idx, *node);
  }
  for (const auto& p : ld.pending) {
    auto it = next->by_name.find(p.ref);
    if (it != next->by_name.end()) next->types[p.type].fields[p.field].type = it->second;
  }
  impl_ = std::move(next);
}

// ---------------------------------------------------------------------------
// Cluster scope of built-in kinds.

bool IsClusterScoped(const Gvk& gvk) {
  struct Scope {
    std::map<std::tuple<std::string, std::string, std::string>, bool> exact;
    std::map<std::pair<std::string, std::string>, bool> by_group_kind;
  };
  static const Scope* scope = [] {
    auto* s = new Scope();
    for (const BuiltinKind& k : kBuiltinKinds) {
      s->exact[{k.group, k.version, k.kind}] = !k.namespaced;
      s->by_group_kind[{k.group, k.kind}] = !k.namespaced;
    }
    for (const BuiltinKind& k : kLegacyClusterScoped) {
      s->exact[{k.group, k.version, k.kind}] = !k.namespaced;
      s->by_group_kind[{k.group, k.kind}] = !k.namespaced;
    }
    return s;
  }();
  if (auto it = scope->exact.find({gvk.group, gvk.version, gvk.kind}); it != scope->exact.end())
    return it->second;
  // Versions this API no longer serves (rbac/v1beta1, ...) keep their scope.
  if (auto it = scope->by_group_kind.find({gvk.group, gvk.kind}); it != scope->by_group_kind.end())
    return it->second;
  return false;
}

}  // namespace capstan::resource
