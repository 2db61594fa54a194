// Entry points for strategic merge patch; the flavours live in
// smp_kustomize.cc and smp_apimachinery.cc.
#include "resource/patch.h"
#include "resource/smp_internal.h"

namespace capstan::resource {

yaml::Node ApplyStrategicMergePatch(const yaml::Node& target, const yaml::Node& patch, const Schema& schema) {
  return ApplyStrategicMergePatch(target, patch, schema, SmpOptions{});
}

yaml::Node ApplyStrategicMergePatch(const yaml::Node& target, const yaml::Node& patch, const Schema& schema,
                                    const SmpOptions& options) {
  if (options.flavor == SmpFlavor::kApiServer) return internal::ApiMachineryStrategicMerge(target, patch, schema);
  return internal::KustomizeStrategicMerge(target, patch, schema);
}

}  // namespace capstan::resource
