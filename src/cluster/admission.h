// What the API server does to an object between decoding and storage:
// system metadata (uid, timestamps, generation), per-kind defaults (the
// ones kubectl diff and kubectl get show), and validation.
#ifndef CAPSTAN_CLUSTER_ADMISSION_H_
#define CAPSTAN_CLUSTER_ADMISSION_H_

#include <string>
#include <vector>

#include "cluster/resources.h"
#include "cluster/status.h"
#include "yaml/node.h"

namespace capstan::cluster {

// Sets uid, creationTimestamp, generation; resets status; fills defaults.
// `serial` makes allocations (cluster IPs) unique.
void PrepareCreate(const ResourceInfo& r, yaml::Node& obj, int64_t serial);
// Carries system fields over from `old`, bumps generation when anything but
// metadata/status changed, keeps status (main resource) or everything but
// status (status subresource).
void PrepareUpdate(const ResourceInfo& r, const yaml::Node& old, yaml::Node& obj,
                   bool status_subresource);
// Per-kind defaults (Deployment strategy, Pod restartPolicy, Service type...).
void ApplyDefaults(const ResourceInfo& r, yaml::Node& obj);
// Throws ApiError 422 Invalid with the API server's causes.
void Validate(const ResourceInfo& r, const yaml::Node& obj);

// Name checks; return "" when valid, else the API server's message.
std::string CheckDns1123Subdomain(const std::string& name);
std::string CheckDns1123Label(const std::string& name);
std::string CheckDns1035Label(const std::string& name);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_ADMISSION_H_
