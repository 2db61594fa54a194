#include "kube/throttle.h"

#include <algorithm>
#include <cctype>
#include <thread>

namespace capstan::kube {
namespace {

class RealClock : public Clock {
 public:
  std::chrono::steady_clock::time_point Now() override { return std::chrono::steady_clock::now(); }
  void Sleep(std::chrono::steady_clock::duration d) override { std::this_thread::sleep_for(d); }
};

}  // namespace

Clock* Clock::Real() {
  static RealClock clock;
  return &clock;
}

RateLimiter::RateLimiter(double qps, int burst, Clock* clock)
    : qps_(qps), burst_(std::max(1, burst)), clock_(clock), tokens_(std::max(1, burst)), last_(clock->Now()) {}

bool RateLimiter::Take() {
  if (qps_ <= 0) return false;
  std::chrono::steady_clock::duration wait{0};
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto now = clock_->Now();
    if (now > last_) {
      double elapsed = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
      last_ = now;
    }
    // Reserve the token even when it is not there yet: the debt makes later
    // callers wait behind this one.
    tokens_ -= 1;
    if (tokens_ < 0) {
      wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(-tokens_ / qps_));
    }
  }
  if (wait.count() <= 0) return false;
  clock_->Sleep(wait);
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
