// The Kubernetes API defaulting functions (SetDefaults_* of
// k8s.io/kubernetes/pkg/apis/<group>/<version>/defaults.go), written once:
// the diff runs them on predicted and live objects (as gitops-engine does),
// the local cluster runs them on every write before its own admission
// (service account, priority, IP families), so both agree on what the
// server fills in.
#ifndef CAPSTAN_RESOURCE_DEFAULTS_H_
#define CAPSTAN_RESOURCE_DEFAULTS_H_

#include "resource/resource.h"
#include "yaml/node.h"

namespace capstan::resource {

// Fills in absent (or null) fields the defaulting functions of `gvk`'s
// group/version set. Fields holding the wrong type are left alone. Objects
// whose spec is absent are left alone: callers that store objects (the
// cluster) create the spec first, as Go's non-pointer structs do.
void ApplyDefaults(yaml::Node& obj, const Gvk& gvk);

}  // namespace capstan::resource

#endif  // CAPSTAN_RESOURCE_DEFAULTS_H_
