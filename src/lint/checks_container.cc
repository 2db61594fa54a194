// Per-container checks: resources, image, pull policy, env, security context.
#include <cctype>
#include <set>

#include "lint/internal.h"

namespace capstan::lint {
namespace {

struct Container {
  const yaml::Node* node;
  std::string path;  // "spec.template.spec.containers[0]"
  std::string name;
  bool init;
};

std::vector<Container> ContainersOf(const PodTemplate& p) {
  std::vector<Container> out;
  for (const char* list : {"initContainers", "containers"}) {
    const yaml::Node* cs = p.spec->Get(list);
    if (cs == nullptr || !cs->IsSeq()) continue;
    for (size_t i = 0; i < cs->items.size(); ++i) {
      if (!cs->items[i].IsMap()) continue;
      out.push_back({&cs->items[i], p.spec_path + "." + list + "[" + std::to_string(i) + "]",
                     cs->items[i].StrAt({"name"}), std::string(list) == "initContainers"});
    }
  }
  return out;
}

bool Set(const yaml::Node* n) { return n != nullptr && !n->IsNull() && !Text(n).empty(); }

// Names that say a value is a credential.
bool SensitiveName(const std::string& name) {
  std::string lower;
  for (char ch : name) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (c != '-' && c != '_' && c != '.') lower += c;
  }
  for (const char* word : {"password", "passwd", "secret", "token", "apikey", "privatekey", "credential",
                           "accesskey", "authkey", "pwd"})
    if (lower.find(word) != std::string::npos) return true;
  return false;
}

// The image's tag: "" when none, "latest" for :latest; digests count as pinned.
std::string ImageTag(const std::string& image, bool* digest) {
  *digest = image.find('@') != std::string::npos;
  size_t slash = image.rfind('/');
  size_t colon = image.find(':', slash == std::string::npos ? 0 : slash + 1);
  if (colon == std::string::npos) return "";
  std::string tag = image.substr(colon + 1);
  size_t at = tag.find('@');
  return at == std::string::npos ? tag : tag.substr(0, at);
}

}  // namespace

void CheckContainers(const Objects& objects, const Emit& emit) {
  for (const PodTemplate& p : objects.pods) {
    const yaml::Node* pod_sc = p.spec->Get("securityContext");
    for (const Container& c : ContainersOf(p)) {
      const yaml::Node& n = *c.node;
      std::string who = "container " + c.name + ": ";
      // container-resources / ephemeral storage (not for init containers, as kube-score)
      if (!c.init) {
        const yaml::Node* limits = n.At({"resources", "limits"});
        const yaml::Node* requests = n.At({"resources", "requests"});
        auto get = [](const yaml::Node* m, const char* k) { return (m && m->IsMap()) ? m->Get(k) : nullptr; };
        std::string rp = c.path + ".resources";
        if (!Set(get(limits, "cpu"))) emit("container-resources", Severity::kCritical, p.object, rp + ".limits.cpu", who + "CPU limit is not set");
        if (!Set(get(limits, "memory"))) emit("container-resources", Severity::kCritical, p.object, rp + ".limits.memory", who + "memory limit is not set");
        if (!Set(get(requests, "cpu"))) emit("container-resources", Severity::kCritical, p.object, rp + ".requests.cpu", who + "CPU request is not set");
        if (!Set(get(requests, "memory"))) emit("container-resources", Severity::kCritical, p.object, rp + ".requests.memory", who + "memory request is not set");
        if (!Set(get(limits, "ephemeral-storage")))
          emit("container-ephemeral-storage-request-and-limit", Severity::kCritical, p.object, rp + ".limits.ephemeral-storage", who + "ephemeral-storage limit is not set");
        if (!Set(get(requests, "ephemeral-storage")))
          emit("container-ephemeral-storage-request-and-limit", Severity::kWarning, p.object, rp + ".requests.ephemeral-storage", who + "ephemeral-storage request is not set");
        std::string lcpu = Text(get(limits, "cpu")), rcpu = Text(get(requests, "cpu"));
        if (lcpu != rcpu) emit("container-cpu-requests-equal-limits", Severity::kCritical, p.object, rp, who + "CPU request (" + rcpu + ") differs from the limit (" + lcpu + ")");
        std::string lmem = Text(get(limits, "memory")), rmem = Text(get(requests, "memory"));
        if (lmem != rmem) emit("container-memory-requests-equal-limits", Severity::kCritical, p.object, rp, who + "memory request (" + rmem + ") differs from the limit (" + lmem + ")");
      }
      // container-image-tag
      std::string image = n.StrAt({"image"});
      bool digest = false;
      std::string tag = ImageTag(image, &digest);
      if (!digest && (tag.empty() || tag == "latest"))
        emit("container-image-tag", Severity::kCritical, p.object, c.path + ".image",
             who + "image " + image + (tag.empty() ? " has no tag" : " uses the latest tag") + "; pin a version");
      // container-image-pull-policy
      if (n.StrAt({"imagePullPolicy"}) != "Always")
        emit("container-image-pull-policy", Severity::kCritical, p.object, c.path + ".imagePullPolicy",
             who + "imagePullPolicy is not Always (" + (n.StrAt({"imagePullPolicy"}).empty() ? "unset" : n.StrAt({"imagePullPolicy"})) + ")");
      // environment-variable-key-duplication, env migration checks
      if (const yaml::Node* env = n.Get("env"); env != nullptr && env->IsSeq()) {
        std::set<std::string> seen;
        for (size_t i = 0; i < env->items.size(); ++i) {
          const yaml::Node& e = env->items[i];
          std::string name = e.StrAt({"name"});
          std::string ep = c.path + ".env[" + std::to_string(i) + "]";
          if (!seen.insert(name).second)
            emit("environment-variable-key-duplication", Severity::kCritical, p.object, ep, who + "environment variable " + name + " is set more than once");
          const yaml::Node* value = e.Get("value");
          if (value == nullptr || e.Has("valueFrom")) continue;
          if (SensitiveName(name) && !Text(value).empty())
            emit("env-no-literal-secrets", Severity::kCritical, p.object, ep + ".value",
                 who + "environment variable " + name + " holds a literal secret; use valueFrom.secretKeyRef");
          else
            emit("env-from-configmap", Severity::kWarning, p.object, ep + ".value",
                 who + "environment variable " + name + " is a literal value; take it from a ConfigMap (valueFrom/envFrom)");
        }
      }
      // security context
      const yaml::Node* sc = n.Get("securityContext");
      auto field = [&](const char* k, bool pod_level) -> const yaml::Node* {
        if (sc != nullptr && sc->IsMap() && sc->Has(k)) return sc->Get(k);
        if (pod_level && pod_sc != nullptr && pod_sc->IsMap()) return pod_sc->Get(k);
        return nullptr;
      };
      std::string sp = c.path + ".securityContext";
      const yaml::Node* user = field("runAsUser", true);
      const yaml::Node* group = field("runAsGroup", true);
      if (user == nullptr || IntOr(user, 0) < 10000)
        emit("container-security-context-user-group-id", Severity::kCritical, p.object, sp + ".runAsUser",
             who + (user == nullptr ? "runAsUser is not set" : "runs with a low user id (" + Text(user) + " < 10000)"));
      if (group == nullptr || IntOr(group, 0) < 10000)
        emit("container-security-context-user-group-id", Severity::kCritical, p.object, sp + ".runAsGroup",
             who + (group == nullptr ? "runAsGroup is not set" : "runs with a low group id (" + Text(group) + " < 10000)"));
      if (const yaml::Node* priv = field("privileged", false); priv != nullptr && priv->AsBool())
        emit("container-security-context-privileged", Severity::kCritical, p.object, sp + ".privileged", who + "is privileged");
      if (const yaml::Node* ro = field("readOnlyRootFilesystem", false); ro == nullptr || !ro->AsBool())
        emit("container-security-context-readonlyrootfilesystem", Severity::kCritical, p.object, sp + ".readOnlyRootFilesystem",
             who + "the root filesystem is writable (readOnlyRootFilesystem is not true)");
      if (const yaml::Node* esc = field("allowPrivilegeEscalation", false); esc == nullptr || esc->AsBool(true))
        emit("container-security-context-privilege-escalation", Severity::kWarning, p.object, sp + ".allowPrivilegeEscalation",
             who + "allowPrivilegeEscalation is not false");
      if (const yaml::Node* nr = field("runAsNonRoot", true); nr == nullptr || !nr->AsBool())
        emit("container-security-context-run-as-non-root", Severity::kWarning, p.object, sp + ".runAsNonRoot",
             who + "runAsNonRoot is not true");
      const yaml::Node* seccomp = field("seccompProfile", true);
      if (seccomp == nullptr || seccomp->StrAt({"type"}).empty())
        emit("container-seccomp-profile", Severity::kWarning, p.object, sp + ".seccompProfile", who + "no seccomp profile is set");
    }
  }
}

}  // namespace capstan::lint
