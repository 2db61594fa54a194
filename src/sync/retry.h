// Argo CD's sync retry: limit, and an exponential backoff
// duration * factor^n capped at maxDuration.
#ifndef CAPSTAN_SYNC_RETRY_H_
#define CAPSTAN_SYNC_RETRY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capstan::sync {

struct RetryPolicy {
  // Retries after the first attempt; 0 = none, negative = unlimited.
  int64_t limit = 0;
  int64_t duration_ms = 5000;       // Argo CD default 5s
  int64_t factor = 2;               // Argo CD default 2
  int64_t max_duration_ms = 180000; // Argo CD default 3m
};

// Go time.ParseDuration syntax ("5s", "3m", "1h30m", "250ms", "1.5s").
// nullopt when malformed.
std::optional<int64_t> ParseDurationMs(std::string_view text);

// Wait before retry number `retry` (0-based): duration * factor^retry,
// capped at max_duration (when > 0).
int64_t BackoffMs(const RetryPolicy& policy, int64_t retry);

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_RETRY_H_
