// Simulated time for the controllers: the monotonic time of a base::Clock
// scaled by a speed factor, so tests can make a 10-minute progress deadline
// pass in seconds (speed) or in no time at all (a base::FakeClock).
#ifndef CAPSTAN_CLUSTER_CLOCK_H_
#define CAPSTAN_CLUSTER_CLOCK_H_

#include <chrono>

#include "base/clock.h"

namespace capstan::cluster {

class Clock {
 public:
  explicit Clock(double speed = 1.0, base::Clock& time = base::RealClock())
      : speed_(speed), time_(&time), start_(time.Monotonic()) {}
  // Simulated seconds since the server started.
  double Now() const {
    std::chrono::duration<double> d = time_->Monotonic() - start_;
    return d.count() * speed_;
  }
  double speed() const { return speed_; }

 private:
  double speed_;
  base::Clock* time_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_CLOCK_H_
