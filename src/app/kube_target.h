// sync::Target over the Kubernetes client (a real API server or the local
// cluster): server-side apply with field manager "capstan" and the
// kubectl last-applied annotation (so comparisons stay three-way),
// label-selected listing across every listable kind (cached for the
// lifetime of a snapshot), deletes with a propagation policy.
#ifndef CAPSTAN_APP_KUBE_TARGET_H_
#define CAPSTAN_APP_KUBE_TARGET_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "kube/client.h"
#include "sync/target.h"

namespace capstan::app {

class KubeTarget : public sync::Target {
 public:
  explicit KubeTarget(kube::ResourceClient& client, kube::Discovery* discovery = nullptr);

  std::optional<yaml::Node> Get(const resource::ResId& id) override;
  std::vector<yaml::Node> ListByLabel(const std::string& key, const std::string& value) override;
  yaml::Node Apply(const yaml::Node& obj, const sync::ApplyOptions& opts) override;
  void Delete(const resource::ResId& id, const sync::DeleteOptions& opts) override;
  yaml::Node UpdateStatus(const yaml::Node& obj) override;
  std::vector<yaml::Node> List(const resource::Gvk& gvk, const std::string& ns) override;

  // Lists every object carrying `key` once, and answers ListByLabel(key, v)
  // from memory until Invalidate() or the next write. For many apps at once.
  void Prefetch(const std::string& key);
  void Invalidate();

 private:
  std::vector<kube::ApiResource> ListableKinds();
  kube::ResourceClient& client_;
  kube::Discovery* discovery_;
  std::vector<kube::ApiResource> kinds_;
  std::mutex mu_;
  std::string prefetched_key_;
  std::map<std::string, std::vector<yaml::Node>> by_value_;
  bool prefetched_ = false;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_KUBE_TARGET_H_
