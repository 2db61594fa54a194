// kustomize's helmCharts field (HelmChartInflationGenerator) with local
// charts under helmGlobals.chartHome, rendered natively by src/helm. Only
// with Options::enable_helm, as `kustomize build --enable-helm`.
#ifndef CAPSTAN_KUSTOMIZE_HELM_CHARTS_H_
#define CAPSTAN_KUSTOMIZE_HELM_CHARTS_H_

#include <string>

#include "kustomize/loader.h"
#include "kustomize/target.h"

namespace capstan::kustomize {

// Appends the objects of every helmCharts entry of kustomization `k` to `ra`.
void InflateHelmCharts(Accumulator& ra, const Loader& loader, const Node& k, const std::string& file);

}  // namespace capstan::kustomize

#endif  // CAPSTAN_KUSTOMIZE_HELM_CHARTS_H_
