// Secret value masking for display (see HideSecretData in diff.h).
#ifndef CAPSTAN_DIFF_MASK_H_
#define CAPSTAN_DIFF_MASK_H_

#include "yaml/node.h"

namespace capstan::diff {

// Masks data/stringData values of already normalized objects, numbering
// distinct values across desired, live and orig in that order, and replaces
// the last-applied annotation of desired/live by the masked `orig` (or by a
// mask when `orig` is null). Any pointer may be null; objects that are not
// Secrets are left alone, except `orig`, which is masked along with them.
void MaskSecrets(yaml::Node* desired, yaml::Node* live, yaml::Node* orig);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_MASK_H_
