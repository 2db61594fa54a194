// Time as capstan's modules see it, injectable like LevelDB's Env: code
// takes a Clock& (default RealClock()), tests pass a FakeClock and assert
// schedules without sleeping. Used by the sync engine (retry backoff, hook
// names, timestamps) and the local cluster's simulated time.
#ifndef CAPSTAN_BASE_CLOCK_H_
#define CAPSTAN_BASE_CLOCK_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace capstan::base {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall time: milliseconds since the Unix epoch (timestamps written out).
  virtual int64_t NowMs() = 0;
  // Monotonic time: intervals and deadlines; never jumps back.
  virtual std::chrono::steady_clock::time_point Monotonic() = 0;
  virtual void SleepMs(int64_t ms) = 0;
};

// The machine's clocks.
Clock& RealClock();

// Starts at `start_ms`; SleepMs advances both clocks instantly and records
// the request, so a test reads back the exact schedule. Single-threaded.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_ms = 1767225600000) : now_(start_ms) {}  // 2026-01-01
  int64_t NowMs() override { return now_; }
  std::chrono::steady_clock::time_point Monotonic() override {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(now_));
  }
  void SleepMs(int64_t ms) override {
    sleeps.push_back(ms);
    now_ += ms;
  }
  void Advance(int64_t ms) { now_ += ms; }
  std::vector<int64_t> sleeps;

 private:
  int64_t now_;
};

// RFC 3339 UTC time with second precision ("2026-01-01T00:00:00Z"), the form
// Kubernetes and Argo CD write timestamps in.
std::string FormatTime(int64_t ms);

}  // namespace capstan::base

#endif  // CAPSTAN_BASE_CLOCK_H_
