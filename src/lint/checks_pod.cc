// Pod-level checks: probes (for pods behind a Service) and NetworkPolicy coverage.
#include "lint/internal.h"

namespace capstan::lint {
namespace {

bool TargetedByService(const Objects& objects, const PodTemplate& p) {
  for (size_t s : objects.OfKindIn("Service", p.ns)) {
    if (MapSelectorMatches(objects.at(s).At({"spec", "selector"}), p.labels)) return true;
  }
  return false;
}

// Policy types of a NetworkPolicy, defaulted as the API server does.
void PolicyTypes(const yaml::Node& np, bool* ingress, bool* egress) {
  *ingress = *egress = false;
  const yaml::Node* types = np.At({"spec", "policyTypes"});
  if (types != nullptr && types->IsSeq() && !types->items.empty()) {
    for (const yaml::Node& t : types->items) {
      if (Text(&t) == "Ingress") *ingress = true;
      if (Text(&t) == "Egress") *egress = true;
    }
    return;
  }
  *ingress = true;
  *egress = np.At({"spec", "egress"}) != nullptr;
}

}  // namespace

void CheckPods(const Objects& objects, const Emit& emit) {
  for (const PodTemplate& p : objects.pods) {
    if (p.kind != "Job" && p.kind != "CronJob" && TargetedByService(objects, p)) {
      const yaml::Node* cs = p.spec->Get("containers");
      if (cs != nullptr && cs->IsSeq()) {
        for (size_t i = 0; i < cs->items.size(); ++i) {
          const yaml::Node& c = cs->items[i];
          std::string path = p.spec_path + ".containers[" + std::to_string(i) + "]";
          std::string who = "container " + c.StrAt({"name"}) + ": ";
          const yaml::Node* ready = c.Get("readinessProbe");
          const yaml::Node* live = c.Get("livenessProbe");
          if (ready == nullptr)
            emit("pod-probes", Severity::kCritical, p.object, path + ".readinessProbe",
                 who + "no readinessProbe: the Service sends traffic before the container is ready");
          if (live == nullptr)
            emit("pod-probes", Severity::kWarning, p.object, path + ".livenessProbe",
                 who + "no livenessProbe: a hung container is never restarted");
          if (ready != nullptr && live != nullptr && *ready == *live)
            emit("pod-probes-identical", Severity::kCritical, p.object, path + ".livenessProbe",
                 who + "livenessProbe and readinessProbe are identical: a slow container is killed instead of taken out of rotation");
        }
      }
    }
    bool has_ingress = false, has_egress = false;
    for (size_t n : objects.OfKindIn("NetworkPolicy", p.ns)) {
      const yaml::Node& np = objects.at(n);
      const yaml::Node* sel = np.At({"spec", "podSelector"});
      if (!IsEmptyLabelSelector(sel) && !LabelSelectorMatches(sel, p.labels)) continue;
      bool in = false, out = false;
      PolicyTypes(np, &in, &out);
      has_ingress |= in;
      has_egress |= out;
    }
    if (!has_ingress)
      emit("pod-networkpolicy", Severity::kCritical, p.object, p.spec_path,
           "no NetworkPolicy with policy type Ingress selects the pods of this " + p.kind);
    if (!has_egress)
      emit("pod-networkpolicy", Severity::kCritical, p.object, p.spec_path,
           "no NetworkPolicy with policy type Egress selects the pods of this " + p.kind);
  }
}

}  // namespace capstan::lint
