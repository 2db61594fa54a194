// sync::Target over the Kubernetes client (a real API server or the local
// cluster): server-side apply with field manager "capstan" and the
// kubectl last-applied annotation (so comparisons stay three-way),
// label-selected listing across every listable kind, deletes with a
// propagation policy. Safe to use from several threads at once.
//
// Prefetch() is the command-sized use of the controller's cluster cache
// (cache::ClusterCache, list-only: no watch for a one-shot command): one
// list per kind up front, then kept current by this target's own writes
// and reads (an applied object replaces its entry, a deleted one leaves,
// every Get refreshes its entry; a kind first met in a write is listed
// then), so syncing many Applications costs a few requests per resource
// rather than one list per kind per comparison. Changes made by others
// after the prefetch (controllers updating status) are seen only through
// Get.
#ifndef CAPSTAN_APP_KUBE_TARGET_H_
#define CAPSTAN_APP_KUBE_TARGET_H_

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cache/cluster_cache.h"
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

  // Lists every object carrying label `key` (with `value`, or any value
  // when empty) and answers ListByLabel(key, ...) from memory from then on.
  void Prefetch(const std::string& key, const std::string& value = "");
  void Invalidate();

 private:
  std::vector<kube::ApiResource> ListableKinds();
  yaml::Node ApplyUncached(const resource::ResId& id, const yaml::Node& obj, const sync::ApplyOptions& opts);
  std::vector<yaml::Node> ListAllKinds(const std::string& selector);
  // Keeps the prefetched objects current: `obj` replaces the entry of the
  // same identity (nullptr: removes it).
  void Remember(const resource::ResId& id, const yaml::Node* obj);
  kube::ResourceClient& client_;
  kube::Discovery* discovery_;
  std::vector<kube::ApiResource> kinds_;
  std::mutex mu_;
  std::string prefetched_key_;
  std::string prefetched_value_;
  std::shared_ptr<cache::ClusterCache> prefetched_;  // null: not prefetched
  std::set<std::string> unlistable_;                 // group/kind whose list failed since the prefetch
  std::mutex kinds_mu_;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_KUBE_TARGET_H_
