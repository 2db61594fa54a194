#include "health/health.h"

namespace capstan::health {

namespace {
constexpr std::string_view kNames[] = {"Healthy", "Suspended", "Progressing",
                                       "Missing", "Degraded",  "Unknown"};
}  // namespace

std::string_view CodeName(Code code) { return kNames[static_cast<int>(code)]; }

std::optional<Code> ParseCode(std::string_view name) {
  for (int i = 0; i < 6; ++i) {
    if (kNames[i] == name) return static_cast<Code>(i);
  }
  return std::nullopt;
}

bool IsWorse(Code current, Code candidate) {
  return static_cast<int>(candidate) > static_cast<int>(current);
}

}  // namespace capstan::health
