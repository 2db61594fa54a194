#include "app/chart_cache.h"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/application.h"
#include "helm/helm.h"
#include "helm/repo.h"

namespace fs = std::filesystem;

namespace capstan::app {
namespace {

// Stable (FNV-1a) name for a repository URL in the cache.
std::string RepoKey(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : url) h = (h ^ c) * 1099511628211ULL;
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string Temp(const fs::path& p) {
  static std::atomic<int> n{0};
  return p.string() + ".tmp." + std::to_string(getpid()) + "." + std::to_string(n++);
}

}  // namespace

std::string ChartRepoCacheDir(const std::string& cache_dir, const std::string& repo_url) {
  fs::path dir = fs::path(cache_dir) / "helm" / RepoKey(repo_url);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw AppError("helm chart cache " + dir.string() + ": " + ec.message());
  return dir.string();
}

void WriteCacheFile(const std::string& path, const std::string& data) {
  std::string tmp = Temp(path);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) throw AppError("writing " + path + " failed");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw AppError("writing " + path + " failed");
  }
}

std::string ReadCacheFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void UnpackChartOnce(const std::string& bytes, const std::string& chart_dir, const std::string& what,
                     const std::string& field) {
  std::error_code ec;
  if (fs::exists(fs::path(chart_dir) / "Chart.yaml", ec)) return;
  std::string tmp = Temp(chart_dir);
  try {
    helm::ExtractArchive(bytes, tmp, what);
  } catch (const helm::HelmError& e) {
    fs::remove_all(tmp, ec);
    throw AppError(field + ": " + e.what());
  }
  fs::rename(tmp, chart_dir, ec);
  if (ec) fs::remove_all(tmp, ec);  // another refresh extracted it first
  if (!fs::exists(fs::path(chart_dir) / "Chart.yaml", ec))
    throw AppError(field + ": " + what + " holds no Chart.yaml");
}

}  // namespace capstan::app
