// One-shot timers on an injected clock: the user agent core schedules 2xx retransmissions, ACK
// waits, registration refreshes and glare retries here, and whoever owns the clock (an Asio
// timer in programs, the test in unit tests) calls run_due(now).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

#include "common/clock.hpp"

namespace tandem::sip {

using TimerId = uint64_t;

class TimerQueue {
 public:
  TimerId schedule(TimePoint at, std::function<void()> callback);
  void cancel(TimerId id);
  // Runs every callback due at `now`, in deadline order; callbacks may schedule and cancel.
  void run_due(TimePoint now);
  std::optional<TimePoint> next_deadline() const;
  size_t size() const { return callbacks_.size(); }

 private:
  TimerId next_id_ = 1;
  std::multimap<TimePoint, TimerId> by_time_;
  std::unordered_map<TimerId, std::pair<TimePoint, std::function<void()>>> callbacks_;
};

}  // namespace tandem::sip
