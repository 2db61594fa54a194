// Simulated time for the controllers: wall time scaled by a speed factor, so
// tests can make a 10-minute progress deadline pass in seconds.
#ifndef CAPSTAN_CLUSTER_CLOCK_H_
#define CAPSTAN_CLUSTER_CLOCK_H_

#include <chrono>

namespace capstan::cluster {

class Clock {
 public:
  explicit Clock(double speed = 1.0) : speed_(speed), start_(std::chrono::steady_clock::now()) {}
  // Simulated seconds since the server started.
  double Now() const {
    std::chrono::duration<double> d = std::chrono::steady_clock::now() - start_;
    return d.count() * speed_;
  }
  double speed() const { return speed_; }

 private:
  double speed_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_CLOCK_H_
