// Object-wide checks: label values, API versions, credentials in ConfigMaps.
#include <cctype>

#include "lint/internal.h"

namespace capstan::lint {
namespace {

bool ValidLabelValue(const std::string& v) {
  if (v.empty()) return true;
  if (v.size() > 63) return false;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(v.front()) || !alnum(v.back())) return false;
  for (char c : v)
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

// Deprecated or removed apiVersions of a kind -> the stable one.
std::string StableVersion(const std::string& api_version, const std::string& kind) {
  if (api_version == "extensions/v1beta1" || api_version == "apps/v1beta1" || api_version == "apps/v1beta2") {
    if (kind == "Deployment" || kind == "DaemonSet" || kind == "ReplicaSet" || kind == "StatefulSet") return "apps/v1";
    if (kind == "Ingress") return "networking.k8s.io/v1";
    if (kind == "NetworkPolicy") return "networking.k8s.io/v1";
  }
  if (api_version == "networking.k8s.io/v1beta1" && (kind == "Ingress" || kind == "IngressClass")) return "networking.k8s.io/v1";
  if (api_version == "batch/v1beta1" && kind == "CronJob") return "batch/v1";
  if (api_version == "policy/v1beta1" && kind == "PodDisruptionBudget") return "policy/v1";
  if ((api_version == "autoscaling/v2beta1" || api_version == "autoscaling/v2beta2") && kind == "HorizontalPodAutoscaler")
    return "autoscaling/v2";
  return "";
}

bool SensitiveKey(const std::string& key) {
  std::string lower;
  for (char ch : key) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (c != '-' && c != '_' && c != '.') lower += c;
  }
  for (const char* word : {"password", "passwd", "secret", "token", "apikey", "privatekey", "credential", "accesskey"})
    if (lower.find(word) != std::string::npos) return true;
  return false;
}

// "scheme://user:password@host" or a PEM private key.
bool LooksLikeCredential(const std::string& value) {
  if (value.find("PRIVATE KEY-----") != std::string::npos) return true;
  size_t scheme = value.find("://");
  if (scheme == std::string::npos) return false;
  size_t at = value.find('@', scheme);
  size_t colon = value.find(':', scheme + 3);
  size_t slash = value.find('/', scheme + 3);
  return at != std::string::npos && colon != std::string::npos && colon < at && (slash == std::string::npos || at < slash);
}

}  // namespace

void CheckMeta(const Objects& objects, const Emit& emit) {
  for (size_t i = 0; i < objects.all->size(); ++i) {
    const yaml::Node& obj = objects.at(i);
    if (!obj.IsMap()) continue;
    auto labels_at = [&](const yaml::Node* labels, const std::string& path) {
      if (labels == nullptr || !labels->IsMap()) return;
      for (const yaml::Field& f : labels->fields)
        if (!ValidLabelValue(Text(&f.value)))
          emit("label-values", Severity::kCritical, i, path + "." + f.key.value,
               "label value \"" + Text(&f.value) + "\" is invalid (at most 63 alphanumerics, '-', '_', '.'; "
               "alphanumeric at both ends)");
    };
    labels_at(obj.At({"metadata", "labels"}), "metadata.labels");
    if (const PodTemplate* p = objects.PodOf(i); p != nullptr && p->spec_path != "spec")
      labels_at(p->labels, p->spec_path.substr(0, p->spec_path.size() - 5) + ".metadata.labels");
    std::string kind = objects.Kind(i), av = objects.ApiVersion(i);
    if (std::string stable = StableVersion(av, kind); !stable.empty())
      emit("stable-version", Severity::kWarning, i, "apiVersion", av + " " + kind + " is deprecated or removed; use " + stable);
    if (kind == "ConfigMap") {
      for (const char* field : {"data", "binaryData"}) {
        const yaml::Node* data = obj.Get(field);
        if (data == nullptr || !data->IsMap()) continue;
        for (const yaml::Field& f : data->fields) {
          // Only the key name and the verdict are reported, never the value.
          if (SensitiveKey(f.key.value))
            emit("configmap-no-secrets", Severity::kCritical, i, std::string(field) + "." + f.key.value,
                 "key " + f.key.value + " looks like a credential; keep it in a Secret");
          else if (LooksLikeCredential(Text(&f.value)))
            emit("configmap-no-secrets", Severity::kCritical, i, std::string(field) + "." + f.key.value,
                 "the value of " + f.key.value + " holds a credential (user:password URL or private key); keep it in a Secret");
        }
      }
    }
  }
}

}  // namespace capstan::lint
