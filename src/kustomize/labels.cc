// commonLabels / labels / commonAnnotations: set string entries in every
// mapping the field specs reach (creating it when the spec says so).
#include "kustomize/internal.h"

namespace capstan::kustomize {

static void SetEntries(ResList& res, const Node& pairs, const FsSlice& fss, const char* what) {
  if (!pairs.IsMap() || pairs.fields.empty()) return;
  Node leaf = Node::Map();
  for (auto& r : res) {
    ApplyFsSlice(r.obj, fss, leaf, [&](Node& m) {
      if (m.IsNull()) m = Node::Map();
      if (!m.IsMap()) {
        Fail(IdString(r.CurId()) + ": " + what + ": expected a mapping to add entries to");
      }
      for (const auto& kv : pairs.fields) m.Set(kv.key.value, Str(ScalarText(kv.value)));
    });
  }
}

void TransformLabels(ResList& res, const Node& labels, const FsSlice& fss) {
  SetEntries(res, labels, fss, "labels");
}

void TransformAnnotations(ResList& res, const Node& annotations, const FsSlice& fss) {
  SetEntries(res, annotations, fss, "annotations");
}

}  // namespace capstan::kustomize
