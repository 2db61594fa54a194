// The sync::Target the controller hands to app::Manager: KubeTarget for
// reads and writes, the cluster cache for the label-selected listing every
// comparison does (no API request per refresh), and every write of ours
// remembered in the cache at once. Status writes can be captured on the
// current thread (StatusCapture) so the controller writes the status once,
// with its own additions and a resourceVersion precondition. Every call is
// reported to `on_request` (argocd_app_k8s_request_total).
#ifndef CAPSTAN_CONTROLLER_CACHED_TARGET_H_
#define CAPSTAN_CONTROLLER_CACHED_TARGET_H_

#include <functional>
#include <optional>
#include <string>

#include "app/kube_target.h"
#include "cache/cluster_cache.h"
#include "sync/target.h"

namespace capstan::controller {

using RequestFn = std::function<void(const std::string& verb, const resource::Gvk& gvk, const std::string& ns,
                                     int code)>;

class CachedTarget : public sync::Target {
 public:
  // `projects`, when given, answers Get of AppProjects (an informer of the
  // apps namespace) so a refresh costs no API request.
  CachedTarget(app::KubeTarget& kube, cache::ClusterCache& cache, std::string label_key, RequestFn on_request,
               cache::ClusterCache* projects = nullptr);

  std::optional<yaml::Node> Get(const resource::ResId& id) override;
  std::vector<yaml::Node> ListByLabel(const std::string& key, const std::string& value) override;
  yaml::Node Apply(const yaml::Node& obj, const sync::ApplyOptions& opts) override;
  void Delete(const resource::ResId& id, const sync::DeleteOptions& opts) override;
  yaml::Node UpdateStatus(const yaml::Node& obj) override;
  std::vector<yaml::Node> List(const resource::Gvk& gvk, const std::string& ns) override;

 private:
  void Count(const std::string& verb, const resource::Gvk& gvk, const std::string& ns, int code);
  app::KubeTarget& kube_;
  cache::ClusterCache& cache_;
  cache::ClusterCache* projects_;
  std::string label_key_;
  RequestFn on_request_;
};

// While alive, UpdateStatus calls on this thread store the object here
// instead of writing it.
class StatusCapture {
 public:
  StatusCapture();
  ~StatusCapture();
  std::optional<yaml::Node> captured;
  static StatusCapture* Current();
};

}  // namespace capstan::controller

#endif  // CAPSTAN_CONTROLLER_CACHED_TARGET_H_
