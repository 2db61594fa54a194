// configMapGenerator / secretGenerator: objects made from literals, files
// and env files, merged into the build with behavior create|merge|replace.
#ifndef CAPSTAN_KUSTOMIZE_GENERATORS_H_
#define CAPSTAN_KUSTOMIZE_GENERATORS_H_

#include <string>

#include "kustomize/internal.h"
#include "kustomize/loader.h"

namespace capstan::kustomize {

struct GeneratorContext {
  const Loader& loader;
  const Node* global_options;  // generatorOptions, may be null
  std::string file;            // kustomization file, for messages
};

// `args` is one generator entry (name, namespace, behavior, literals, files,
// envs, options; secrets also type).
Resource GenerateConfigMap(const GeneratorContext& ctx, const Node& args);
Resource GenerateSecret(const GeneratorContext& ctx, const Node& args);

// Adds a generated object: create appends (the id must be new), merge and
// replace update the object with the same id made earlier.
void AbsorbGenerated(ResList& res, Resource r, const std::string& where);

}  // namespace capstan::kustomize

#endif  // CAPSTAN_KUSTOMIZE_GENERATORS_H_
