// ApplicationSet (argoproj.io/v1alpha1): generate Applications from the
// generators and the template, and reconcile them in the cluster as Argo
// CD's applicationset-controller does:
//  - each generated Application carries an ownerReference to its
//    ApplicationSet (controller: true), so deleting the ApplicationSet lets
//    the garbage collector delete its Applications;
//  - syncPolicy.applicationsSync: create-only | create-update | create-delete
//    | sync (default: create, update and delete);
//  - syncPolicy.preserveResourcesOnDeletion: generated Applications carry no
//    resources finalizer, so deleting them (or the set) leaves the deployed
//    resources in place.
#ifndef CAPSTAN_APPSET_APPSET_H_
#define CAPSTAN_APPSET_APPSET_H_

#include <string>
#include <vector>

#include "appset/generators.h"
#include "kube/client.h"
#include "yaml/node.h"

namespace capstan::appset {

// The Applications `appset` generates (full objects, in the set's
// namespace). Throws TemplateError naming the set and the field.
std::vector<yaml::Node> GenerateApplications(const yaml::Node& appset, const GeneratorContext& context);

struct ReconcileResult {
  int created = 0, updated = 0, deleted = 0, unchanged = 0;
};

// Creates, updates and deletes the set's Applications (those whose
// ownerReference names it) per its applicationsSync policy.
ReconcileResult Reconcile(kube::ResourceClient& client, const yaml::Node& appset, const std::vector<yaml::Node>& desired);

}  // namespace capstan::appset

#endif  // CAPSTAN_APPSET_APPSET_H_
