// AppProject enforcement, with Argo CD's rules and messages: source repos
// and destinations are globs where a leading `!` denies; cluster-scoped
// kinds need the cluster whitelist, namespaced kinds pass unless a
// namespace whitelist is set and misses them; blacklists always win.
#ifndef CAPSTAN_APP_PROJECT_H_
#define CAPSTAN_APP_PROJECT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/application.h"
#include "yaml/node.h"

namespace capstan::app {

// Glob as Argo CD's util/glob: `*`, `?`, `[...]`, `{a,b}`. `*` and `?` do
// not cross a separator when one is given.
bool GlobMatch(std::string_view pattern, std::string_view value, char separator = 0);

// lower case, no trailing "/" or ".git" (git.NormalizeGitURL's effect).
std::string NormalizeRepoUrl(std::string_view url);

// Each returns the violation message, or nullopt when permitted.
std::optional<std::string> CheckSource(const AppProject& p, const std::string& repo_url);
std::optional<std::string> CheckDestination(const AppProject& p, const std::string& server,
                                            const std::string& name, const std::string& ns);
std::optional<std::string> CheckResource(const AppProject& p, const std::string& group,
                                         const std::string& kind, bool namespaced);

// Every violation of `app` (source, destination) and of its rendered
// objects (kinds, namespaces); empty when all is permitted. `server` is the
// resolved destination server. `namespaced` tells the scope of a kind.
std::vector<std::string> Violations(const AppProject& p, const Application& app,
                                    const std::string& server, const std::vector<yaml::Node>& objects);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_PROJECT_H_
