// Networking checks: Services, Ingresses, NetworkPolicies, HPA targets.
#include "lint/internal.h"

namespace capstan::lint {

void CheckNetworking(const Objects& objects, const Emit& emit) {
  for (size_t s : objects.OfKind("Service")) {
    const yaml::Node& svc = objects.at(s);
    std::string type = svc.StrAt({"spec", "type"});
    if (type == "NodePort")
      emit("service-type", Severity::kWarning, s, "spec.type", "type NodePort exposes the service on every node");
    const yaml::Node* sel = svc.At({"spec", "selector"});
    if (type == "ExternalName" || sel == nullptr || sel->size() == 0) continue;
    bool matched = false;
    for (const PodTemplate& p : objects.pods)
      if (p.ns == objects.Namespace(s) && MapSelectorMatches(sel, p.labels)) matched = true;
    if (!matched)
      emit("service-targets-pod", Severity::kCritical, s, "spec.selector", "the selector matches no pod template");
  }
  for (size_t i : objects.OfKind("Ingress")) {
    const yaml::Node& ing = objects.at(i);
    std::vector<std::pair<std::string, const yaml::Node*>> backends;  // (path, backend)
    if (const yaml::Node* d = ing.At({"spec", "defaultBackend"})) backends.emplace_back("spec.defaultBackend", d);
    if (const yaml::Node* d = ing.At({"spec", "backend"})) backends.emplace_back("spec.backend", d);
    if (const yaml::Node* rules = ing.At({"spec", "rules"}); rules && rules->IsSeq()) {
      for (size_t r = 0; r < rules->items.size(); ++r) {
        const yaml::Node* paths = rules->items[r].At({"http", "paths"});
        if (paths == nullptr || !paths->IsSeq()) continue;
        for (size_t k = 0; k < paths->items.size(); ++k)
          if (const yaml::Node* b = paths->items[k].Get("backend"))
            backends.emplace_back("spec.rules[" + std::to_string(r) + "].http.paths[" + std::to_string(k) + "].backend", b);
      }
    }
    for (const auto& [path, b] : backends) {
      std::string name = b->StrAt({"service", "name"});
      const yaml::Node* port = b->At({"service", "port", "number"});
      const yaml::Node* port_name = b->At({"service", "port", "name"});
      if (name.empty()) {
        name = b->StrAt({"serviceName"});  // v1beta1
        port = b->Get("servicePort");
        port_name = nullptr;
      }
      if (name.empty()) continue;  // resource backend
      const yaml::Node* svc = nullptr;
      for (size_t s : objects.OfKindIn("Service", objects.Namespace(i)))
        if (objects.Name(s) == name) svc = &objects.at(s);
      if (svc == nullptr) {
        emit("ingress-targets-service", Severity::kCritical, i, path, "no Service " + name + " in namespace " + objects.Namespace(i));
        continue;
      }
      std::string want = port ? Text(port) : port_name ? Text(port_name) : "";
      if (want.empty()) continue;
      bool found = false;
      if (const yaml::Node* ports = svc->At({"spec", "ports"}); ports && ports->IsSeq())
        for (const yaml::Node& p : ports->items)
          if (Text(p.Get("port")) == want || p.StrAt({"name"}) == want) found = true;
      if (!found)
        emit("ingress-targets-service", Severity::kCritical, i, path, "Service " + name + " has no port " + want);
    }
  }
  for (size_t i : objects.OfKind("NetworkPolicy")) {
    const yaml::Node* sel = objects.at(i).At({"spec", "podSelector"});
    if (IsEmptyLabelSelector(sel)) continue;  // every pod of the namespace
    bool matched = false;
    for (const PodTemplate& p : objects.pods)
      if (p.ns == objects.Namespace(i) && LabelSelectorMatches(sel, p.labels)) matched = true;
    if (!matched)
      emit("networkpolicy-targets-pod", Severity::kCritical, i, "spec.podSelector", "the podSelector matches no pod");
  }
  for (size_t h : objects.OfKind("HorizontalPodAutoscaler")) {
    const yaml::Node& hpa = objects.at(h);
    std::string kind = hpa.StrAt({"spec", "scaleTargetRef", "kind"});
    std::string name = hpa.StrAt({"spec", "scaleTargetRef", "name"});
    bool found = false;
    for (size_t i : objects.OfKindIn(kind, objects.Namespace(h)))
      if (objects.Name(i) == name) found = true;
    if (!found)
      emit("horizontalpodautoscaler-has-target", Severity::kCritical, h, "spec.scaleTargetRef",
           "the target " + kind + " " + name + " does not exist");
    if (IntOr(hpa.At({"spec", "minReplicas"}), 1) < 2)
      emit("horizontalpodautoscaler-replicas", Severity::kWarning, h, "spec.minReplicas",
           "minReplicas is below 2: one failure takes the workload down");
  }
}

}  // namespace capstan::lint
