// libFuzzer target: any bytes as a kubeconfig file must load or fail with a
// ConfigError, never crash or throw anything else. Build with
// -DCAPSTAN_FUZZ=ON (clang), run: ./kubeconfig_fuzz -max_total_time=60
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "kube/client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::string path = "/tmp/capstan-kubeconfig-fuzz-" + std::to_string(getpid());
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  capstan::kube::KubeconfigOptions o;
  o.explicit_path = path;
  try {
    capstan::kube::LoadKubeconfig(o);
  } catch (const capstan::kube::ConfigError&) {
  }
  return 0;
}
