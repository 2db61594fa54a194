// libFuzzer target for the kustomization loader and the whole pipeline:
// the input is split at "\n--8<--\n" into kustomization.yaml and
// resources.yaml (listed as its only resource unless the kustomization
// says otherwise), written to a scratch directory and rendered. Render may
// reject the input with kustomize::Error; anything else is a bug.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "kustomize/kustomize.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fs::path dir = fs::temp_directory_path() / ("kustomize-fuzz-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string in(reinterpret_cast<const char*>(data), size);
  std::string k = in, r;
  if (auto cut = in.find("\n--8<--\n"); cut != std::string::npos) {
    k = in.substr(0, cut);
    r = in.substr(cut + 8);
  }
  std::ofstream(dir / "kustomization.yaml", std::ios::binary | std::ios::trunc) << k;
  std::ofstream(dir / "resources.yaml", std::ios::binary | std::ios::trunc) << r;
  capstan::kustomize::Options opts;
  opts.max_depth = 8;
  try {
    capstan::kustomize::Render(dir.string(), opts);
  } catch (const capstan::kustomize::Error&) {
  }
  return 0;
}
