// The generator and transformer stages of a kustomization, as kustomize's
// kusttarget_configplugin.go runs them: each kustomization field is turned
// into configs of one builtin plugin (kFieldPlugins, in kustomize's order),
// and those configs, like the entries of `generators:` and `transformers:`
// (apiVersion: builtin), run through the one table of builtin plugins
// (Builtins()). Other plugins are rejected.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "kustomize/helm_charts.h"
#include "kustomize/generators.h"
#include "kustomize/patches.h"
#include "kustomize/resources.h"
#include "kustomize/target.h"
#include "yaml/yaml.h"

namespace capstan::kustomize {

namespace {

PatchOptions ParsePatchOptions(const Node* n) {
  PatchOptions o;
  if (n && n->IsMap()) {
    if (const Node* v = n->Get("allowNameChange")) o.allow_name_change = v->value == "true";
    if (const Node* v = n->Get("allowKindChange")) o.allow_kind_change = v->value == "true";
  }
  return o;
}

ImageSpec ParseImage(const Node& n) {
  ImageSpec s;
  s.name = n.StrAt({"name"});
  s.new_name = n.StrAt({"newName"});
  s.new_tag = n.StrAt({"newTag"});
  s.digest = n.StrAt({"digest"});
  return s;
}

const resource::Schema& SchemaOf(const Accumulator& ra) {
  return ra.schema ? *ra.schema : resource::Schema::BuiltIn();
}

bool LooksInline(const std::string& s) { return s.find('\n') != std::string::npos || s.find(": ") != std::string::npos; }

}  // namespace

// patches: entries {path|patch, target, options}.
static void RunPatches(Accumulator& ra, const Node* patches, const Loader& loader, const std::string& where) {
  if (!patches || patches->IsNull()) return;
  if (!patches->IsSeq()) Fail(where + ": expected a list");
  for (const auto& p : patches->items) {
    if (!p.IsMap()) Fail(where + ": each patch must be a mapping");
    std::string path = p.StrAt({"path"}), inline_patch = p.StrAt({"patch"});
    if (path.empty() == inline_patch.empty()) {
      Fail(where + ": patch must set exactly one of 'path' and 'patch'");
    }
    Patch patch = path.empty() ? ParsePatch(inline_patch, where + ": inline patch")
                               : ParsePatch(loader.ReadFile(path), loader.Resolve(path));
    const Node* t = p.Get("target");
    Selector sel;
    if (t && t->IsMap()) sel = ParseSelector(*t);
    ApplyPatch(ra.res, patch, t && t->IsMap() ? &sel : nullptr, ParsePatchOptions(p.Get("options")),
               SchemaOf(ra));
  }
}

static void RunPatchesStrategicMerge(Accumulator& ra, const Node* list, const Loader& loader,
                                     const std::string& where) {
  if (!list || list->IsNull()) return;
  if (!list->IsSeq()) Fail(where + ": expected a list");
  for (const auto& item : list->items) {
    std::string s = ScalarText(item);
    Patch patch;
    if (item.IsMap()) {
      patch.smp.push_back(item);
      patch.source = where;
    } else if (LooksInline(s)) {
      patch = ParsePatch(s, where + ": inline patch");
    } else {
      patch = ParsePatch(loader.ReadFile(s), loader.Resolve(s));
    }
    if (patch.is_json6902) Fail(patch.source + ": patchesStrategicMerge entry is a JSON 6902 patch");
    ApplyPatch(ra.res, patch, nullptr, {}, SchemaOf(ra));
  }
}

static void RunPatchesJson6902(Accumulator& ra, const Node* list, const Loader& loader,
                               const std::string& where) {
  if (!list || list->IsNull()) return;
  if (!list->IsSeq()) Fail(where + ": expected a list");
  for (const auto& p : list->items) {
    const Node* t = p.Get("target");
    if (!t || !t->IsMap()) Fail(where + ": each entry needs a target");
    Selector sel = ParseSelector(*t);
    std::string path = p.StrAt({"path"}), inline_patch = p.StrAt({"patch"});
    if (path.empty() == inline_patch.empty()) Fail(where + ": set exactly one of 'path' and 'patch'");
    Patch patch = path.empty() ? ParsePatch(inline_patch, where + ": inline patch")
                               : ParsePatch(loader.ReadFile(path), loader.Resolve(path));
    if (!patch.is_json6902) {
      // A JSON patch file that holds a single operation mapping is not a list.
      Fail(patch.source + ": expected a list of JSON 6902 operations");
    }
    ApplyPatch(ra.res, patch, &sel, {}, SchemaOf(ra));
  }
}


namespace {

// Where a plugin config came from: the prefix of messages, and the
// origin annotations kustomize writes (configured-in file, plugin id).
struct Site {
  std::string where;
  std::string in;
  std::string api = "builtin", name, ns;
  const Node* generator_options = nullptr;  // kustomization's generatorOptions
};

// What a builtin plugin runs against.
struct PluginEnv {
  Accumulator& ra;
  const Loader& loader;
  const std::string& file;  // kustomization file
};

using PluginFn = void (*)(PluginEnv& env, const std::string& kind, const Node& c, const FsSlice& fss,
                          const Site& site);

Node AllReplacements(const Node* reps, const Loader& loader) {
  Node all = Node::Seq();
  if (!reps || !reps->IsSeq()) return all;
  for (const auto& r : reps->items) {
    if (!r.Has("path")) {
      all.items.push_back(r);
      continue;
    }
    std::string path = r.StrAt({"path"});
    for (auto& d : yaml::ParseAll(loader.ReadFile(path), loader.Resolve(path))) {
      if (d.IsSeq()) {
        for (auto& x : d.items) all.items.push_back(x);
      } else {
        all.items.push_back(d);
      }
    }
  }
  return all;
}

void RunGenerator(PluginEnv& env, const std::string& kind, const Node& c, const FsSlice&, const Site& site) {
  Node args = c;
  if (const Node* md = c.Get("metadata"); md && md->IsMap()) {  // a `generators:` config
    if (!args.Has("name")) args.Set("name", Str(site.name));
    if (!site.ns.empty()) args.Set("namespace", Str(site.ns));
  }
  GeneratorContext ctx{env.loader, site.generator_options, env.file};
  Resource r = kind == "ConfigMapGenerator" ? GenerateConfigMap(ctx, args) : GenerateSecret(ctx, args);
  r.origin = ConfiguredOrigin(site.in, site.api, kind, site.name, site.ns);
  AbsorbGenerated(env.ra.res, std::move(r), site.where);
}

void RunIamPolicyGenerator(PluginEnv& env, const std::string& kind, const Node& c, const FsSlice&, const Site& site) {
  if (c.StrAt({"cloud"}) != "gke") Fail(site.where + ": cloud: only gke is supported");
  Resource r;
  r.obj = Node::Map();
  r.obj.Set("apiVersion", Str("v1"));
  r.obj.Set("kind", Str("ServiceAccount"));
  Node& md = r.obj.GetOrCreateMap("metadata");
  md.Set("name", Str(c.StrAt({"kubernetesService", "name"})));
  if (std::string ns = c.StrAt({"kubernetesService", "namespace"}); !ns.empty()) md.Set("namespace", Str(ns));
  md.GetOrCreateMap("annotations")
      .Set("iam.gke.io/gcp-service-account",
           Str(c.StrAt({"serviceAccount", "name"}) + "@" + c.StrAt({"serviceAccount", "projectId"}) +
               ".iam.gserviceaccount.com"));
  r.origin = ConfiguredOrigin(site.in, site.api, kind, site.name, site.ns);
  AppendResource(env.ra.res, std::move(r), site.where);
}

void RunPrefixSuffix(PluginEnv& env, const std::string&, const Node& c, const FsSlice& fss, const Site&) {
  TransformPrefixSuffix(env.ra.res, c.StrAt({"prefix"}), c.StrAt({"suffix"}), fss);
}

void RunNamespace(PluginEnv& env, const std::string&, const Node& c, const FsSlice& fss, const Site&) {
  TransformNamespace(env.ra.res, c.StrAt({"metadata", "namespace"}), fss, c.StrAt({"unsetOnly"}) == "true");
}

void RunLabels(PluginEnv& env, const std::string&, const Node& c, const FsSlice& fss, const Site&) {
  if (const Node* l = c.Get("labels")) TransformLabels(env.ra.res, *l, fss);
}

void RunAnnotations(PluginEnv& env, const std::string&, const Node& c, const FsSlice& fss, const Site&) {
  if (const Node* a = c.Get("annotations")) TransformAnnotations(env.ra.res, *a, fss);
}

void RunImageTag(PluginEnv& env, const std::string&, const Node& c, const FsSlice& fss, const Site&) {
  if (const Node* i = c.Get("imageTag")) TransformImages(env.ra.res, {ParseImage(*i)}, fss);
}

void RunReplicaCount(PluginEnv& env, const std::string&, const Node& c, const FsSlice& fss, const Site& site) {
  const Node* r = c.Get("replica");
  if (!r) Fail(site.where + ": missing replica");
  TransformReplicas(env.ra.res, r->StrAt({"name"}), r->Get("count") ? r->Get("count")->AsInt() : 0, fss);
}

void RunPatch(PluginEnv& env, const std::string&, const Node& c, const FsSlice&, const Site& site) {
  Node p = Node::Map();
  for (const char* f : {"path", "patch", "target", "options"})
    if (const Node* v = c.Get(f)) p.Set(f, *v);
  Node list = Node::Seq();
  list.items.push_back(p);
  RunPatches(env.ra, &list, env.loader, site.where);
}

void RunPatchJson6902(PluginEnv& env, const std::string&, const Node& c, const FsSlice&, const Site& site) {
  Node p = Node::Map();
  if (const Node* t = c.Get("target")) p.Set("target", *t);
  if (const Node* v = c.Get("path")) p.Set("path", *v);
  if (const Node* v = c.Get("jsonOp")) p.Set("patch", *v);
  Node list = Node::Seq();
  list.items.push_back(p);
  RunPatchesJson6902(env.ra, &list, env.loader, site.where);
}

void RunPatchStrategicMerge(PluginEnv& env, const std::string&, const Node& c, const FsSlice&, const Site& site) {
  Node list = Node::Seq();
  if (const Node* paths = c.Get("paths"); paths && paths->IsSeq())
    for (const auto& x : paths->items) list.items.push_back(x);
  if (const Node* patches = c.Get("patches")) {
    if (patches->IsScalar()) {
      list.items.push_back(*patches);
    } else if (patches->IsSeq()) {
      for (const auto& x : patches->items) list.items.push_back(x);
    }
  }
  RunPatchesStrategicMerge(env.ra, &list, env.loader, site.where);
}

void RunReplacement(PluginEnv& env, const std::string&, const Node& c, const FsSlice&, const Site& site) {
  ApplyReplacements(env.ra.res, AllReplacements(c.Get("replacements"), env.loader), site.where);
}

struct Builtin {
  PluginFn run;
  bool generator;
};

// kustomize's builtin plugins (api/internal/builtins), by kind.
const std::map<std::string, Builtin, std::less<>>& Builtins() {
  static const std::map<std::string, Builtin, std::less<>> kBuiltins = {
      {"ConfigMapGenerator", {RunGenerator, true}},
      {"SecretGenerator", {RunGenerator, true}},
      {"IAMPolicyGenerator", {RunIamPolicyGenerator, true}},
      {"PrefixSuffixTransformer", {RunPrefixSuffix, false}},
      {"PrefixTransformer", {RunPrefixSuffix, false}},
      {"SuffixTransformer", {RunPrefixSuffix, false}},
      {"NamespaceTransformer", {RunNamespace, false}},
      {"LabelTransformer", {RunLabels, false}},
      {"AnnotationsTransformer", {RunAnnotations, false}},
      {"ImageTagTransformer", {RunImageTag, false}},
      {"ReplicaCountTransformer", {RunReplicaCount, false}},
      {"PatchTransformer", {RunPatch, false}},
      {"PatchJson6902Transformer", {RunPatchJson6902, false}},
      {"PatchStrategicMergeTransformer", {RunPatchStrategicMerge, false}},
      {"ReplacementTransformer", {RunReplacement, false}},
  };
  return kBuiltins;
}

// One run of a builtin plugin a kustomization field asks for.
struct PluginRun {
  Node config;
  FsSlice fss;
};

using Configurator = std::vector<PluginRun> (*)(const Node& value, const TransformerConfig& tc,
                                                const std::string& where);

bool NonEmptySeq(const Node& v) { return v.IsSeq() && !v.items.empty(); }

Node With(std::initializer_list<std::pair<const char*, Node>> fields) {
  Node n = Node::Map();
  for (const auto& [k, v] : fields) n.Set(k, v);
  return n;
}

// One config per list entry, the entry under `key` (or as the config itself).
std::vector<PluginRun> PerEntry(const Node& value, const char* key, const FsSlice& fss) {
  std::vector<PluginRun> runs;
  if (!value.IsSeq()) return runs;
  for (const auto& e : value.items) runs.push_back({key ? With({{key, e}}) : e, fss});
  return runs;
}

std::vector<PluginRun> GeneratorEntries(const Node& v, const TransformerConfig&, const std::string&) {
  return PerEntry(v, nullptr, {});
}

std::vector<PluginRun> PatchesStrategicMerge(const Node& v, const TransformerConfig&, const std::string&) {
  if (!NonEmptySeq(v)) return {};
  return {{With({{"patches", v}}), {}}};
}

std::vector<PluginRun> Patches(const Node& v, const TransformerConfig&, const std::string&) {
  return PerEntry(v, nullptr, {});
}

std::vector<PluginRun> Namespace(const Node& v, const TransformerConfig& tc, const std::string&) {
  if (!v.IsScalar() || v.value.empty()) return {};
  return {{With({{"metadata", With({{"namespace", v}})}}), tc.name_space}};
}

std::vector<PluginRun> NamePrefix(const Node& v, const TransformerConfig& tc, const std::string&) {
  if (!v.IsScalar() || v.value.empty()) return {};
  return {{With({{"prefix", v}}), tc.name_prefix}};
}

std::vector<PluginRun> NameSuffix(const Node& v, const TransformerConfig& tc, const std::string&) {
  if (!v.IsScalar() || v.value.empty()) return {};
  return {{With({{"suffix", v}}), tc.name_suffix}};
}

// labels: entries {pairs, includeSelectors, includeTemplates, fields}.
std::vector<PluginRun> Labels(const Node& v, const TransformerConfig& tc, const std::string& where) {
  std::vector<PluginRun> runs;
  if (!v.IsSeq()) return runs;
  for (const auto& l : v.items) {
    FsSlice fss = ParseFsSlice(l.Get("fields"), where);
    auto merge = [&](const FsSlice& more) {
      for (const auto& fs : more)
        if (std::find(fss.begin(), fss.end(), fs) == fss.end()) fss.push_back(fs);
    };
    if (l.StrAt({"includeSelectors"}) == "true") {
      merge(tc.common_labels);
    } else {
      merge({FieldSpec{{}, "metadata/labels", true}});
      if (l.StrAt({"includeTemplates"}) == "true") merge(tc.template_labels);
    }
    merge(tc.labels);
    Node config = Node::Map();
    if (const Node* pairs = l.Get("pairs")) config.Set("labels", *pairs);
    runs.push_back({std::move(config), std::move(fss)});
  }
  return runs;
}

std::vector<PluginRun> CommonLabels(const Node& v, const TransformerConfig& tc, const std::string&) {
  if (!v.size()) return {};
  return {{With({{"labels", v}}), tc.common_labels}};
}

std::vector<PluginRun> CommonAnnotations(const Node& v, const TransformerConfig& tc, const std::string&) {
  if (!v.size()) return {};
  return {{With({{"annotations", v}}), tc.common_annotations}};
}

// patchesJson6902 entries spell the operations `patch`; the plugin `jsonOp`.
std::vector<PluginRun> PatchesJson6902(const Node& v, const TransformerConfig&, const std::string&) {
  std::vector<PluginRun> runs = PerEntry(v, nullptr, {});
  for (auto& r : runs) {
    if (!r.config.IsMap()) continue;
    if (const Node* p = r.config.Get("patch")) {
      Node op = *p;
      r.config.Remove("patch");
      r.config.Set("jsonOp", std::move(op));
    }
  }
  return runs;
}

std::vector<PluginRun> Replicas(const Node& v, const TransformerConfig& tc, const std::string& where) {
  if (v.IsSeq()) {
    for (const auto& r : v.items) {
      const Node* c = r.Get("count");
      if (!c || !c->IsInt()) Fail(where + ": count of '" + r.StrAt({"name"}) + "' must be an integer");
    }
  }
  return PerEntry(v, "replica", tc.replicas);
}

std::vector<PluginRun> Images(const Node& v, const TransformerConfig& tc, const std::string&) {
  return PerEntry(v, "imageTag", tc.images);
}

std::vector<PluginRun> Replacements(const Node& v, const TransformerConfig&, const std::string&) {
  if (!NonEmptySeq(v)) return {};
  return {{With({{"replacements", v}}), {}}};
}

// Kustomization field -> builtin plugin, in the order kustomize runs them.
struct FieldPlugin {
  const char* field;
  const char* kind;
  Configurator configure;
};

const FieldPlugin kGeneratorFields[] = {
    {"configMapGenerator", "ConfigMapGenerator", GeneratorEntries},
    {"secretGenerator", "SecretGenerator", GeneratorEntries},
};

const FieldPlugin kTransformerFields[] = {
    {"patchesStrategicMerge", "PatchStrategicMergeTransformer", PatchesStrategicMerge},
    {"patches", "PatchTransformer", Patches},
    {"namespace", "NamespaceTransformer", Namespace},
    {"namePrefix", "PrefixTransformer", NamePrefix},
    {"nameSuffix", "SuffixTransformer", NameSuffix},
    {"labels", "LabelTransformer", Labels},
    {"commonLabels", "LabelTransformer", CommonLabels},
    {"commonAnnotations", "AnnotationsTransformer", CommonAnnotations},
    {"patchesJson6902", "PatchJson6902Transformer", PatchesJson6902},
    {"replicas", "ReplicaCountTransformer", Replicas},
    {"images", "ImageTagTransformer", Images},
    {"replacements", "ReplacementTransformer", Replacements},
};

}  // namespace

void Target::RunGenerators(Accumulator& ra) {
  PluginEnv env{ra, loader_, file_};
  std::string in = loader_.RelativeToTop(file_);
  for (const FieldPlugin& f : kGeneratorFields) {
    const Node* value = k_.Get(f.field);
    if (!value) continue;
    Site site;
    site.where = file_;
    site.in = in;
    site.generator_options = k_.Get("generatorOptions");
    for (const PluginRun& run : f.configure(*value, ra.config, Where(f.field)))
      Builtins().at(f.kind).run(env, f.kind, run.config, run.fss, site);
  }
  // HelmChartInflationGenerator comes after ConfigMap/Secret generators.
  InflateHelmCharts(ra, loader_, k_, file_);
  RunGeneratorConfigs(ra);
}

void Target::RunTransformers(Accumulator& ra) {
  PluginEnv env{ra, loader_, file_};
  std::string in = loader_.RelativeToTop(file_);
  for (const FieldPlugin& f : kTransformerFields) {
    const Node* value = k_.Get(f.field);
    if (!value) continue;
    Site site;
    site.where = Where(f.field);
    site.in = in;
    for (const PluginRun& run : f.configure(*value, ra.config, Where(f.field))) {
      Builtins().at(f.kind).run(env, f.kind, run.config, run.fss, site);
      RecordTransformation(ra.res, in, "builtin", f.kind, "", "");
    }
  }
  RunTransformerConfigs(ra);
}

std::vector<std::pair<Node, std::string>> Target::LoadPluginConfigs(const std::string& field) {
  std::vector<std::pair<Node, std::string>> out;
  std::string in = loader_.RelativeToTop(file_);
  const Node* list = k_.Get(field);
  if (!list || list->IsNull()) return out;
  if (!list->IsSeq()) Fail(Where(field) + ": expected a list");
  for (const auto& item : list->items) {
    if (item.IsMap()) {
      out.emplace_back(item, in);
      continue;
    }
    std::string s = ScalarText(item);
    if (Loader::IsRemote(s)) Fail(Where(field) + ": remote plugin '" + s + "' not supported");
    if (LooksInline(s)) {
      for (auto& d : yaml::ParseAll(s, Where(field))) out.emplace_back(std::move(d), in);
    } else if (loader_.IsDir(s)) {
      Target sub(loader_.Sub(s), options_, false);
      sub.Load();
      Accumulator sub_ra;
      sub.AccumulateInto(sub_ra);
      for (auto& r : sub_ra.res) out.emplace_back(std::move(r.obj), loader_.RelativeToTop(sub.file()));
    } else {
      for (auto& d : yaml::ParseAll(loader_.ReadFile(s), loader_.Resolve(s)))
        out.emplace_back(std::move(d), loader_.RelativeToTop(loader_.Resolve(s)));
    }
  }
  return out;
}

void Target::RunTransformerConfigs(Accumulator& ra) {
  for (const auto& [c, in] : LoadPluginConfigs("transformers")) {
    ApplyPluginConfig(ra, c, Where("transformers"), false, in);
    RecordTransformation(ra.res, in, c.StrAt({"apiVersion"}), c.StrAt({"kind"}), c.StrAt({"metadata", "name"}),
                         c.StrAt({"metadata", "namespace"}));
  }
}

void Target::RunGeneratorConfigs(Accumulator& ra) {
  for (const auto& [c, in] : LoadPluginConfigs("generators")) ApplyPluginConfig(ra, c, Where("generators"), true, in);
}

void Target::ApplyPluginConfig(Accumulator& ra, const Node& c, const std::string& where, bool generator,
                               const std::string& configured_in) {
  if (!c.IsMap()) Fail(where + ": plugin config must be a mapping");
  std::string api = c.StrAt({"apiVersion"}), kind = c.StrAt({"kind"});
  std::string name = c.StrAt({"metadata", "name"});
  std::string at = where + ": " + kind + " '" + name + "'";
  if (api != "builtin") Fail(at + ": plugin " + api + "/" + kind + " not supported (only builtin plugins)");
  FsSlice fss = ParseFsSlice(c.Get("fieldSpecs"), at);
  auto it = Builtins().find(kind);
  if (it == Builtins().end() || (generator && !it->second.generator))
    Fail(at + ": " + (generator ? "generator" : "transformer") + " plugin " + kind + " not supported");
  Site site{at, configured_in, api, name, c.StrAt({"metadata", "namespace"})};
  PluginEnv env{ra, loader_, file_};
  it->second.run(env, kind, c, fss, site);
}

}  // namespace capstan::kustomize
