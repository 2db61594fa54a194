// The kustomization pipeline, top to bottom as kustomize runs it:
//   Load -> resources -> configurations/crds -> generators -> components
//   -> builtin transformers -> transformers: -> vars.
// Name references, hash suffixes and vars are resolved once at the top
// (render.cc), after every level has been accumulated.
#include "kustomize/target.h"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "kustomize/generators.h"
#include "kustomize/resources.h"
#include "yaml/yaml.h"

namespace capstan::kustomize {

namespace {

const std::set<std::string, std::less<>>& KnownFields() {
  static const std::set<std::string, std::less<>> k = {
      "apiVersion", "kind", "metadata", "resources", "bases", "components", "namespace",
      "namePrefix", "nameSuffix", "commonLabels", "labels", "commonAnnotations", "images",
      "imageTags", "replicas", "patches", "patchesStrategicMerge", "patchesJson6902",
      "configMapGenerator", "secretGenerator", "generatorOptions", "vars", "replacements",
      "crds", "openapi", "sortOptions", "buildMetadata", "configurations", "generators",
      "transformers", "validators", "helmCharts", "helmGlobals", "helmChartInflationGenerator"};
  return k;
}

// A repeated mapping key: the last one wins, as in kustomize's JSON
// decoding of the kustomization.
void DedupeKeys(Node& n, size_t depth) {
  if (depth > 64) return;
  if (n.IsMap()) {
    std::vector<yaml::Field> unique;
    for (auto& f : n.fields) {
      auto it = std::find_if(unique.begin(), unique.end(),
                             [&](const yaml::Field& u) { return u.key.value == f.key.value; });
      if (it != unique.end()) {
        it->value = std::move(f.value);
      } else {
        unique.push_back(std::move(f));
      }
    }
    n.fields = std::move(unique);
    for (auto& f : n.fields) DedupeKeys(f.value, depth + 1);
  } else if (n.IsSeq()) {
    for (auto& i : n.items) DedupeKeys(i, depth + 1);
  }
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The known field name `key` spells, ignoring case; "" when unknown.
std::string Canonical(const std::set<std::string, std::less<>>& known, const std::string& key) {
  if (known.count(key)) return key;
  for (const auto& k : known)
    if (Lower(k) == Lower(key)) return k;
  return "";
}

std::vector<std::string> StringList(const Node* n, const std::string& where) {
  std::vector<std::string> out;
  if (!n || n->IsNull()) return out;
  if (!n->IsSeq()) Fail(where + ": expected a list of strings");
  for (const auto& item : n->items) {
    if (!item.IsScalar()) Fail(where + ": expected a list of strings");
    out.push_back(item.value);
  }
  return out;
}

}  // namespace

void AppendResource(ResList& list, Resource r, const std::string& where) {
  ResId id = r.CurId();
  for (const auto& e : list) {
    if (IdEquals(e.CurId(), id)) {
      Fail(where + ": may not add resource with an already registered id: " + IdString(id));
    }
  }
  list.push_back(std::move(r));
}

void AppendAll(ResList& list, ResList src, const std::string& where) {
  if (src.empty()) return;
  std::unordered_set<std::string> seen;
  seen.reserve(list.size() + src.size());
  for (const auto& e : list) seen.insert(IdKey(e.CurId()));
  for (auto& r : src) {
    ResId id = r.CurId();
    if (!seen.insert(IdKey(id)).second) {
      Fail(where + ": may not add resource with an already registered id: " + IdString(id));
    }
    list.push_back(std::move(r));
  }
}

Target::Target(Loader loader, const Options& options, bool is_component)
    : loader_(std::move(loader)), options_(options), is_component_(is_component) {}

void Target::Load() {
  std::string name = loader_.KustomizationFile();
  file_ = loader_.root() + "/" + name;
  std::string text = loader_.ReadFile(name);
  try {
    k_ = yaml::ParseOne(text, file_);
  } catch (const yaml::ParseError& e) {
    Fail(e.what());
  }
  if (k_.IsNull()) k_ = Node::Map();
  if (!k_.IsMap()) Fail(file_ + ": kustomization must be a mapping");
  DedupeKeys(k_, 0);
  // Field names match case-insensitively, as Go's JSON decoding does;
  // unknown fields are an error (kustomize decodes strictly).
  for (auto& f : k_.fields) {
    std::string canonical = Canonical(KnownFields(), f.key.value);
    if (canonical.empty()) Fail(file_ + ": invalid Kustomization: json: unknown field \"" + f.key.value + "\"");
    f.key.value = canonical;
  }
  // map[string]string fields: kustomize's decoding rejects numbers and booleans.
  auto string_map = [&](const Node* m, const std::string& field) {
    if (!m || !m->IsMap()) return;
    for (const auto& kv : m->fields) {
      if (kv.value.IsInt() || kv.value.IsFloat() || kv.value.IsBool() || kv.value.IsMap() || kv.value.IsSeq()) {
        Fail(file_ + ": invalid Kustomization: " + field + "." + kv.key.value +
             ": json: cannot unmarshal " + (kv.value.IsBool() ? "bool" : kv.value.IsMap() ? "object" : kv.value.IsSeq() ? "array" : "number") +
             " into Go struct field of type string");
      }
    }
  };
  string_map(k_.Get("commonLabels"), "commonLabels");
  string_map(k_.Get("commonAnnotations"), "commonAnnotations");
  if (const Node* labels = k_.Get("labels"); labels && labels->IsSeq())
    for (const auto& l : labels->items) string_map(l.Get("pairs"), "labels.pairs");
  if (const Node* labels = k_.Get("labels"); labels && labels->IsSeq()) {
    static const std::set<std::string, std::less<>> kLabelFields = {"pairs", "includeSelectors",
                                                                     "includeTemplates", "fields"};
    for (const auto& l : labels->items) {
      for (const auto& f : l.fields) {
        if (Canonical(kLabelFields, f.key.value).empty())
          Fail(file_ + ": labels: invalid Kustomization: json: unknown field \"" + f.key.value + "\"");
      }
    }
  }
  std::string kind = k_.StrAt({"kind"});
  if (kind.empty()) kind = "Kustomization";
  if (kind != "Kustomization" && kind != "Component") {
    Fail(file_ + ": kind: unknown kind '" + kind + "', expected Kustomization or Component");
  }
  if (kind == "Component" && k_.Has("apiVersion") &&
      k_.StrAt({"apiVersion"}) != "kustomize.config.k8s.io/v1alpha1") {
    Fail(file_ + ": apiVersion for Component should be kustomize.config.k8s.io/v1alpha1");
  }
  if (kind == "Kustomization" && k_.Has("apiVersion") &&
      k_.StrAt({"apiVersion"}) != "kustomize.config.k8s.io/v1beta1") {
    Fail(file_ + ": apiVersion for Kustomization should be kustomize.config.k8s.io/v1beta1");
  }
  // kustomize's CheckEmpty: a Kustomization with no field set beyond
  // apiVersion/kind (comments only, `{}`, `resources:` with no value) is
  // an error, not an empty build.
  if (kind == "Kustomization") {
    bool empty = true;
    for (const auto& f : k_.fields) {
      if (f.key.value == "apiVersion" || f.key.value == "kind") continue;
      if (f.value.IsNull() || (f.value.IsScalar() && f.value.value.empty() && f.value.IsString())) continue;
      empty = false;
    }
    if (empty) Fail(file_ + ": kustomization.yaml is empty");
  }
  if (const Node* oa = k_.Get("openapi"); oa && oa->IsMap()) {
    bool has_path = !oa->StrAt({"path"}).empty();
    std::string version = oa->StrAt({"version"});
    if (has_path && !version.empty()) Fail(Where("openapi") + ": builtin version and custom schema provided, cannot use both");
    if (!version.empty() && version != "v1.21.2") Fail(Where("openapi") + ": the specified OpenAPI version is not built in");
  }
  if (const Node* so = k_.Get("sortOptions"); so && !so->IsNull()) {
    std::string order = so->StrAt({"order"});
    if (order != "legacy" && order != "fifo") Fail(Where("sortOptions") + ": the field 'sortOptions.order' must be one of [fifo, legacy]");
    if (order == "fifo" && so->Has("legacySortOptions"))
      Fail(Where("sortOptions") + ": the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'");
  }
  if (is_component_ && kind != "Component") Fail(file_ + ": " + loader_.root() + " must be a Component");
  if (!is_component_ && kind == "Component" && loader_.root() != loader_.top_root()) {
    Fail(file_ + ": expected kind 'Kustomization' for path '" + loader_.root() +
         "' but got 'Component'");
  }
  for (const char* f : {"helmCharts", "helmGlobals"}) {
    if (k_.Has(f) && !options_.enable_helm)
      Fail(Where(f) + ": must specify --enable-helm to inflate Helm charts");
  }
  if (k_.Has("helmChartInflationGenerator"))
    Fail(Where("helmChartInflationGenerator") + ": not supported (use helmCharts with --enable-helm)");
  if (const Node* v = k_.Get("validators"); v && v->size()) {
    Fail(Where("validators") + ": validator plugins are not supported");
  }
  // Legacy spellings kustomize still reads.
  if (const Node* bases = k_.Get("bases"); bases && bases->IsSeq()) {
    Node& res = k_.Has("resources") && k_.Get("resources")->IsSeq() ? *k_.Get("resources")
                                                                     : k_.Set("resources", Node::Seq());
    for (const auto& b : bases->items) res.items.push_back(b);
  }
  if (const Node* tags = k_.Get("imageTags"); tags && tags->IsSeq()) {
    Node& images = k_.Has("images") && k_.Get("images")->IsSeq() ? *k_.Get("images")
                                                                 : k_.Set("images", Node::Seq());
    for (const auto& t : tags->items) images.items.push_back(t);
  }
}

namespace {
// One YAML document from a file of the kustomization; parse errors name it.
Node ReadYaml(const Loader& loader, const std::string& path) {
  std::string text = loader.ReadFile(path);
  try {
    return yaml::ParseOne(text, loader.Resolve(path));
  } catch (const yaml::ParseError& e) {
    Fail(e.what());
  }
  return Node();
}
}  // namespace

void Target::AccumulateInto(Accumulator& ra) {
  AccumulateResources(ra);
  // configurations: extend the builtin field specs.
  TransformerConfig config = BuiltinConfig();
  TransformerConfig custom;
  for (const auto& path : StringList(k_.Get("configurations"), Where("configurations"))) {
    custom.Merge(ParseConfig(ReadYaml(loader_, path), loader_.Resolve(path)));
  }
  // Custom name prefix/suffix specs replace the default "metadata/name"
  // (kustomize only renames the kinds they list); other sections add up.
  if (!custom.name_prefix.empty()) config.name_prefix.clear();
  if (!custom.name_suffix.empty()) config.name_suffix.clear();
  config.Merge(custom);
  if (!custom.name_prefix.empty()) ra.config.name_prefix.clear();
  if (!custom.name_suffix.empty()) ra.config.name_suffix.clear();
  ra.config.Merge(config);
  for (const auto& path : StringList(k_.Get("crds"), Where("crds"))) {
    ra.config.Merge(ConfigFromCrds(ReadYaml(loader_, path)));
  }
  if (const Node* oa = k_.Get("openapi"); oa && oa->IsMap()) {
    // An explicit builtin version takes precedence over a base's schema.
    if (!oa->StrAt({"version"}).empty()) ra.schema.reset();
    std::string path = oa->StrAt({"path"});
    if (!path.empty()) {
      Node doc = ReadYaml(loader_, path);
      auto schema = std::make_shared<resource::Schema>(ra.schema ? *ra.schema : resource::Schema::BuiltIn());
      try {
        schema->AddOpenApi(doc);
      } catch (const std::exception& e) {
        Fail(loader_.Resolve(path) + ": " + e.what());
      }
      ra.schema = schema;
    }
  }
  // Generators run before components (kustomize >= 5.1), so components
  // transform generated objects too.
  RunGenerators(ra);
  AccumulateComponents(ra);
  RunTransformers(ra);
  if (const Node* vars = k_.Get("vars"); vars && vars->IsSeq()) {
    BindVars(ra.res, *vars, Where("vars"));
    for (const auto& v : vars->items) {
      std::string name = v.StrAt({"name"});
      for (const auto& existing : ra.vars.items) {
        if (existing.StrAt({"name"}) == name) Fail(Where("vars") + ": var '" + name + "' already encountered");
      }
      ra.vars.items.push_back(v);
    }
  }
  if (ra.res.size() > options_.max_resources) Fail(file_ + ": too many resources");
}

void Target::AccumulateResources(Accumulator& ra) {
  for (const auto& path : StringList(k_.Get("resources"), Where("resources"))) {
    if (Loader::IsRemote(path) || loader_.IsDir(path)) {
      Target sub(loader_.Sub(path), options_, false);
      sub.Load();
      Accumulator sub_ra;
      sub_ra.schema = ra.schema;
      sub.AccumulateInto(sub_ra);
      AppendAll(ra.res, std::move(sub_ra.res), file_);
      ra.config.Merge(sub_ra.config);
      for (auto& v : sub_ra.vars.items) {
        for (const auto& existing : ra.vars.items) {
          if (existing.StrAt({"name"}) == v.StrAt({"name"}))
            Fail(Where("vars") + ": var '" + v.StrAt({"name"}) + "' already encountered");
        }
        ra.vars.items.push_back(std::move(v));
      }
      if (sub_ra.schema) ra.schema = sub_ra.schema;
      continue;
    }
    std::string text = loader_.ReadFile(path);
    std::string abs = loader_.Resolve(path);
    ResList parsed = ParseResources(text, abs);
    std::string origin = "path: " + loader_.RelativeToTop(abs) + "\n";
    for (auto& r : parsed) r.origin = origin;
    AppendAll(ra.res, std::move(parsed), abs);
  }
}

void Target::AccumulateComponents(Accumulator& ra) {
  for (const auto& path : StringList(k_.Get("components"), Where("components"))) {
    if (!Loader::IsRemote(path) && !loader_.IsDir(path)) {
      Fail(Where("components") + ": '" + path + "' must be a directory holding a Component");
    }
    Target sub(loader_.Sub(path), options_, true);
    sub.Load();
    sub.AccumulateInto(ra);
  }
}

}  // namespace capstan::kustomize
