// Time for protocol state machines. Code never reads a clock itself: it is handed `now`, so tests
// drive every timer with a fake time and no sleeps.
#pragma once

#include <chrono>

namespace tandem {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using Duration = std::chrono::milliseconds;

}  // namespace tandem
