// Application.status in Argo CD's shape, built from a comparison and a
// sync result.
#ifndef CAPSTAN_APP_STATUS_H_
#define CAPSTAN_APP_STATUS_H_

#include <string>

#include "app/application.h"
#include "app/compare.h"
#include "sync/engine.h"
#include "yaml/node.h"

namespace capstan::app {

// Sets status.sync, status.health, status.resources, status.summary,
// status.sourceType and status.reconciledAt of `status` from `c`.
void SetComparisonStatus(yaml::Node& status, const Application& app, const Source& source,
                         const Comparison& c, const std::string& source_type, int64_t now_ms);

struct OperationInfo {
  std::string revision;
  bool prune = false, dry_run = false, automated = false;
  std::string initiated_by;
  std::vector<std::string> sync_options;
  const Source* source = nullptr;
  bool has_retry = false;
  sync::RetryPolicy retry;
};

// status.operationState for a finished operation.
yaml::Node OperationState(const OperationInfo& op, const sync::SyncResult& r);

// Appends a history entry {id, revision, deployedAt, deployStartedAt,
// source, initiatedBy} and trims to revisionHistoryLimit.
void AppendHistory(yaml::Node& status, const Application& app, const OperationInfo& op,
                   const sync::SyncResult& r);

// "apps" and "Deployment" of a ResId written as Argo CD writes it.
yaml::Node ResourceRef(const resource::ResId& id);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_STATUS_H_
