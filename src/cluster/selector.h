// The cluster's selectors are resource's (resource/selector.h).
#ifndef CAPSTAN_CLUSTER_SELECTOR_H_
#define CAPSTAN_CLUSTER_SELECTOR_H_

#include "resource/selector.h"

namespace capstan::cluster {

using resource::KeyValues;
using resource::Requirement;
using resource::Selector;

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_SELECTOR_H_
