// PersistentVolumeClaims: each pending claim gets a hostPath PersistentVolume
// (as the local-path provisioner would) and is bound to it.
#include "cluster/controllers/ctx.h"

namespace capstan::cluster {

using yaml::Node;

void RunPersistentVolumeClaims(Ctx& c) {
  ResourceInfo pvc_r = c.Res("", "persistentvolumeclaims");
  ResourceInfo pv_r = c.Res("", "persistentvolumes");
  for (const Node& before : c.List(pvc_r)) {
    if (before.StrAt({"status", "phase"}) == "Bound") continue;
    std::string pv_name = "pvc-" + before.StrAt({"metadata", "uid"});
    std::string storage = before.StrAt({"spec", "resources", "requests", "storage"}, "1Gi");
    Node modes = before.At({"spec", "accessModes"}) ? *before.At({"spec", "accessModes"}) : Node::Seq();
    if (!c.Get(pv_r, "", pv_name)) {
      Node pv = Node::Map();
      pv.GetOrCreateMap("metadata").Set("name", Node::String(pv_name));
      Node& spec = pv.GetOrCreateMap("spec");
      spec.GetOrCreateMap("capacity").Set("storage", Node::String(storage));
      spec.Set("accessModes", modes);
      spec.Set("persistentVolumeReclaimPolicy", Node::String("Delete"));
      spec.Set("storageClassName", Node::String(before.StrAt({"spec", "storageClassName"}, "standard")));
      spec.Set("volumeMode", Node::String("Filesystem"));
      spec.GetOrCreateMap("hostPath").Set("path", Node::String("/var/local-path-provisioner/" + pv_name));
      Node ref = Node::Map();
      ref.Set("kind", Node::String("PersistentVolumeClaim"));
      ref.Set("namespace", Node::String(before.StrAt({"metadata", "namespace"})));
      ref.Set("name", Node::String(before.StrAt({"metadata", "name"})));
      ref.Set("uid", Node::String(before.StrAt({"metadata", "uid"})));
      spec.Set("claimRef", ref);
      pv.GetOrCreateMap("status").Set("phase", Node::String("Bound"));
      c.Create(pv_r, pv);
    }
    Node pvc = before;
    pvc.GetOrCreateMap("spec").Set("volumeName", Node::String(pv_name));
    Node& st = pvc.GetOrCreateMap("status");
    st.Set("phase", Node::String("Bound"));
    st.Set("accessModes", modes);
    st.GetOrCreateMap("capacity").Set("storage", Node::String(storage));
    c.Update(pvc_r, before, pvc);
  }
}

}  // namespace capstan::cluster
