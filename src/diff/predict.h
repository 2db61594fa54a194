// "Predicted live": the live object as applying the desired one would leave
// it (SPEC section 4). All inputs are already normalized.
#ifndef CAPSTAN_DIFF_PREDICT_H_
#define CAPSTAN_DIFF_PREDICT_H_

#include "diff/known_types.h"
#include "yaml/node.h"

namespace capstan::diff {

// Known kinds: kubectl's three-way strategic merge patch (changes from live
// to config, ignoring what config does not mention, plus removal of what orig
// has and config lacks), applied to live. Lists with a merge key merge by
// key; other lists are atomic. Includes the StatefulSet claim-template
// workaround. `orig` may be null (server-side apply: no removals).
yaml::Node PredictStrategic(const yaml::Node* orig, const yaml::Node& config,
                            const yaml::Node& live, const Gvk& gvk);

// Unknown kinds: three-way JSON merge patch, computed against live cut back
// to orig's keys, applied to the uncut live object.
yaml::Node PredictJsonMerge(const yaml::Node& orig, const yaml::Node& config,
                            const yaml::Node& live);

// RFC 7386 merge patch application.
yaml::Node ApplyMergePatch(const yaml::Node& target, const yaml::Node& patch);

// gitops-engine's RemoveMapFields: `live` cut back to the keys `config` has
// (maps recursively, lists index by index, extra live list entries kept).
yaml::Node RemoveMapFields(const yaml::Node& config, const yaml::Node& live);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_PREDICT_H_
