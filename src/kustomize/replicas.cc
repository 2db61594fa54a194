// replicas: sets the replica count of the named workloads.
#include "kustomize/internal.h"

namespace capstan::kustomize {

void TransformReplicas(ResList& res, const std::string& name, int64_t count, const FsSlice& fss) {
  Node leaf = Node::Int(count);
  bool found_any = false;
  for (auto& r : res) {
    bool named = false;
    for (const auto& id : r.AllIds()) named = named || id.name == name;
    if (!named) continue;
    ResId id = r.CurId();
    bool matched = false;
    for (const auto& fs : fss) {
      if (!GvkSelects(fs.gvk, id.gvk)) continue;
      matched = true;
      ApplyFieldSpec(r.obj, fs, leaf, [&](Node& n) { n = Node::Int(count); });
    }
    if (matched) found_any = true;
  }
  (void)found_any;  // kustomize ignores replica entries that name nothing
}

}  // namespace capstan::kustomize
