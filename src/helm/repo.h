// Helm chart repositories: choosing a chart version from a repository's
// index.yaml as Helm's IndexFile.Get does (an exact version, or a
// Masterminds semver constraint such as `1.2.*`, `>=1.0 <2.0`, `^1`, `*`;
// empty means `*`, the newest release without a pre-release part), and
// where its archive lives. No network here: callers fetch the bytes.
#ifndef CAPSTAN_HELM_REPO_H_
#define CAPSTAN_HELM_REPO_H_

#include <string>
#include <vector>

#include "helm/chart.h"

namespace capstan::helm {

struct ChartVersionRef {
  std::string version;  // as the index writes it
  std::string url;      // absolute archive URL (relative ones resolved against the repository)
  std::string digest;   // sha256 hex from the index, may be empty
};

// Throws HelmError naming `what` (the index's source) for an unreadable
// index, a chart the index does not hold, a bad constraint, or no version
// matching it.
ChartVersionRef ResolveChartVersion(const std::string& index_yaml, const std::string& repo_url,
                                    const std::string& chart, const std::string& constraint,
                                    const std::string& what);

// Writes an archive's files (ReadArchive) under `dir`, created if missing.
void ExtractArchive(const std::string& tgz_bytes, const std::string& dir, const std::string& what);

}  // namespace capstan::helm

#endif  // CAPSTAN_HELM_REPO_H_
