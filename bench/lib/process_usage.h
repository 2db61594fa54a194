// What this process has used so far, for the benchmarks' reports: CPU time
// (stable when the machine is shared, unlike wall time) and peak RSS.
#ifndef CAPSTAN_BENCH_LIB_PROCESS_USAGE_H_
#define CAPSTAN_BENCH_LIB_PROCESS_USAGE_H_

#include <sys/resource.h>
#include <time.h>

namespace capstan::bench {

inline double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

inline long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace capstan::bench

#endif  // CAPSTAN_BENCH_LIB_PROCESS_USAGE_H_
