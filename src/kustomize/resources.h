// Objects of one resource file.
#ifndef CAPSTAN_KUSTOMIZE_RESOURCES_H_
#define CAPSTAN_KUSTOMIZE_RESOURCES_H_

#include <string>
#include <string_view>

#include "kustomize/internal.h"

namespace capstan::kustomize {

// Parses a YAML stream of objects; `kind: ...List` with items is expanded.
// Throws Error naming `source`.
ResList ParseResources(std::string_view text, const std::string& source);

}  // namespace capstan::kustomize

#endif  // CAPSTAN_KUSTOMIZE_RESOURCES_H_
