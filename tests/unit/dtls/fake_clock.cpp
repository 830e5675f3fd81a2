#include "fake_clock.hpp"

#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>

namespace tandem::dtls::test {
namespace {

std::atomic<int64_t> g_wall_offset_us{0};

}  // namespace

void FakeClock::advance(Duration duration) noexcept {
  if (duration.count() <= 0) return;
  now_ += duration;
  g_wall_offset_us += std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
}

void FakeClock::advance_to(TimePoint when) noexcept {
  if (when <= now_) return;
  const auto step = std::chrono::duration_cast<std::chrono::microseconds>(when - now_);
  now_ = when;
  g_wall_offset_us += step.count();
}

}  // namespace tandem::dtls::test

// Interposes libc's gettimeofday for libssl (the executable's definition wins the dynamic symbol
// lookup; the sanitizer runtimes' interceptors are weak). Real time comes from clock_gettime.
extern "C" int gettimeofday(struct timeval* __restrict tv, void* __restrict /*tz*/) noexcept {
  timespec real{};
  clock_gettime(CLOCK_REALTIME, &real);
  const int64_t us = static_cast<int64_t>(real.tv_sec) * 1000000 + real.tv_nsec / 1000 +
                     tandem::dtls::test::g_wall_offset_us.load();
  tv->tv_sec = static_cast<time_t>(us / 1000000);
  tv->tv_usec = static_cast<suseconds_t>(us % 1000000);
  return 0;
}
