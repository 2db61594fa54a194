// Entry points for strategic merge patch; the flavours live in
// smp_kustomize.cc and smp_apimachinery.cc.
#include "resource/patch.h"
#include "resource/smp_internal.h"

namespace capstan::resource {

namespace {

// Directives only apimachinery interprets (kubectl apply/patch sends them).
bool HasApiMachineryDirective(const yaml::Node& n, int depth = 0) {
  if (depth > 200) return false;
  if (n.IsMap()) {
    for (const yaml::Field& f : n.fields) {
      std::string_view k = f.key.Str();
      if (k.substr(0, 17) == "$setElementOrder/" || k == "$retainKeys" ||
          k.substr(0, 25) == "$deleteFromPrimitiveList/")
        return true;
      if (HasApiMachineryDirective(f.value, depth + 1)) return true;
    }
  } else if (n.IsSeq()) {
    for (const yaml::Node& i : n.items)
      if (HasApiMachineryDirective(i, depth + 1)) return true;
  }
  return false;
}

}  // namespace

yaml::Node ApplyStrategicMergePatch(const yaml::Node& target, const yaml::Node& patch, const Schema& schema) {
  SmpOptions o;
  if (HasApiMachineryDirective(patch)) o.flavor = SmpFlavor::kApiServer;
  return ApplyStrategicMergePatch(target, patch, schema, o);
}

yaml::Node ApplyStrategicMergePatch(const yaml::Node& target, const yaml::Node& patch, const Schema& schema,
                                    const SmpOptions& options) {
  if (options.flavor == SmpFlavor::kApiServer) return internal::ApiMachineryStrategicMerge(target, patch, schema);
  return internal::KustomizeStrategicMerge(target, patch, schema);
}

}  // namespace capstan::resource
