// Patches: strategic merge patches and JSON 6902 patches, found by their
// own id or by a target selector.
#ifndef CAPSTAN_KUSTOMIZE_PATCHES_H_
#define CAPSTAN_KUSTOMIZE_PATCHES_H_

#include <string>
#include <vector>

#include "kustomize/internal.h"
#include "resource/schema.h"

namespace capstan::kustomize {

struct Patch {
  bool is_json6902 = false;
  std::vector<Node> smp;  // strategic merge patch documents
  Node ops;               // JSON 6902 operations (a sequence)
  std::string source;     // file or "<inline patch>" for messages
};

// Decides the patch type from its content: a list of operations is JSON
// 6902, anything else strategic merge documents.
Patch ParsePatch(const std::string& text, const std::string& source);

// Applies the patch to every resource `target` selects, or (strategic merge
// without a target) to the one resource each document names. Resources a
// `$patch: delete` removes disappear from the list.
void ApplyPatch(ResList& res, const Patch& patch, const Selector* target,
                const PatchOptions& options, const resource::Schema& schema);

}  // namespace capstan::kustomize

#endif  // CAPSTAN_KUSTOMIZE_PATCHES_H_
