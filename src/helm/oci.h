// Helm charts in OCI registries, the parts without network: which
// repository URLs are OCI (Argo CD's rule), the registry and repository of a
// chart, choosing a tag as Helm 3.17 does, the image manifest's chart layer
// and the WWW-Authenticate challenges of the distribution API. Callers fetch
// the bytes (app/oci_chart.cc).
#ifndef CAPSTAN_HELM_OCI_H_
#define CAPSTAN_HELM_OCI_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace capstan::helm {

inline constexpr char kOciManifestType[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kHelmChartLayerType[] = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
inline constexpr char kHelmConfigType[] = "application/vnd.cncf.helm.config.v1+json";

// Argo CD's rule for a Helm source with `chart`: `oci://host/path`, or a URL
// with no scheme at all (`host/path`, Argo CD's IsHelmOciRepo: a registry
// registered with enableOCI), is an OCI registry; http(s):// is an index.yaml
// repository.
bool IsOciRepoUrl(const std::string& repo_url);

struct OciReference {
  std::string registry;    // host[:port]
  std::string repository;  // path/chart, as in /v2/<repository>/...
  std::string chart;       // the last component: the chart's name
  std::string Display() const { return "oci://" + registry + "/" + repository; }
};

// `repo_url` (oci://host/path or host/path) plus `chart` (may be empty when
// the URL names the chart itself, as `helm template oci://host/path/chart`).
// Throws HelmError naming `field` for an empty host, a missing chart name, or
// a path the distribution API does not allow ([a-z0-9] with . _ - /).
OciReference ParseOciReference(const std::string& repo_url, const std::string& chart, const std::string& field);

// The tag to pull for `constraint` from the registry's tags list JSON
// (`{"name":...,"tags":[...]}`, pages concatenated by the caller), as Helm
// 3.17's GetTagMatchingVersionOrConstraint over registry.Tags: tags are read
// with `_` as `+`, non-semver tags are ignored; an exact tag wins, otherwise
// the newest version matching the constraint (empty means `*`: no
// pre-releases). Returns the version (with `+`); TagOf() gives the tag.
// Throws HelmError naming `what` for bad JSON, a bad constraint or no match.
std::string ResolveOciVersion(const std::vector<std::string>& tags, const std::string& constraint,
                              const std::string& what);
// The tags of one tags/list page; throws HelmError naming `what`.
std::vector<std::string> ParseTagsList(const std::string& json, const std::string& what);
std::string TagOf(const std::string& version);  // `+` → `_`

struct OciDescriptor {
  std::string media_type, digest;
  int64_t size = -1;
};
struct OciManifest {
  std::string media_type;
  OciDescriptor config;
  std::vector<OciDescriptor> layers;
};

// An image manifest (JSON). Throws HelmError naming `what` when it is not
// one (an image index, a malformed document, a digest that is not
// sha256:<64 hex>).
OciManifest ParseOciManifest(const std::string& json, const std::string& what);
// The chart layer (kHelmChartLayerType, or Helm 3.0's
// application/tar+gzip); throws HelmError naming `what` when there is none
// or more than one.
OciDescriptor ChartLayer(const OciManifest& m, const std::string& what);

bool IsSha256Digest(const std::string& digest);  // "sha256:" + 64 lowercase hex

// The login `helm registry login` (or `docker login`) stored for `registry`
// (host[:port]) in a registry config file (`{"auths":{"host":{"auth":
// base64("user:password")}}}`, or "username"/"password" fields). False when
// there is none or the text is not such a file (never throws).
bool RegistryConfigLogin(const std::string& json, const std::string& registry, std::string* username,
                         std::string* password);

// One challenge of a WWW-Authenticate header (RFC 7235): `Bearer
// realm="https://auth/token",service="registry",scope="repository:a:pull"`.
// The scheme is lower-cased, parameter names too; quoted values unescaped.
struct AuthChallenge {
  std::string scheme;
  std::map<std::string, std::string> params;
};
// Every challenge in the header, in order; malformed parts are skipped
// (never throws).
std::vector<AuthChallenge> ParseWwwAuthenticate(const std::string& header);

}  // namespace capstan::helm

#endif  // CAPSTAN_HELM_OCI_H_
