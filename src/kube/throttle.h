// Client-side flow control (internal): a token bucket limiting the request
// rate, and the retry delay policy.
#ifndef CAPSTAN_KUBE_THROTTLE_H_
#define CAPSTAN_KUBE_THROTTLE_H_

#include <chrono>
#include <mutex>
#include <random>
#include <string>

#include "base/clock.h"

namespace capstan::kube {

// Token bucket: `burst` tokens, refilled at `qps` per second. Take() waits
// (on the Clock) until a token is available; callers are served in arrival
// order because each one reserves its token before sleeping.
class RateLimiter {
 public:
  RateLimiter(double qps, int burst, base::Clock* clock);
  // Returns true when the caller had to wait.
  bool Take();

 private:
  double qps_;
  double burst_;
  base::Clock* clock_;
  std::mutex mu_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
};

// Delay before retry number `retry` (1-based): base * 2^(retry-1), capped,
// with +/-20% jitter so that many clients do not retry in lockstep.
std::chrono::milliseconds BackoffDelay(int retry, std::chrono::milliseconds base,
                                       std::chrono::milliseconds cap, std::mt19937& rng);

// Seconds of a Retry-After header (the API server sends integer seconds);
// -1 when absent or not a number (HTTP dates are not used by Kubernetes).
long ParseRetryAfter(const std::string& value);

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_THROTTLE_H_
