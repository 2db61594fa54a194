// crds: field specs from OpenAPI type definitions of custom kinds, as
// kustomize reads them: properties annotated x-kubernetes-object-ref-kind
// become name references, x-kubernetes-annotation / -label-selector /
// -identity add annotation / label / prefix specs.
#include "kustomize/internal.h"

namespace capstan::kustomize {

namespace {

std::string Ext(const Node& prop, const char* name) {
  const Node* v = prop.Get(name);
  return v && v->IsScalar() ? v->value : std::string();
}

std::string JoinPath(const std::vector<std::string>& p) {
  std::string s;
  for (size_t i = 0; i < p.size(); ++i) s += (i ? "/" : "") + p[i];
  return s;
}

void LoadType(TransformerConfig& c, const Gvk& gvk, const Node& defs, const std::string& type,
              std::vector<std::string> path, int depth) {
  if (depth > 32) return;
  const Node* api = defs.Get(type);
  if (!api) return;
  const Node* props = api->At({"Schema", "properties"});
  if (!props) props = api->Get("properties");
  if (!props || !props->IsMap()) return;
  for (const auto& f : props->fields) {
    const Node& prop = f.value;
    std::vector<std::string> here = path;
    here.push_back(f.key.value);
    if (prop.Has("x-kubernetes-annotation")) c.common_annotations.push_back({gvk, JoinPath(here), false});
    if (prop.Has("x-kubernetes-label-selector")) c.common_labels.push_back({gvk, JoinPath(here), false});
    if (prop.Has("x-kubernetes-identity")) c.name_prefix.push_back({gvk, JoinPath(here), false});
    std::string version = Ext(prop, "x-kubernetes-object-ref-api-version");
    std::string kind = Ext(prop, "x-kubernetes-object-ref-kind");
    if (prop.Has("x-kubernetes-object-ref-api-version") && !kind.empty()) {
      std::string key = Ext(prop, "x-kubernetes-object-ref-name-key");
      std::vector<std::string> p = here;
      p.push_back(key.empty() ? "name" : key);
      c.name_reference.push_back({Gvk{"", version, kind}, {FieldSpec{gvk, JoinPath(p), false}}});
    }
    std::string ref = Ext(prop, "$ref");
    if (!ref.empty()) {
      if (ref.rfind("#/definitions/", 0) == 0) ref = ref.substr(14);
      LoadType(c, gvk, defs, ref, here, depth + 1);
    }
  }
}

}  // namespace

TransformerConfig ConfigFromCrds(const Node& doc) {
  TransformerConfig out;
  const Node* defs = doc.Get("definitions") ? doc.Get("definitions") : &doc;
  if (!defs->IsMap()) return out;
  for (const auto& f : defs->fields) {
    const Node* props = f.value.At({"Schema", "properties"});
    if (!props) props = f.value.Get("properties");
    if (!props || !props->Has("kind") || !props->Has("apiVersion") || !props->Has("metadata")) continue;
    std::string name = f.key.value;
    Gvk gvk;
    gvk.kind = name.substr(name.rfind('.') == std::string::npos ? 0 : name.rfind('.') + 1);
    TransformerConfig tc;
    LoadType(tc, gvk, *defs, name, {}, 0);
    out.Merge(tc);
  }
  return out;
}

}  // namespace capstan::kustomize
