// The download cache of charts from Helm repositories and OCI registries:
// <cache>/helm/<key of the repository URL>/ holds the index (or tags list)
// and one unpacked directory per chart version. Files and directories are
// built aside and renamed into place, so readers never see half of one.
#ifndef CAPSTAN_APP_CHART_CACHE_H_
#define CAPSTAN_APP_CHART_CACHE_H_

#include <string>

namespace capstan::app {

// <cache_dir>/helm/<stable hash of `repo_url` without trailing />, created.
std::string ChartRepoCacheDir(const std::string& cache_dir, const std::string& repo_url);
void WriteCacheFile(const std::string& path, const std::string& data);
std::string ReadCacheFile(const std::string& path);  // "" when missing
// Unpacks the .tgz `bytes` as `chart_dir` unless it holds a Chart.yaml
// already. Throws AppError "`field`: <what>: ..." for a bad archive.
void UnpackChartOnce(const std::string& bytes, const std::string& chart_dir, const std::string& what,
                     const std::string& field);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_CHART_CACHE_H_
