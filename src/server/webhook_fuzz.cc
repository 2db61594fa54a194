// libFuzzer: any bytes as a webhook payload under each provider's headers,
// and as a JWT, and as an RBAC policy.csv evaluated against one request.
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/jwt.h"
#include "server/rbac.h"
#include "server/webhook.h"
#include "yaml/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const char* providers[][2] = {{"x-github-event", "push"}, {"x-gitlab-event", "Push Hook"},
                                       {"x-gogs-event", "push"},   {"x-hook-uuid", "u"},
                                       {"x-event-key", "repo:refs_changed"}};
  const auto& p = providers[data[0] % 5];
  std::map<std::string, std::string> headers{{p[0], p[1]}};
  if (data[0] % 5 == 3) headers["x-event-key"] = "repo:push";
  auto ev = capstan::server::ParsePushEvent(headers, body, {});
  if (ev.status == 200) {
    static const capstan::yaml::Node app = capstan::yaml::ParseOne(
        "metadata:\n  annotations:\n    argocd.argoproj.io/manifest-generate-paths: '.;/x/*'\n"
        "spec:\n  source:\n    repoURL: https://github.com/o/r\n    path: a/b\n    targetRevision: HEAD\n");
    capstan::server::PushMatchesApp(ev, app);
  }
  capstan::server::VerifyJwt(body, "key", 1000);
  capstan::server::Rbac rbac;
  rbac.AddCsv(body, "fuzz");
  rbac.Enforce({"alice", "g"}, "applications", "get", "p/a");
  capstan::server::GlobMatch(body.substr(0, body.size() / 2), body.substr(body.size() / 2));
  return 0;
}
