// Patch application (kustomize's PatchTransformer, PatchStrategicMerge-
// Transformer and PatchJson6902Transformer share this).
#include "kustomize/patches.h"

#include "resource/patch.h"
#include "yaml/yaml.h"

namespace capstan::kustomize {

Patch ParsePatch(const std::string& text, const std::string& source) {
  Patch p;
  p.source = source;
  std::vector<Node> docs;
  try {
    docs = yaml::ParseAll(text, source);
  } catch (const yaml::ParseError& e) {
    Fail(e.what());
  }
  if (docs.size() == 1 && docs[0].IsSeq()) {
    p.is_json6902 = true;
    p.ops = docs[0];
    for (const auto& op : p.ops.items) {
      if (!op.IsMap() || !op.Has("op")) Fail(source + ": JSON patch operation must be a mapping with an 'op' field");
    }
    return p;
  }
  for (auto& d : docs) {
    if (d.IsNull()) continue;
    if (!d.IsMap()) Fail(source + ": patch must be a mapping or a list of JSON patch operations");
    p.smp.push_back(std::move(d));
  }
  if (p.smp.empty()) Fail(source + ": patch is empty");
  return p;
}

namespace {

bool IsDeletePatch(const Node& patch) {
  const Node* d = patch.Get("$patch");
  return d && d->IsScalar() && d->value == "delete";
}

// Applies one SMP document; false when the resource was deleted.
bool ApplySmp(Resource& r, const Node& patch, const PatchOptions& opt, const resource::Schema& schema,
              const std::string& source) {
  if (IsDeletePatch(patch)) return false;
  std::string name = r.Name(), ns = r.Namespace(), kind = r.Kind();
  Node p = patch;
  // The patch never changes the target's apiVersion.
  if (const Node* api = r.obj.Get("apiVersion")) p.Set("apiVersion", *api);
  if (opt.allow_name_change || opt.allow_kind_change) r.StorePreviousId();
  Node out;
  try {
    out = resource::ApplyStrategicMergePatch(r.obj, p, schema);
  } catch (const std::exception& e) {
    Fail(source + ": patch of " + IdString(r.CurId()) + ": " + e.what());
  }
  if (out.IsNull() || (out.IsMap() && out.fields.empty())) return false;
  r.obj = std::move(out);
  if (!opt.allow_kind_change) r.obj.Set("kind", Str(kind));
  if (!opt.allow_name_change) r.SetName(name);
  r.SetNamespace(ns);
  return true;
}

void ApplyJson(Resource& r, const Node& ops, const std::string& source) {
  try {
    r.obj = resource::ApplyJsonPatchKustomize(r.obj, ops);
  } catch (const std::exception& e) {
    Fail(source + ": JSON patch of " + IdString(r.CurId()) + ": " + e.what());
  }
}

ResId PatchId(const Node& patch) {
  Resource tmp;
  tmp.obj = patch;
  return tmp.CurId();
}

}  // namespace

void ApplyPatch(ResList& res, const Patch& patch, const Selector* target,
                const PatchOptions& options, const resource::Schema& schema) {
  if (target) {
    std::vector<size_t> idx = Select(res, *target);
    std::vector<bool> drop(res.size(), false);
    for (size_t i : idx) {
      if (patch.is_json6902) {
        res[i].StorePreviousId();  // a JSON patch may rename
        ApplyJson(res[i], patch.ops, patch.source);
        continue;
      }
      for (const auto& doc : patch.smp) {
        if (!ApplySmp(res[i], doc, options, schema, patch.source)) {
          drop[i] = true;
          break;
        }
      }
    }
    ResList kept;
    for (size_t i = 0; i < res.size(); ++i)
      if (!drop[i]) kept.push_back(std::move(res[i]));
    res = std::move(kept);
    return;
  }
  if (patch.is_json6902) Fail(patch.source + ": a JSON 6902 patch needs a target");
  for (const auto& doc : patch.smp) {
    ResId want = PatchId(doc);
    std::vector<size_t> matches;
    for (size_t i = 0; i < res.size(); ++i) {
      for (const auto& id : res[i].AllIds()) {
        if (IdEquals(id, want)) {
          matches.push_back(i);
          break;
        }
      }
    }
    if (matches.empty()) {
      Fail(patch.source + ": no resource matches strategic merge patch \"" + IdString(want) + "\"");
    }
    if (matches.size() > 1) {
      Fail(patch.source + ": multiple resources match strategic merge patch \"" + IdString(want) + "\"");
    }
    if (!ApplySmp(res[matches[0]], doc, options, schema, patch.source)) {
      res.erase(res.begin() + static_cast<long>(matches[0]));
    }
  }
}

}  // namespace capstan::kustomize
