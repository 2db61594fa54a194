// `capstan promote SERVICE --from dev --to staging`: the image tags (and
// only them) of one overlay copied to another, in the plan's layout
// <repo>/apps/<service>/overlays/<env>/kustomization.yaml.
//
// Promises: every `images:` entry of the source overlay sets newTag and
// digest of the entry of the same name in the target (its newName is kept;
// an entry the target lacks is added whole); nothing else in the target
// file changes. A missing overlay or a source without images is an Error.
#ifndef CAPSTAN_DELIVERY_PROMOTE_H_
#define CAPSTAN_DELIVERY_PROMOTE_H_

#include <string>

#include "delivery/image_set.h"

namespace capstan::delivery {

struct PromoteRequest {
  std::string repo = ".";
  std::string service, from, to;
};

// Directory of an environment's overlay of a service.
std::string OverlayDir(const std::string& repo, const std::string& service, const std::string& env);

// The change to the target overlay's kustomization (nothing written).
FileChange PlanPromote(const PromoteRequest& request, std::string* summary);

}  // namespace capstan::delivery

#endif  // CAPSTAN_DELIVERY_PROMOTE_H_
