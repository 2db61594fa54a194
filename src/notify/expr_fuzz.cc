// libFuzzer: any bytes as an expr condition, evaluated against a small app.
#include <cstddef>
#include <cstdint>
#include <string>

#include "notify/expr.h"
#include "yaml/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const capstan::yaml::Node env = capstan::yaml::ParseOne(
      "app:\n  metadata: {name: a}\n  status:\n    health: {status: Healthy, lastTransitionTime: '2024-01-01T00:00:00Z'}\n"
      "    operationState: {phase: Succeeded, startedAt: '2024-01-01T00:00:00Z', finishedAt: '2024-01-01T00:01:00Z'}\n"
      "    resources: [{kind: Pod}, {kind: Service}]\n");
  try {
    capstan::notify::Expr e = capstan::notify::Expr::Parse(std::string(reinterpret_cast<const char*>(data), size));
    e.EvalBool(env, 1700000000);
  } catch (const capstan::notify::ExprError&) {
  }
  return 0;
}
