// Internal model of the renderer: resources with their id history, field
// specs, transformer configuration. Not part of the public API.
#ifndef CAPSTAN_KUSTOMIZE_INTERNAL_H_
#define CAPSTAN_KUSTOMIZE_INTERNAL_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kustomize/kustomize.h"
#include "resource/resource.h"
#include "resource/schema.h"
#include "yaml/node.h"

namespace capstan::kustomize {

using resource::Gvk;
using resource::ResId;
using yaml::Node;

[[noreturn]] void Fail(const std::string& message);

// One object in the build, with the ids it had before renames (namePrefix,
// namespace, hash suffix), which name references and patches match against.
struct Resource {
  Node obj;
  std::vector<ResId> prev_ids;  // oldest first; empty when never renamed
  bool needs_hash = false;      // generated, name gets a content hash
  std::string behavior;         // generator behavior: create|merge|replace
  bool local_config = false;    // config.kubernetes.io/local-config: dropped at the end
  std::vector<std::string> prefixes, suffixes;  // namePrefix/nameSuffix applied, in order
  std::vector<std::string> ref_var_names;       // legacy vars that read from this object
  // buildMetadata: where the object came from and what changed it, as the
  // YAML text of the config.kubernetes.io/origin and
  // alpha.config.kubernetes.io/transformations annotations.
  std::string origin, transformations;

  ResId CurId() const;
  ResId OrgId() const { return prev_ids.empty() ? CurId() : prev_ids.front(); }
  // Cur id then previous ids.
  std::vector<ResId> AllIds() const;
  void StorePreviousId() { prev_ids.push_back(CurId()); }
  std::string Name() const { return obj.StrAt({"metadata", "name"}); }
  std::string Namespace() const { return obj.StrAt({"metadata", "namespace"}); }
  std::string Kind() const { return obj.StrAt({"kind"}); }
  void SetName(const std::string& n);
  void SetNamespace(const std::string& ns);
};

using ResList = std::vector<Resource>;

// "" and "default" are the same namespace for namespaced kinds.
bool NsEquals(const std::string& a, const std::string& b);
bool IdEquals(const ResId& a, const ResId& b);
// A string equal for two ids exactly when IdEquals holds.
std::string IdKey(const ResId& id);
// gvk `want` selects `have`: empty parts match anything.
bool GvkSelects(const Gvk& want, const Gvk& have);
bool IsClusterScoped(const ResId& id);
std::string IdString(const ResId& id);  // for messages: Kind/ns/name

// --- field specs ------------------------------------------------------------

struct FieldSpec {
  Gvk gvk;
  std::string path;
  bool create = false;
  bool operator==(const FieldSpec& o) const {
    return gvk == o.gvk && path == o.path && create == o.create;
  }
};
using FsSlice = std::vector<FieldSpec>;

struct NameRefEntry {  // kind X is referred to by these fields
  Gvk gvk;
  FsSlice referrers;
};

struct TransformerConfig {
  FsSlice name_prefix, name_suffix, name_space, common_labels, template_labels,
      common_annotations, images, replicas, var_reference;
  FsSlice labels;  // extra specs for every `labels:` entry
  std::vector<NameRefEntry> name_reference;
  // Appends entries not already present (kustomize's MergeConfig).
  void Merge(const TransformerConfig& other);
};

const TransformerConfig& BuiltinConfig();
// Specs from the OpenAPI definitions of a `crds:` file.
TransformerConfig ConfigFromCrds(const Node& doc);
// Parses a configurations: file (same layout as the builtin config).
TransformerConfig ParseConfig(const Node& doc, const std::string& source);
FsSlice ParseFsSlice(const Node* seq, const std::string& source);
FieldSpec ParseFieldSpec(const Node& n, const std::string& source);

// Splits "a/b\/c/d[]" into {"a", "b/c", "d[]"}.
std::vector<std::string> SplitFsPath(std::string_view path);

// Calls fn on every node at the field spec path of obj (creating missing
// fields when fs.create: the last one as `create_leaf`). Fails with a
// message naming the path when it crosses a scalar.
using NodeFn = std::function<void(Node&)>;
void ApplyFieldSpec(Node& obj, const FieldSpec& fs, const Node& create_leaf, const NodeFn& fn);
// Same for every spec in fss that selects the object's gvk.
void ApplyFsSlice(Node& obj, const FsSlice& fss, const Node& create_leaf, const NodeFn& fn);

// --- transformers (each a filter over the resource list) --------------------

void TransformNamespace(ResList& res, const std::string& ns, const FsSlice& fss,
                        bool unset_only = false);
void TransformPrefixSuffix(ResList& res, const std::string& prefix, const std::string& suffix,
                           const FsSlice& fss);
void TransformLabels(ResList& res, const Node& labels, const FsSlice& fss);
void TransformAnnotations(ResList& res, const Node& annotations, const FsSlice& fss);

struct ImageSpec {
  std::string name, new_name, new_tag, digest;
  bool has_tag = false;
};
void TransformImages(ResList& res, const std::vector<ImageSpec>& images, const FsSlice& fss);
void TransformReplicas(ResList& res, const std::string& name, int64_t count, const FsSlice& fss);

struct Selector {
  Gvk gvk;
  std::string name, ns, label_selector, annotation_selector;
};
Selector ParseSelector(const Node& n);
std::vector<size_t> Select(const ResList& res, const Selector& s);
bool MatchLabelSelector(const Node* labels, const std::string& selector);

struct PatchOptions {
  bool allow_name_change = false, allow_kind_change = false;
};

void ApplyReplacements(ResList& res, const Node& replacements, const std::string& source);
void FixNameReferences(ResList& res, const std::vector<NameRefEntry>& refs);
// Legacy vars: resolves $(VAR) in var-reference fields.
void ResolveVars(ResList& res, const Node& vars, const FsSlice& fss);
// Binds each var to the one object its objref names (at the level that
// declares it); fails on ambiguity.
void BindVars(ResList& res, const Node& vars, const std::string& where);
void SortLegacy(ResList& res, const Node* legacy_order);

// Content hash kustomize appends to generated names.
std::string HashResource(const Node& obj);

// --- build metadata ------------------------------------------------------------
// "configuredIn: <file>\nconfiguredBy:\n  apiVersion: builtin\n  kind: <kind>\n..."
std::string ConfiguredOrigin(const std::string& configured_in, const std::string& api,
                             const std::string& kind, const std::string& name, const std::string& ns);
// Records that a transformer ran over every object of the list.
void RecordTransformation(ResList& res, const std::string& configured_in, const std::string& api,
                          const std::string& kind, const std::string& name, const std::string& ns);

// --- misc helpers ------------------------------------------------------------
Node Str(std::string_view s);
std::string ScalarText(const Node& n);  // scalar text, "" otherwise

}  // namespace capstan::kustomize

#endif  // CAPSTAN_KUSTOMIZE_INTERNAL_H_
