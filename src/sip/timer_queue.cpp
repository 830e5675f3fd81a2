#include "sip/timer_queue.hpp"

namespace tandem::sip {

TimerId TimerQueue::schedule(TimePoint at, std::function<void()> callback) {
  const TimerId id = next_id_++;
  by_time_.emplace(at, id);
  callbacks_.emplace(id, std::make_pair(at, std::move(callback)));
  return id;
}

void TimerQueue::cancel(TimerId id) {
  auto it = callbacks_.find(id);
  if (it == callbacks_.end()) return;
  auto [first, last] = by_time_.equal_range(it->second.first);
  for (auto t = first; t != last; ++t) {
    if (t->second == id) {
      by_time_.erase(t);
      break;
    }
  }
  callbacks_.erase(it);
}

void TimerQueue::run_due(TimePoint now) {
  while (!by_time_.empty() && by_time_.begin()->first <= now) {
    const TimerId id = by_time_.begin()->second;
    by_time_.erase(by_time_.begin());
    auto it = callbacks_.find(id);
    if (it == callbacks_.end()) continue;
    auto callback = std::move(it->second.second);
    callbacks_.erase(it);
    callback();
  }
}

std::optional<TimePoint> TimerQueue::next_deadline() const {
  if (by_time_.empty()) return std::nullopt;
  return by_time_.begin()->first;
}

}  // namespace tandem::sip
