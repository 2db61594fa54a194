// Helm charts from OCI registries through the distribution API: tags list,
// image manifest, the chart layer blob (sha256 verified), with the registry's
// challenge (Bearer token from the realm, or Basic) answered from the
// credentials file. Unpacked in the same cache as index.yaml repositories.
#ifndef CAPSTAN_APP_OCI_CHART_H_
#define CAPSTAN_APP_OCI_CHART_H_

#include <string>

#include "app/helm_source.h"
#include "git/git.h"
#include "helm/oci.h"

namespace capstan::app {

struct OciFetchOptions {
  const git::Credential* credential = nullptr;  // basic auth and ca= for this registry
  bool plain_http = false;                      // http:// (helm --plain-http); tests and local registries
  bool refresh = false;                         // fetch the tags list even when cached
  // What errors name (the CLI says "chart" and "--version").
  std::string field = "spec.source.repoURL", version_field = "spec.source.targetRevision";
};

// Resolves `revision` (exact version or semver range, empty = `*`) against
// the registry's tags and unpacks the chart under
// `cache_dir`/helm/<key of oci://registry/repository>/<chart>-<version>.
// Throws AppError naming the field, the reference and the cause (HTTP 401
// with the credentials entry's prefix, a digest mismatch, ...); never a
// password or token.
RepoChart FetchOciChart(const std::string& cache_dir, const helm::OciReference& ref, const std::string& revision,
                        const OciFetchOptions& options);

// The credentials entry for an OCI reference: `oci://registry/repository`,
// else `https://registry/repository` (longest prefix, as for Git).
const git::Credential* FindOciCredential(const git::Credentials* creds, const helm::OciReference& ref);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_OCI_CHART_H_
