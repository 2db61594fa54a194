// CustomResourceDefinitions being deleted: their custom resources are deleted,
// then the CRD itself and its API.
#include "cluster/controllers/ctx.h"

namespace capstan::cluster {

using yaml::Node;

void RunCrdCleanup(Ctx& c) {
  ResourceInfo crd_r = c.Res("apiextensions.k8s.io", "customresourcedefinitions");
  for (const Node& crd : c.List(crd_r)) {
    if (crd.StrAt({"metadata", "deletionTimestamp"}).empty()) continue;
    std::string group = crd.StrAt({"spec", "group"}), plural = crd.StrAt({"spec", "names", "plural"});
    ResourceInfo cr = c.Res(group, plural);
    size_t left = 0;
    if (!cr.plural.empty())
      for (const auto& o : c.List(cr)) {
        c.Delete(cr, o);
        ++left;
      }
    if (left == 0) {
      Node n = crd;
      n.GetOrCreateMap("metadata").Remove("finalizers");
      c.Delete(crd_r, crd);
      c.registry->RemoveCrd(crd);
    }
  }
}

}  // namespace capstan::cluster
