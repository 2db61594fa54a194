// The transformer stage of a kustomization: the builtin transformers in
// kustomize's fixed order, then the `transformers:` configs, and the
// `generators:` configs of the generator stage. Builtin plugin configs
// (apiVersion: builtin) map onto the same filters; other plugins are
// rejected.
#include <set>

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

void Target::RunTransformers(Accumulator& ra) {
  const TransformerConfig& tc = ra.config;
  std::string in = loader_.RelativeToTop(file_);
  auto record = [&](const char* kind) { RecordTransformation(ra.res, in, "builtin", kind, "", ""); };
  auto count = [&](const char* field) {
    const Node* n = k_.Get(field);
    return n && n->IsSeq() ? n->items.size() : 0;
  };
  if (count("patchesStrategicMerge")) {
    RunPatchesStrategicMerge(ra, k_.Get("patchesStrategicMerge"), loader_, Where("patchesStrategicMerge"));
    record("PatchStrategicMergeTransformer");
  }
  if (const Node* patches = k_.Get("patches"); patches && patches->IsSeq()) {
    for (const auto& p : patches->items) {
      Node one = Node::Seq();
      one.items.push_back(p);
      RunPatches(ra, &one, loader_, Where("patches"));
      record("PatchTransformer");
    }
  }
  if (std::string ns = k_.StrAt({"namespace"}); !ns.empty()) {
    TransformNamespace(ra.res, ns, tc.name_space);
    record("NamespaceTransformer");
  }
  if (std::string prefix = k_.StrAt({"namePrefix"}); !prefix.empty()) {
    TransformPrefixSuffix(ra.res, prefix, "", tc.name_prefix);
    record("PrefixTransformer");
  }
  if (std::string suffix = k_.StrAt({"nameSuffix"}); !suffix.empty()) {
    TransformPrefixSuffix(ra.res, "", suffix, tc.name_suffix);
    record("SuffixTransformer");
  }
  if (const Node* labels = k_.Get("labels"); labels && labels->IsSeq()) {
    for (const auto& l : labels->items) {
      FsSlice fss = ParseFsSlice(l.Get("fields"), Where("labels"));
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
      if (const Node* pairs = l.Get("pairs")) TransformLabels(ra.res, *pairs, fss);
      record("LabelTransformer");
    }
  }
  if (const Node* cl = k_.Get("commonLabels"); cl && cl->size()) {
    TransformLabels(ra.res, *cl, tc.common_labels);
    record("LabelTransformer");
  }
  if (const Node* ca = k_.Get("commonAnnotations"); ca && ca->size()) {
    TransformAnnotations(ra.res, *ca, tc.common_annotations);
    record("AnnotationsTransformer");
  }
  if (const Node* pj = k_.Get("patchesJson6902"); pj && pj->IsSeq()) {
    for (const auto& p : pj->items) {
      Node one = Node::Seq();
      one.items.push_back(p);
      RunPatchesJson6902(ra, &one, loader_, Where("patchesJson6902"));
      record("PatchJson6902Transformer");
    }
  }
  if (const Node* reps = k_.Get("replicas"); reps && reps->IsSeq()) {
    for (const auto& r : reps->items) {
      const Node* c = r.Get("count");
      if (!c || !c->IsInt()) Fail(Where("replicas") + ": count of '" + r.StrAt({"name"}) + "' must be an integer");
      TransformReplicas(ra.res, r.StrAt({"name"}), c->AsInt(), tc.replicas);
      record("ReplicaCountTransformer");
    }
  }
  if (const Node* images = k_.Get("images"); images && images->IsSeq()) {
    for (const auto& i : images->items) {
      TransformImages(ra.res, {ParseImage(i)}, tc.images);
      record("ImageTagTransformer");
    }
  }
  if (const Node* reps = k_.Get("replacements"); reps && reps->IsSeq() && !reps->items.empty()) {
    Node all = Node::Seq();
    for (const auto& r : reps->items) {
      if (r.Has("path")) {
        std::string path = r.StrAt({"path"});
        for (auto& d : yaml::ParseAll(loader_.ReadFile(path), loader_.Resolve(path))) {
          if (d.IsSeq()) {
            for (auto& x : d.items) all.items.push_back(x);
          } else {
            all.items.push_back(d);
          }
        }
      } else {
        all.items.push_back(r);
      }
    }
    ApplyReplacements(ra.res, all, Where("replacements"));
    record("ReplacementTransformer");
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
  if (kind == "ConfigMapGenerator" || kind == "SecretGenerator") {
    Node args = c;
    if (!args.Has("name")) args.Set("name", Str(name));
    if (std::string ns = c.StrAt({"metadata", "namespace"}); !ns.empty()) args.Set("namespace", Str(ns));
    GeneratorContext ctx{loader_, nullptr, file_};
    Resource r = kind == "ConfigMapGenerator" ? GenerateConfigMap(ctx, args) : GenerateSecret(ctx, args);
    r.origin = ConfiguredOrigin(configured_in, api, kind, name, c.StrAt({"metadata", "namespace"}));
    AbsorbGenerated(ra.res, std::move(r), at);
  } else if (kind == "IAMPolicyGenerator") {
    if (c.StrAt({"cloud"}) != "gke") Fail(at + ": cloud: only gke is supported");
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
    r.origin = ConfiguredOrigin(configured_in, api, kind, name, c.StrAt({"metadata", "namespace"}));
    AppendResource(ra.res, std::move(r), at);
  } else if (generator) {
    Fail(at + ": generator plugin " + kind + " not supported");
  } else if (kind == "PrefixSuffixTransformer" || kind == "PrefixTransformer" || kind == "SuffixTransformer") {
    TransformPrefixSuffix(ra.res, c.StrAt({"prefix"}), c.StrAt({"suffix"}), fss);
  } else if (kind == "NamespaceTransformer") {
    TransformNamespace(ra.res, c.StrAt({"metadata", "namespace"}), fss, c.StrAt({"unsetOnly"}) == "true");
  } else if (kind == "LabelTransformer") {
    if (const Node* l = c.Get("labels")) TransformLabels(ra.res, *l, fss);
  } else if (kind == "AnnotationsTransformer") {
    if (const Node* a = c.Get("annotations")) TransformAnnotations(ra.res, *a, fss);
  } else if (kind == "ImageTagTransformer") {
    if (const Node* i = c.Get("imageTag")) TransformImages(ra.res, {ParseImage(*i)}, fss);
  } else if (kind == "ReplicaCountTransformer") {
    const Node* r = c.Get("replica");
    if (!r) Fail(at + ": missing replica");
    TransformReplicas(ra.res, r->StrAt({"name"}), r->Get("count") ? r->Get("count")->AsInt() : 0, fss);
  } else if (kind == "PatchTransformer") {
    Node p = Node::Map();
    for (const char* f : {"path", "patch", "target", "options"})
      if (const Node* v = c.Get(f)) p.Set(f, *v);
    Node list = Node::Seq();
    list.items.push_back(p);
    RunPatches(ra, &list, loader_, at);
  } else if (kind == "PatchJson6902Transformer") {
    Node p = Node::Map();
    if (const Node* t = c.Get("target")) p.Set("target", *t);
    if (const Node* v = c.Get("path")) p.Set("path", *v);
    if (const Node* v = c.Get("jsonOp")) p.Set("patch", *v);
    Node list = Node::Seq();
    list.items.push_back(p);
    RunPatchesJson6902(ra, &list, loader_, at);
  } else if (kind == "PatchStrategicMergeTransformer") {
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
    RunPatchesStrategicMerge(ra, &list, loader_, at);
  } else if (kind == "ReplacementTransformer") {
    Node all = Node::Seq();
    if (const Node* reps = c.Get("replacements"); reps && reps->IsSeq()) {
      for (const auto& r : reps->items) {
        if (r.Has("path")) {
          std::string path = r.StrAt({"path"});
          for (auto& d : yaml::ParseAll(loader_.ReadFile(path), loader_.Resolve(path))) {
            if (d.IsSeq()) {
              for (auto& x : d.items) all.items.push_back(x);
            } else {
              all.items.push_back(d);
            }
          }
        } else {
          all.items.push_back(r);
        }
      }
    }
    ApplyReplacements(ra.res, all, at);
  } else {
    Fail(at + ": transformer plugin " + kind + " not supported");
  }
}

}  // namespace capstan::kustomize
