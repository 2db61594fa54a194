// libFuzzer target: hostile registry responses. The first byte chooses the
// parser: WWW-Authenticate headers, image manifests (and their chart layer),
// tags lists (and a version choice with the rest of the first line as the
// constraint), helm registry config files. Properties: nothing crashes; failures are HelmError; a chosen
// chart layer has a sha256 digest; a chosen version is one of the tags.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "helm/helm.h"
#include "helm/oci.h"

using namespace capstan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string in(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 4) {
      case 3: {
        std::string u, p;
        helm::RegistryConfigLogin(in, "reg.example.com", &u, &p);
        break;
      }
      case 0:
        for (const auto& c : helm::ParseWwwAuthenticate(in))
          if (c.scheme.empty()) abort();
        break;
      case 1: {
        helm::OciDescriptor l = helm::ChartLayer(helm::ParseOciManifest(in, "manifest"), "manifest");
        if (!helm::IsSha256Digest(l.digest)) abort();
        break;
      }
      default: {
        size_t nl = in.find('\n');
        std::string constraint = nl == std::string::npos ? "" : in.substr(0, nl);
        auto tags = helm::ParseTagsList(nl == std::string::npos ? in : in.substr(nl + 1), "tags");
        std::string v = helm::ResolveOciVersion(tags, constraint, "tags");
        bool listed = false;
        for (const auto& t : tags) listed |= helm::TagOf(v) == t || v == t;
        if (!listed) {
          fprintf(stderr, "chose %s, not a listed tag\n", v.c_str());
          abort();
        }
      }
    }
  } catch (const helm::HelmError&) {
  }
  return 0;
}
