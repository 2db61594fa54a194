// Time as the sync engine sees it, injectable so that tests assert retry
// and wave schedules on a fake clock without sleeping.
#ifndef CAPSTAN_SYNC_CLOCK_H_
#define CAPSTAN_SYNC_CLOCK_H_

#include <cstdint>
#include <string>
#include <vector>

namespace capstan::sync {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMs() = 0;
  virtual void SleepMs(int64_t ms) = 0;
};

// The wall clock.
Clock& RealClock();

// Starts at `start_ms`; SleepMs advances time instantly and records the
// request, so a test can read back the exact schedule.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_ms = 1767225600000) : now_(start_ms) {}  // 2026-01-01
  int64_t NowMs() override { return now_; }
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

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_CLOCK_H_
