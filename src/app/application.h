// Argo CD Application and AppProject (argoproj.io/v1alpha1) as capstan
// reads them: the same field names, parsed into plain structs. Parse errors
// are one line naming the source, the object and the field.
#ifndef CAPSTAN_APP_APPLICATION_H_
#define CAPSTAN_APP_APPLICATION_H_

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sync/plan.h"
#include "sync/retry.h"
#include "yaml/node.h"

namespace capstan::app {

class AppError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct KustomizeSource {
  std::string name_prefix, name_suffix, namespace_;
  std::vector<std::string> images;                 // "name=repo:tag", "repo:tag"
  std::map<std::string, std::string> common_labels;
  std::map<std::string, std::string> common_annotations;
  bool empty() const {
    return name_prefix.empty() && name_suffix.empty() && namespace_.empty() && images.empty() &&
           common_labels.empty() && common_annotations.empty();
  }
};

struct DirectorySource {
  bool recurse = false;
  std::string include, exclude;  // globs, `{a,b}` alternatives
};

struct Source {
  std::string repo_url, target_revision, path, chart;
  bool helm = false;  // a helm: block or chart: field
  std::optional<KustomizeSource> kustomize;
  std::optional<DirectorySource> directory;
  yaml::Node raw;     // as written, for history entries
};

struct Destination {
  std::string server, name, namespace_;
};

struct SyncPolicy {
  bool automated = false, prune = false, self_heal = false, allow_empty = false;
  std::vector<std::string> sync_options;
  std::optional<sync::RetryPolicy> retry;
};

struct IgnoreDifference {
  std::string group, kind, name, namespace_;
  std::vector<std::string> json_pointers, jq_path_expressions, managed_fields_managers;
};

struct Application {
  std::string name, namespace_ = "argocd", project = "default";
  Source source;
  Destination destination;
  SyncPolicy sync_policy;
  sync::SyncOptions sync_options;  // parsed from sync_policy.sync_options
  std::vector<IgnoreDifference> ignore_differences;
  int64_t revision_history_limit = 10;
  yaml::Node object;  // the whole object, status included
};

// Parses an Application. `where` names the file (or "cluster") in errors.
Application ParseApplication(const yaml::Node& obj, const std::string& where);

struct GroupKind {
  std::string group, kind;  // globs
};

struct ProjectDestination {
  std::string server, name, namespace_;  // globs; `!` prefix denies
};

struct AppProject {
  std::string name;
  std::vector<std::string> source_repos;  // globs; `!` prefix denies
  std::vector<ProjectDestination> destinations;
  std::vector<GroupKind> cluster_whitelist, cluster_blacklist;
  std::vector<GroupKind> namespace_whitelist, namespace_blacklist;
  // Absent namespaceResourceWhitelist allows every kind; an empty one none.
  bool namespace_whitelist_set = false;
  bool allow_all = false;  // the implicit "default" project
  // metadata.annotations["capstan.io/pre-sync-checks"] (app/pre_sync_checks.h)
  std::string pre_sync_checks;
};

AppProject ParseAppProject(const yaml::Node& obj, const std::string& where);
// Argo CD's built-in default project: everything allowed.
AppProject DefaultProject();

// The in-cluster server URL and name.
inline constexpr const char* kInClusterServer = "https://kubernetes.default.svc";
inline constexpr const char* kInClusterName = "in-cluster";

}  // namespace capstan::app

#endif  // CAPSTAN_APP_APPLICATION_H_
