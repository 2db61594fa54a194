// Diff(): normalization, choice of mode, prediction, comparison, rendering.
#include "diff/diff.h"

#include <cctype>
#include <string>

#include "diff/ignore.h"
#include "diff/known_types.h"
#include "diff/mask.h"
#include "diff/normalize.h"
#include "diff/predict.h"
#include "diff/unified.h"
#include "diff/value.h"
#include "resource/defaults.h"
#include "yaml/yaml.h"

namespace capstan::diff {

using yaml::Node;

namespace {

constexpr std::string_view kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";
constexpr std::string_view kSyncOptions = "argocd.argoproj.io/sync-options";

bool Absent(const Node* n) { return !n || n->IsNull() || (n->IsScalar() && n->tag == yaml::kNullTag); }

void Prepare(Node& obj, const Options& options, const Node* managed_fields, bool remarshal,
             std::string_view namespace_hint) {
  if (remarshal) Remarshal(obj);
  NormalizeKnown(obj, options.ignore_aggregated_roles);
  if (!options.ignore_differences.empty())
    ApplyIgnoreDifferences(obj, options.ignore_differences, managed_fields, namespace_hint);
}

bool WantsServerSideApply(const Node& config) {
  const Node* v = config.At({"metadata", "annotations"});
  v = v ? v->Get(kSyncOptions) : nullptr;
  if (!v || !v->IsString()) return false;
  std::string_view s = v->value;
  size_t start = 0;
  for (;;) {
    size_t comma = s.find(',', start);
    std::string_view item = s.substr(start, comma == std::string_view::npos ? comma : comma - start);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
    if (item == "ServerSideApply=true") return true;
    if (comma == std::string_view::npos) return false;
    start = comma + 1;
  }
}

// The last-applied object, when the annotation parses as a JSON object with
// a kind; nullopt otherwise (two-way diff).
bool LastApplied(const Node& live, Node* out) {
  const Node* ann = live.At({"metadata", "annotations"});
  const Node* v = ann ? ann->Get(kLastApplied) : nullptr;
  if (!v || !v->IsString()) return false;
  try {
    *out = yaml::ParseJson(v->value, "last-applied-configuration");
  } catch (const std::exception&) {
    return false;
  }
  if (!out->IsMap() || !out->Get("kind")) return false;
  Canonicalize(*out);
  return true;
}

// removeNamespaceAnnotation: metadata.namespace and a null/empty annotations
// map are not compared.
void RemoveNamespaceAnnotation(Node& obj) {
  Node* meta = obj.Get("metadata");
  if (!meta || !meta->IsMap()) return;
  meta->Remove("namespace");
  if (const Node* ann = meta->Get("annotations")) {
    if (TypeOf(*ann) == JType::kNull || (ann->IsMap() && ann->fields.empty())) meta->Remove("annotations");
  }
}

void Render(DiffResult& r, Node* orig, const Options& options) {
  MaskSecrets(r.normalized_desired.IsNull() ? nullptr : &r.normalized_desired,
              r.normalized_live.IsNull() ? nullptr : &r.normalized_live, orig);
  if (!r.modified) return;
  std::string live_text = r.normalized_live.IsNull() ? "" : yaml::EmitYaml(r.normalized_live);
  std::string desired_text = r.normalized_desired.IsNull() ? "" : yaml::EmitYaml(r.normalized_desired);
  r.unified = UnifiedDiff(live_text, desired_text, "live", "desired", options.context_lines);
}

}  // namespace

DiffResult Diff(const Node* desired, const Node* live, const Options& options) {
  bool no_desired = Absent(desired), no_live = Absent(live);
  if (no_desired && no_live) throw DiffError("diff: both the desired and the live object are absent");
  if (!no_desired && !desired->IsMap()) throw DiffError("diff: the desired object is not a mapping");
  if (!no_live && !live->IsMap()) throw DiffError("diff: the live object is not a mapping");

  const Node* managed = no_live ? nullptr : live->At({"metadata", "managedFields"});
  Node managed_copy = managed ? *managed : Node::Null();
  if (managed) Canonicalize(managed_copy);
  const Node* mf = managed ? &managed_copy : nullptr;

  // Rendered objects often leave the namespace to the destination: rules
  // naming a namespace then match by the live object's namespace.
  std::string ns_hint = no_live ? std::string() : live->StrAt({"metadata", "namespace"});
  DiffResult r;
  Node config, cur;
  if (!no_desired) {
    config = *desired;
    Prepare(config, options, mf, true, ns_hint);
  }
  if (!no_live) {
    cur = *live;
    Prepare(cur, options, mf, true, ns_hint);
  }
  if (no_live) {
    r.mode = "create";
    r.modified = true;
    r.normalized_desired = std::move(config);
    Render(r, nullptr, options);
    return r;
  }
  if (no_desired) {
    r.mode = "delete";
    r.modified = false;
    r.normalized_live = std::move(cur);
    Render(r, nullptr, options);
    return r;
  }

  Gvk config_gvk = Gvk::Of(config);
  Node orig;
  bool three_way = false;
  if (WantsServerSideApply(config)) {
    // Structured-merge path: config's fields override live's, nothing is
    // removed, no client-side defaulting.
    r.mode = "server-side-apply";
    RemoveNamespaceAnnotation(config);
    Node predicted = PredictStrategic(nullptr, config, cur, IsKnownKind(config_gvk) ? config_gvk : Gvk{});
    r.modified = !JsonEqual(predicted, cur);
    r.normalized_desired = std::move(predicted);
    r.normalized_live = std::move(cur);
    Render(r, nullptr, options);
    return r;
  }
  if (LastApplied(cur, &orig)) {
    Prepare(orig, options, mf, false, ns_hint);
    three_way = true;
  }
  r.mode = three_way ? "three-way" : "two-way";
  // Two-way is three-way with the desired object as last-applied.
  RemoveNamespaceAnnotation(config);
  if (three_way) RemoveNamespaceAnnotation(orig);
  const Node& o = three_way ? orig : config;

  Gvk gvk = Gvk::Of(o);
  Node predicted;
  if (IsKnownKind(gvk)) {
    predicted = PredictStrategic(&o, config, cur, gvk);
    if (DecodesLeniently(predicted, gvk)) resource::ApplyDefaults(predicted, gvk);
    if (DecodesLeniently(cur, gvk)) resource::ApplyDefaults(cur, gvk);
  } else {
    predicted = PredictJsonMerge(o, config, cur);
  }
  r.modified = !JsonEqual(predicted, cur);
  r.normalized_desired = std::move(predicted);
  r.normalized_live = std::move(cur);
  Render(r, three_way ? &orig : nullptr, options);
  return r;
}

}  // namespace capstan::diff
