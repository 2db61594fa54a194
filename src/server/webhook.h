// Git provider webhooks as Argo CD's util/webhook handles them: provider by
// header (Gogs/Gitea before GitHub, then GitLab, Bitbucket Cloud, Bitbucket
// Server), signature or token checked against argocd-secret
// (webhook.github.secret: X-Hub-Signature-256 HMAC-SHA256;
// webhook.gitlab.secret: X-Gitlab-Token; webhook.gogs.secret:
// X-Gogs-Signature; webhook.bitbucket.uuid: X-Hook-UUID;
// webhook.bitbucketserver.secret: X-Hub-Signature), then the pushed
// repository, revision and changed files; an Application is refreshed when
// its repoURL, targetRevision and argocd.argoproj.io/manifest-generate-paths
// all match.
#ifndef CAPSTAN_SERVER_WEBHOOK_H_
#define CAPSTAN_SERVER_WEBHOOK_H_

#include <map>
#include <string>
#include <vector>

#include "yaml/node.h"

namespace capstan::server {

struct PushEvent {
  int status = 200;          // 400 unknown event / bad signature / bad payload
  std::string error;
  bool ignore = false;       // a valid event that refreshes nothing (ping)
  std::string provider;      // github, gitlab, gogs, bitbucket, bitbucketserver
  std::vector<std::string> repo_urls;
  std::string revision;      // branch or tag name
  bool touched_head = false; // pushed to the default branch
  std::vector<std::string> changed_files;  // empty: unknown, everything may have changed
};

// `headers` lower-case; `secrets` the decoded argocd-secret data.
PushEvent ParsePushEvent(const std::map<std::string, std::string>& headers, const std::string& body,
                         const std::map<std::string, std::string>& secrets);

// Whether the push concerns this Application (repo URL, revision, paths).
bool PushMatchesApp(const PushEvent& ev, const yaml::Node& app);

// Argo CD's repo URL regex for a webhook URL, plus plain equality after
// normalization (lower case, no trailing .git or /).
bool RepoUrlMatches(const std::string& webhook_url, const std::string& app_repo_url);

}  // namespace capstan::server

#endif  // CAPSTAN_SERVER_WEBHOOK_H_
