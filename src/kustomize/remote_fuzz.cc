// libFuzzer target for ParseRemoteRef: any string is either parsed into a
// repository URL (non-empty) with a subdirectory free of ".." components,
// or rejected with kustomize::Error; anything else is a bug.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kustomize/kustomize.h"
#include "kustomize/remote.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  try {
    capstan::kustomize::RemoteRef r = capstan::kustomize::ParseRemoteRef(in);
    if (r.repo_url.empty()) std::abort();
    std::string sub = "/" + r.subdir + "/";
    if (sub.find("/../") != std::string::npos) std::abort();
  } catch (const capstan::kustomize::Error&) {
  }
  return 0;
}
