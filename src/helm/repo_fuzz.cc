// libFuzzer target: hostile repository indexes and version constraints
// through ResolveChartVersion. Properties: nothing crashes; failures are
// HelmError; a chosen version is one the index lists for the chart.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "helm/repo.h"

using namespace capstan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string constraint = nl == std::string::npos ? in : in.substr(0, nl);
  std::string index = nl == std::string::npos ? "" : in.substr(nl + 1);
  helm::ChartVersionRef ref;
  try {
    ref = helm::ResolveChartVersion(index, "http://127.0.0.1:1/r", "web", constraint, "index.yaml");
  } catch (const helm::HelmError&) {
    return 0;
  }
  if (ref.url.empty() || index.find(ref.version) == std::string::npos) {
    fprintf(stderr, "resolved %s (url %s) not in the index\n", ref.version.c_str(), ref.url.c_str());
    abort();
  }
  return 0;
}
