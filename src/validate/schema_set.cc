// OpenAPI v3 component schemas -> Schema graph; lookup by GVK; CRDs; patches.
#include "validate/schema_set.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "base/file_system.h"
#include "resource/patch.h"
#include "resource/resource.h"
#include "resource/schema.h"
#include "validate/cel.h"
#include "validate/pattern.h"
#include "yaml/yaml.h"

namespace capstan::validate {
namespace {

constexpr std::string_view kObjectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
constexpr std::string_view kIntOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

// kubectl-validate's schema patches for built-in types: these are nullable.
bool IsNullableType(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "io.k8s.apimachinery.pkg.runtime.RawExtension",
      "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
      "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
      "io.k8s.apimachinery.pkg.apis.meta.v1.Duration",
      "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
      "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
      "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
      "io.k8s.apimachinery.pkg.api.resource.Quantity",
  };
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

uint8_t TypeBitOf(std::string_view t) {
  if (t == "object") return kTypeObject;
  if (t == "array") return kTypeArray;
  if (t == "string") return kTypeString;
  if (t == "integer") return kTypeInt;
  if (t == "number") return kTypeNumber;
  if (t == "boolean") return kTypeBool;
  if (t == "null") return kTypeNull;
  return 0;
}

std::string RefName(const yaml::Node& ref) {
  const std::string& s = ref.Str();
  size_t slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

const yaml::Node* SingleRefAllOf(const yaml::Node& s) {
  const yaml::Node* all = s.Get("allOf");
  if (all == nullptr || !all->IsSeq() || all->items.size() != 1) return nullptr;
  const yaml::Node* r = all->items[0].Get("$ref");
  return (r != nullptr && r->IsScalar()) ? r : nullptr;
}

bool TypeOnly(const yaml::Node& alt) {
  return alt.IsMap() && alt.fields.size() == 1 && alt.fields[0].key.Str() == "type" &&
         alt.fields[0].value.IsScalar();
}

bool Flag(const yaml::Node& s, std::string_view key) {
  const yaml::Node* n = s.Get(key);
  return n != nullptr && n->IsBool() && n->AsBool();
}

std::optional<double> Number(const yaml::Node& s, std::string_view key) {
  const yaml::Node* n = s.Get(key);
  if (n == nullptr || !n->IsNumber()) return std::nullopt;
  return n->AsFloat();
}

std::optional<int64_t> Count(const yaml::Node& s, std::string_view key) {
  const yaml::Node* n = s.Get(key);
  if (n == nullptr || !n->IsNumber()) return std::nullopt;
  return static_cast<int64_t>(n->AsFloat());
}

ListType ListTypeOf(std::string_view t) {
  return t == "map" ? ListType::kMap : t == "set" ? ListType::kSet : ListType::kAtomic;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::string text, err;
  if (!base::ReadFile(p.string(), &text, &err)) throw std::runtime_error(err);
  return text;
}

// "v1" -> "api/v1", "apps/v1" -> "apis/apps/v1": where a group version's
// document lies under /openapi/v3 (and in a schema or patch directory).
std::string GvPath(std::string_view gv) {
  resource::Gvk g = resource::Gvk::FromApiVersion(gv, "");
  return resource::ApiPath(g.group, g.version).substr(1);
}

}  // namespace

bool IsBuiltinGroup(std::string_view group) {
  auto ends_with = [&](std::string_view suffix) {
    return group.size() >= suffix.size() && group.substr(group.size() - suffix.size()) == suffix;
  };
  return group.empty() || ends_with(".k8s.io") || group == "apps" || group == "autoscaling" ||
         group == "batch" || group == "policy";
}

const Schema* Schema::Property(std::string_view name) const {
  auto it = std::lower_bound(properties.begin(), properties.end(), name,
                             [](const auto& p, std::string_view n) { return p.first < n; });
  return (it != properties.end() && it->first == name) ? it->second : nullptr;
}

const Schema* Schema::Resolved() const {
  const Schema* s = this;
  for (int i = 0; s->ref != nullptr && i < 64; ++i) s = s->ref;
  return s;
}

bool Schema::AcceptsNull() const {
  const Schema* s = this;
  for (int i = 0; s != nullptr && i < 64; ++i, s = s->ref)
    if (s->nullable) return true;
  return false;
}

SchemaSet::SchemaSet(Schemas::Fetch fetch, std::string source_name)
    : source_name_(std::move(source_name)), fetch_(std::move(fetch)) {}

SchemaSet::SchemaSet(std::string_view union_json, std::string source_name)
    : source_name_(std::move(source_name)) {
  struct Parsed {
    std::shared_ptr<const yaml::Node> components;
    std::shared_ptr<const GvIndex> gvs;
  };
  static std::mutex cache_mu;
  static std::map<const char*, Parsed> cache;  // by the text's address (embedded data)
  std::lock_guard<std::mutex> lock(cache_mu);
  Parsed& p = cache[union_json.data()];
  if (p.components == nullptr) {
    yaml::Node doc = yaml::ParseJson(union_json, source_name_);
    yaml::Node* comps = doc.Get("components");
    if (comps == nullptr || !comps->IsMap()) throw std::runtime_error(source_name_ + ": no components");
    auto gvs = std::make_shared<GvIndex>();
    if (const yaml::Node* g = doc.Get("gvs"); g != nullptr && g->IsMap()) {
      for (const yaml::Field& gv : g->fields) {
        auto& kinds = (*gvs)[gv.key.Str()];
        for (const yaml::Field& k : gv.value.fields) kinds[k.key.Str()] = k.value.Str();
      }
    }
    p.components = std::make_shared<const yaml::Node>(std::move(*comps));
    p.gvs = std::move(gvs);
  }
  union_components_ = p.components;
  union_gvs_ = p.gvs;
}

const yaml::Node* SchemaSet::ApplyPatch(const std::string& gv, yaml::Node* doc) {
  if (patch_dir_.empty()) return doc;
  std::filesystem::path p = std::filesystem::path(patch_dir_) / (GvPath(gv) + ".json");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) return doc;
  std::string text = ReadFile(p);
  yaml::Node patch;
  try {
    patch = yaml::ParseOne(text, p.string());
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(e.what()));
  }
  *doc = resource::ApplyMergePatch(*doc, patch);
  return doc;
}

SchemaSet::GroupVersion& SchemaSet::LoadGroupVersion(const std::string& gv) {
  auto it = gvs_.find(gv);
  if (it != gvs_.end()) return it->second;
  GroupVersion& g = gvs_[gv];
  resource::Gvk parsed = resource::Gvk::FromApiVersion(gv, "");
  const std::string& group = parsed.group;
  const std::string& version = parsed.version;
  if (union_components_ != nullptr) {
    auto u = union_gvs_->find(gv);
    if (u == union_gvs_->end()) return g;
    g.exists = true;
    g.kinds = u->second;
    g.components = union_components_;
    if (!patch_dir_.empty()) {
      yaml::Node doc = yaml::Node::Map();
      doc.GetOrCreateMap("components").Set("schemas", *union_components_);
      ApplyPatch(gv, &doc);
      if (const yaml::Node* s = doc.At({"components", "schemas"}); s != nullptr)
        g.components = std::make_shared<const yaml::Node>(*s);
    }
    return g;
  }
  std::optional<std::string> text = fetch_(GvPath(gv));
  if (!text) return g;
  yaml::Node doc = yaml::ParseOne(*text, source_name_ + "/" + GvPath(gv));
  ApplyPatch(gv, &doc);
  const yaml::Node* schemas = doc.At({"components", "schemas"});
  if (schemas == nullptr || !schemas->IsMap())
    throw std::runtime_error(source_name_ + "/" + GvPath(gv) + ": no components.schemas");
  g.exists = true;
  for (const yaml::Field& f : schemas->fields) {
    const yaml::Node* gvks = f.value.Get("x-kubernetes-group-version-kind");
    if (gvks == nullptr || !gvks->IsSeq()) continue;
    for (const yaml::Node& k : gvks->items) {
      if (k.StrAt({"group"}) == group && k.StrAt({"version"}) == version)
        g.kinds[k.StrAt({"kind"})] = f.key.Str();
    }
  }
  g.components = std::make_shared<const yaml::Node>(*schemas);
  return g;
}

const Schema* SchemaSet::CompileComponent(GroupVersion& gv, const std::string& name, bool builtin_group) {
  std::string key = (builtin_group ? "b:" : "c:") + name;
  auto it = gv.compiled.find(key);
  if (it != gv.compiled.end()) return it->second;
  Schema* target = New();
  gv.compiled[key] = target;
  const yaml::Node* src = gv.components ? gv.components->Get(name) : nullptr;
  if (src == nullptr) return target;  // unknown reference: anything goes
  if (name == kIntOrString) {
    target->types = kTypeInt | kTypeString;
    return target;
  }
  const Schema* compiled = Compile(*src, gv, /*crd=*/false, builtin_group);
  *target = *compiled;
  if (IsNullableType(name)) {
    target->nullable = true;
    if (target->types != 0) target->types |= kTypeNull;
  }
  return target;
}

const Schema* SchemaSet::Compile(const yaml::Node& s, GroupVersion& gv, bool crd, bool builtin_group) {
  Schema* out = New();
  if (!s.IsMap()) return out;
  if (const yaml::Node* ref = s.Get("$ref"); ref != nullptr && ref->IsScalar())
    return CompileComponent(gv, RefName(*ref), builtin_group);
  if (const yaml::Node* ref = SingleRefAllOf(s)) {
    const Schema* target = CompileComponent(gv, RefName(*ref), builtin_group);
    bool nullable = Flag(s, "nullable");
    resource::ListExtensions ext = resource::ReadListExtensions(s);
    if (!nullable && !ext.has_list_type) return target;
    out->ref = target;
    out->nullable = nullable;
    if (ext.has_list_type) {
      out->list_type = ListTypeOf(ext.list_type);
      out->map_keys = std::move(ext.map_keys);
    }
    return out;
  }
  bool int_or_string = Flag(s, "x-kubernetes-int-or-string");
  std::string_view type_combinator;
  if (int_or_string) {
    out->types = kTypeInt | kTypeString;
  } else if (const yaml::Node* t = s.Get("type"); t != nullptr && t->IsScalar()) {
    out->types = TypeBitOf(t->Str());
  } else {
    for (std::string_view k : {"oneOf", "anyOf"}) {
      const yaml::Node* alts = s.Get(k);
      if (alts == nullptr || !alts->IsSeq() || alts->items.empty()) continue;
      if (!std::all_of(alts->items.begin(), alts->items.end(), TypeOnly)) continue;
      for (const yaml::Node& a : alts->items) out->types |= TypeBitOf(a.fields[0].value.Str());
      type_combinator = k;
      break;
    }
  }
  out->nullable = Flag(s, "nullable");
  if (out->nullable && out->types != 0) out->types |= kTypeNull;
  if (const yaml::Node* e = s.Get("enum"); e != nullptr && e->IsSeq()) {
    out->has_enum = true;
    out->enum_values = e->items;
    if (out->nullable) out->enum_values.push_back(yaml::Node::Null());
  }
  out->minimum = Number(s, "minimum");
  out->maximum = Number(s, "maximum");
  out->exclusive_minimum = Flag(s, "exclusiveMinimum");
  out->exclusive_maximum = Flag(s, "exclusiveMaximum");
  out->multiple_of = Number(s, "multipleOf");
  out->min_length = Count(s, "minLength");
  out->max_length = Count(s, "maxLength");
  out->min_items = Count(s, "minItems");
  out->max_items = Count(s, "maxItems");
  out->min_properties = Count(s, "minProperties");
  out->max_properties = Count(s, "maxProperties");
  out->unique_items = Flag(s, "uniqueItems");
  if (const yaml::Node* p = s.Get("pattern"); p != nullptr && p->IsScalar()) {
    out->pattern_text = p->Str();
    try {
      out->pattern = std::make_shared<Pattern>(p->Str());
    } catch (const std::exception&) {
      out->pattern = nullptr;  // an uncompilable pattern is reported by the validator
    }
  }
  if (s.StrAt({"format"}) == "byte" && s.StrAt({"type"}) == "string")
    out->byte_format = (builtin_group && !crd) ? ByteFormat::kLenient : ByteFormat::kStrict;
  if (const yaml::Node* d = s.Get("default"); d != nullptr && d->IsScalar()) out->default_value = *d;
  resource::ListExtensions list_ext = resource::ReadListExtensions(s);
  if (list_ext.has_list_type) out->list_type = ListTypeOf(list_ext.list_type);
  out->map_keys = std::move(list_ext.map_keys);
  if (const yaml::Node* v = s.Get("x-kubernetes-validations"); v != nullptr && v->IsSeq()) {
    for (const yaml::Node& r : v->items) {
      CelRule rule{r.StrAt({"rule"}), r.StrAt({"message"}), nullptr};
      rule.program = CelProgram::Compile(rule.rule);
      out->cel.push_back(std::move(rule));
    }
  }
  if (const yaml::Node* r = s.Get("required"); r != nullptr && r->IsSeq())
    for (const yaml::Node& k : r->items) out->required.push_back(k.Str());

  bool preserve = Flag(s, "x-kubernetes-preserve-unknown-fields");
  bool embedded = Flag(s, "x-kubernetes-embedded-resource");
  const yaml::Node* props = s.Get("properties");
  bool has_props = (props != nullptr && props->IsMap() && !props->fields.empty()) || embedded;
  if (props != nullptr && props->IsMap()) {
    for (const yaml::Field& f : props->fields)
      out->properties.emplace_back(f.key.Str(), Compile(f.value, gv, crd, builtin_group));
  }
  if (embedded) {
    static const yaml::Node kString = [] {
      yaml::Node n = yaml::Node::Map();
      n.Set("type", yaml::Node::String("string"));
      return n;
    }();
    auto has = [&](std::string_view k) {
      return std::any_of(out->properties.begin(), out->properties.end(),
                         [&](const auto& p) { return p.first == k; });
    };
    if (!has("apiVersion")) out->properties.emplace_back("apiVersion", Compile(kString, gv, crd, builtin_group));
    if (!has("kind")) out->properties.emplace_back("kind", Compile(kString, gv, crd, builtin_group));
    std::erase_if(out->properties, [](const auto& p) { return p.first == "metadata"; });
    GroupVersion& core = crd ? crd_meta_gv_ : gv;
    out->properties.emplace_back("metadata", CompileComponent(core, std::string(kObjectMeta), true));
  }
  std::stable_sort(out->properties.begin(), out->properties.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  const yaml::Node* ap = s.Get("additionalProperties");
  if (ap != nullptr && ap->IsMap()) {
    out->additional = Compile(*ap, gv, crd, builtin_group);
  } else if (ap != nullptr && ap->IsBool()) {
    out->closed = !ap->AsBool();
  } else if (!preserve && (has_props || (crd && s.StrAt({"type"}) == "object"))) {
    out->closed = true;
  }
  if (const yaml::Node* it = s.Get("items"); it != nullptr && it->IsMap())
    out->items = Compile(*it, gv, crd, builtin_group);
  if (!int_or_string) {
    auto list = [&](std::string_view k, std::vector<const Schema*>* dst) {
      const yaml::Node* alts = s.Get(k);
      if (alts == nullptr || !alts->IsSeq() || k == type_combinator) return;
      for (const yaml::Node& a : alts->items) dst->push_back(Compile(a, gv, crd, builtin_group));
    };
    list("allOf", &out->all_of);
    list("anyOf", &out->any_of);
    list("oneOf", &out->one_of);
  }
  if (const yaml::Node* n = s.Get("not"); n != nullptr && n->IsMap())
    out->not_ = Compile(*n, gv, crd, builtin_group);
  return out;
}

Lookup SchemaSet::Find(std::string_view group, std::string_view version, std::string_view kind) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string gv = group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
  std::string gvk = gv + "/" + std::string(kind);
  if (auto c = crds_.find(gvk); c != crds_.end()) return {Lookup::kFound, c->second};
  GroupVersion& g = LoadGroupVersion(gv);
  if (!g.exists) {
    if (crd_gvs_.count(gv)) return {Lookup::kNoKind, nullptr};
    return {Lookup::kNoGroupVersion, nullptr};
  }
  auto k = g.kinds.find(kind);
  if (k == g.kinds.end()) return {Lookup::kNoKind, nullptr};
  return {Lookup::kFound, CompileComponent(g, k->second, IsBuiltinGroup(group))};
}

size_t SchemaSet::AddCrd(const yaml::Node& crd, bool override_builtin) {
  if (!crd.IsMap() || crd.StrAt({"kind"}) != "CustomResourceDefinition" ||
      crd.StrAt({"apiVersion"}).rfind("apiextensions.k8s.io/", 0) != 0)
    return 0;
  const yaml::Node* spec = crd.Get("spec");
  if (spec == nullptr || !spec->IsMap()) return 0;
  std::string group = spec->StrAt({"group"});
  std::string kind = spec->StrAt({"names", "kind"});
  const yaml::Node* legacy = spec->At({"validation", "openAPIV3Schema"});
  const yaml::Node* versions = spec->Get("versions");
  std::lock_guard<std::mutex> lock(mu_);
  if (!crd_meta_gv_.exists) {
    GroupVersion& core = LoadGroupVersion("v1");
    crd_meta_gv_.exists = true;
    crd_meta_gv_.components = core.components;
  }
  size_t added = 0;
  if (versions == nullptr || !versions->IsSeq()) return 0;
  for (const yaml::Node& v : versions->items) {
    std::string version = v.StrAt({"name"});
    if (version.empty()) continue;
    if (!override_builtin) {
      GroupVersion& builtin = LoadGroupVersion(group + "/" + version);
      if (builtin.exists && builtin.kinds.count(kind)) continue;
    }
    const yaml::Node* sch = v.At({"schema", "openAPIV3Schema"});
    if (sch == nullptr || !sch->IsMap()) sch = legacy;
    static const yaml::Node kPreserveAll = [] {
      yaml::Node n = yaml::Node::Map();
      n.Set("type", yaml::Node::String("object"));
      n.Set("x-kubernetes-preserve-unknown-fields", yaml::Node::Bool(true));
      return n;
    }();
    static const yaml::Node kString = [] {
      yaml::Node n = yaml::Node::Map();
      n.Set("type", yaml::Node::String("string"));
      return n;
    }();
    const yaml::Node& root = (sch != nullptr && sch->IsMap()) ? *sch : kPreserveAll;
    Schema* compiled = New();
    *compiled = *Compile(root, crd_meta_gv_, /*crd=*/true, /*builtin_group=*/true);
    // The root always has apiVersion, kind (strings) and metadata
    // (ObjectMeta), whatever the CRD says about them; with them it has
    // properties, so it is closed unless it preserves unknown fields.
    std::erase_if(compiled->properties, [](const auto& p) {
      return p.first == "apiVersion" || p.first == "kind" || p.first == "metadata";
    });
    compiled->properties.emplace_back("apiVersion", Compile(kString, crd_meta_gv_, true, true));
    compiled->properties.emplace_back("kind", Compile(kString, crd_meta_gv_, true, true));
    compiled->properties.emplace_back(
        "metadata", CompileComponent(crd_meta_gv_, std::string(kObjectMeta), true));
    std::stable_sort(compiled->properties.begin(), compiled->properties.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    const yaml::Node* ap = root.Get("additionalProperties");
    if (compiled->additional == nullptr && !(ap != nullptr && ap->IsBool()) &&
        !Flag(root, "x-kubernetes-preserve-unknown-fields"))
      compiled->closed = true;
    std::string gv = group + "/" + version;
    crds_[gv + "/" + kind] = compiled;
    crd_gvs_[gv] = true;
    ++added;
  }
  return added;
}

}  // namespace capstan::validate
