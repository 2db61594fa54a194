// Pre-comparison normalization of one object (SPEC sections 2.1 and 2.2),
// applied to desired, live and last-applied separately.
#ifndef CAPSTAN_DIFF_NORMALIZE_H_
#define CAPSTAN_DIFF_NORMALIZE_H_

#include "diff/diff.h"
#include "yaml/node.h"

namespace capstan::diff {

// JSON round trip, then for known kinds the typed re-encoding (2.1).
void Remarshal(yaml::Node& obj);

// 2.2: drops metadata.creationTimestamp, folds Secret stringData into data,
// nulls Role rules when empty (or aggregated, with the option), puts
// Endpoints subsets in canonical order. Does not apply ignoreDifferences.
void NormalizeKnown(yaml::Node& obj, bool ignore_aggregated_roles);

// Folds stringData into base64 data and turns null data values into "".
// No-op for anything but a core Secret.
void NormalizeSecret(yaml::Node& obj);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_NORMALIZE_H_
