#include "kube/throttle.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace capstan::kube {

RateLimiter::RateLimiter(double qps, int burst, base::Clock* clock)
    : qps_(qps), burst_(std::max(1, burst)), clock_(clock), tokens_(std::max(1, burst)), last_(clock->Monotonic()) {}

bool RateLimiter::Take() {
  if (qps_ <= 0) return false;
  int64_t wait_ms = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto now = clock_->Monotonic();
    if (now > last_) {
      double elapsed = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
      last_ = now;
    }
    // Reserve the token even when it is not there yet: the debt makes later
    // callers wait behind this one.
    tokens_ -= 1;
    // Whole milliseconds (the Clock's unit), at least one: the refill is
    // computed from the time that really passed, so rounding never drifts.
    if (tokens_ < 0) wait_ms = std::max<int64_t>(1, std::llround(-tokens_ / qps_ * 1000));
  }
  if (wait_ms <= 0) return false;
  clock_->SleepMs(wait_ms);
  return true;
}

std::chrono::milliseconds BackoffDelay(int retry, std::chrono::milliseconds base,
                                       std::chrono::milliseconds cap, std::mt19937& rng) {
  double d = static_cast<double>(base.count());
  for (int i = 1; i < retry && d < cap.count(); ++i) d *= 2;
  d = std::min(d, static_cast<double>(cap.count()));
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  d *= jitter(rng);
  d = std::min(d, static_cast<double>(cap.count()));
  return std::chrono::milliseconds(static_cast<int64_t>(d));
}

long ParseRetryAfter(const std::string& value) {
  if (value.empty() || value.size() > 9) return -1;
  for (char c : value)
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
  return std::stol(value);
}

}  // namespace capstan::kube
