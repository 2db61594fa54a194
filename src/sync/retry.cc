#include "sync/retry.h"

#include <cmath>

namespace capstan::sync {

std::optional<int64_t> ParseDurationMs(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  double total_ms = 0;
  bool any = false;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && (isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == 0) return std::nullopt;
    double value;
    try {
      value = std::stod(std::string(s.substr(0, i)));
    } catch (...) {
      return std::nullopt;
    }
    s.remove_prefix(i);
    size_t j = 0;
    while (j < s.size() && !isdigit(static_cast<unsigned char>(s[j])) && s[j] != '.') ++j;
    std::string_view unit = s.substr(0, j);
    s.remove_prefix(j);
    double scale;
    if (unit == "ns") scale = 1e-6;
    else if (unit == "us" || unit == "µs") scale = 1e-3;
    else if (unit == "ms") scale = 1;
    else if (unit == "s") scale = 1000;
    else if (unit == "m") scale = 60000;
    else if (unit == "h") scale = 3600000;
    else return std::nullopt;
    total_ms += value * scale;
    any = true;
  }
  if (!any) return std::nullopt;
  int64_t ms = static_cast<int64_t>(std::llround(total_ms));
  return negative ? -ms : ms;
}

int64_t BackoffMs(const RetryPolicy& p, int64_t retry) {
  double wait = static_cast<double>(p.duration_ms) * std::pow(static_cast<double>(p.factor),
                                                              static_cast<double>(retry));
  if (p.max_duration_ms > 0 && wait > static_cast<double>(p.max_duration_ms))
    wait = static_cast<double>(p.max_duration_ms);
  if (wait > 9e15) wait = 9e15;
  return static_cast<int64_t>(wait);
}

}  // namespace capstan::sync
