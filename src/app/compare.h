// Desired versus live for one Application: per-resource sync status
// (Synced / OutOfSync / Unknown), health per resource and aggregated, and
// the resources that require pruning (tracked as this app's, gone from Git).
#ifndef CAPSTAN_APP_COMPARE_H_
#define CAPSTAN_APP_COMPARE_H_

#include <string>
#include <vector>

#include "app/application.h"
#include "health/health.h"
#include "resource/resource.h"
#include "yaml/node.h"

namespace capstan::app {

// How live objects are tied to their Application (Argo CD
// application.resourceTrackingMethod).
enum class Tracking { kLabel, kAnnotation, kAnnotationAndLabel };
inline constexpr const char* kInstanceLabel = "app.kubernetes.io/instance";
inline constexpr const char* kTrackingIdAnnotation = "argocd.argoproj.io/tracking-id";

// Sets the destination namespace on namespaced objects that name none and
// marks every object with the tracking label and/or annotation.
void PrepareDesired(const Application& app, Tracking tracking, std::vector<yaml::Node>* objects);
// Whether a live object is tracked as belonging to `app`.
bool IsTrackedBy(const yaml::Node& live, const Application& app, Tracking tracking);

struct ResourceState {
  resource::ResId id;
  std::string status;           // Synced | OutOfSync | Unknown
  std::string health;           // "" when the kind has no health check
  std::string health_message;
  bool requires_pruning = false;
  bool hook = false;
  std::string diff;             // unified diff (secrets masked), "" when in sync
  std::string error;            // why the status is Unknown
};

struct Comparison {
  std::string revision;
  std::string sync_status;      // Synced | OutOfSync | Unknown
  std::string health;           // Healthy | Progressing | Degraded | ...
  std::string health_message;
  std::string health_reason;    // "Deployment ns/name: message" of the deciding resource
  std::vector<ResourceState> resources;
  std::vector<yaml::Node> desired;  // prepared desired objects
  std::vector<yaml::Node> live;     // tracked live objects
};

// `desired` must already be prepared; `live` are the tracked live objects.
Comparison Compare(const Application& app, const std::vector<yaml::Node>& desired,
                   const std::vector<yaml::Node>& live, const health::Options& health_options = {});

}  // namespace capstan::app

#endif  // CAPSTAN_APP_COMPARE_H_
