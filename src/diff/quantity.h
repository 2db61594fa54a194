// Kubernetes resource quantities ("200m", "1Gi", "1e3") in canonical form,
// as apimachinery's resource.Quantity prints them after decoding: the
// typed re-encoding of gitops-engine turns `cpu: 0.2` into "200m".
#ifndef CAPSTAN_DIFF_QUANTITY_H_
#define CAPSTAN_DIFF_QUANTITY_H_

#include <optional>
#include <string>
#include <string_view>

namespace capstan::diff {

// Canonical spelling of a quantity, or nullopt when `text` is not a valid
// quantity (or too large to handle exactly; callers then leave it alone).
std::optional<std::string> CanonicalQuantity(std::string_view text);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_QUANTITY_H_
