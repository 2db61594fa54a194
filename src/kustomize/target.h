// One kustomization (or component) directory and the pipeline that turns it
// into resources: accumulate resources -> generators -> transformers, each a
// filter over the resource list (kustomize's KustTarget).
#ifndef CAPSTAN_KUSTOMIZE_TARGET_H_
#define CAPSTAN_KUSTOMIZE_TARGET_H_

#include <string>

#include "kustomize/internal.h"
#include "kustomize/loader.h"
#include "resource/schema.h"

namespace capstan::kustomize {

// What a (sub)build hands to the build above it.
struct Accumulator {
  ResList res;
  TransformerConfig config;
  Node vars = Node::Seq();
  std::shared_ptr<resource::Schema> schema;  // built-in plus openapi:
};

class Target {
 public:
  Target(Loader loader, const Options& options, bool is_component);

  // Reads and checks the kustomization file.
  void Load();
  const Node& kustomization() const { return k_; }
  const std::string& file() const { return file_; }

  // Resources of this kustomization with its generators and transformers
  // applied, appended to `ra`.
  void AccumulateInto(Accumulator& ra);

 private:
  void AccumulateResources(Accumulator& ra);
  void AccumulateComponents(Accumulator& ra);
  void RunGenerators(Accumulator& ra);
  void RunTransformers(Accumulator& ra);
  void RunTransformerConfigs(Accumulator& ra);
  void RunGeneratorConfigs(Accumulator& ra);
  void ApplyPluginConfig(Accumulator& ra, const Node& config, const std::string& source,
                         bool generator, const std::string& configured_in);
  // Plugin configs of `field`, each with the file it was configured in.
  std::vector<std::pair<Node, std::string>> LoadPluginConfigs(const std::string& field);
  std::string Where(const std::string& field) const { return file_ + ": " + field; }

  Loader loader_;
  const Options& options_;
  bool is_component_;
  Node k_;
  std::string file_;
};

// Appends `r`, failing when its current id is taken (kustomize's
// "may not add resource with an already registered id").
void AppendResource(ResList& list, Resource r, const std::string& where);
// Appends all of `src` with the same check, in one pass.
void AppendAll(ResList& list, ResList src, const std::string& where);

}  // namespace capstan::kustomize

#endif  // CAPSTAN_KUSTOMIZE_TARGET_H_
