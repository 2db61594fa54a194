// Health of argoproj.io Application, from the snippet in Argo CD's
// health documentation (app-of-apps).
#include <optional>
#include <string>

#include "health/lua_values.h"

namespace capstan::health::internal {

HealthStatus ApplicationHealth(const yaml::Node& obj, const Gvk&) {
  const yaml::Node* health = Field(Field(&obj, "status"), "health");
  if (health == nullptr) return {Code::kProgressing, ""};
  std::optional<std::string> status = Str(Field(health, "status"));
  std::optional<Code> code = status ? ParseCode(*status) : std::nullopt;
  if (!code) return {Code::kUnknown, "Lua returned an invalid health status"};
  return {*code, Str(Field(health, "message")).value_or("")};
}

}  // namespace capstan::health::internal
