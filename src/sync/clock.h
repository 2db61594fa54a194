// The sync engine's time is base's injectable Clock (base/clock.h); these
// names keep sync:: callers (app) compiling until they include base/clock.h.
#ifndef CAPSTAN_SYNC_CLOCK_H_
#define CAPSTAN_SYNC_CLOCK_H_

#include "base/clock.h"

namespace capstan::sync {

using base::Clock;
using base::FakeClock;
using base::FormatTime;
using base::RealClock;

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_CLOCK_H_
