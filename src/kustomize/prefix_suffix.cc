// namePrefix / nameSuffix: prepends/appends to metadata.name (and the other
// name field specs), except for kinds whose names must stay as written.
#include "kustomize/internal.h"

namespace capstan::kustomize {

static bool SkipKind(const Gvk& g) {
  return g.kind == "CustomResourceDefinition" ||
         (g.kind == "APIService" && g.group == "apiregistration.k8s.io") || g.kind == "Namespace";
}

void TransformPrefixSuffix(ResList& res, const std::string& prefix, const std::string& suffix,
                           const FsSlice& fss) {
  if (prefix.empty() && suffix.empty()) return;
  Node leaf = Str("");
  for (auto& r : res) {
    ResId id = r.CurId();
    if (SkipKind(id.gvk)) continue;
    bool stored = false;
    for (const auto& fs : fss) {
      if (!GvkSelects(fs.gvk, id.gvk)) continue;
      if (fs.path == "metadata/name" && !stored) {
        if (!prefix.empty()) r.prefixes.push_back(prefix);
        if (!suffix.empty()) r.suffixes.push_back(suffix);
        r.StorePreviousId();
        stored = true;
      }
      ApplyFieldSpec(r.obj, fs, leaf, [&](Node& n) {
        if (!n.IsScalar()) return;
        n = Str(prefix + n.value + suffix);
      });
    }
  }
}

}  // namespace capstan::kustomize
