// What the api_*.cc files share: one call's context and small helpers.
#ifndef CAPSTAN_SERVER_API_INTERNAL_H_
#define CAPSTAN_SERVER_API_INTERNAL_H_

#include <optional>
#include <string>
#include <vector>

#include "server/api.h"
#include "yaml/yaml.h"

namespace capstan::server {

struct Api::Call {
  const Request& req;
  std::vector<std::string> seg;  // path segments
  std::optional<Principal> who;  // authenticated caller
  std::shared_ptr<const server::Settings> settings;
  bool cookie_auth = false;
  int64_t now = 0;
};

extern const resource::Gvk kApplicationGvk;
extern const resource::Gvk kAppProjectGvk;

Response Json(const yaml::Node& body, int status = 200);
Response JsonText(std::string body, int status = 200);
// Parses the request body as JSON; on failure fills *err with a 400.
std::optional<yaml::Node> Body(const Request& req, Response* err);
std::string Rfc3339(int64_t unix_seconds);
std::string ProjectOf(const yaml::Node& app);
// Removes what must never leave the server (Secret data is masked by the
// callers that return live objects).
yaml::Node PublicApp(const yaml::Node& app);
// True when the operation running on this thread was asked to terminate
// (the app::Manager's sync::EngineOptions::terminated).
bool OperationTerminateRequested();

}  // namespace capstan::server

#endif  // CAPSTAN_SERVER_API_INTERNAL_H_
