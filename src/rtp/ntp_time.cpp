#include "rtp/ntp_time.hpp"

namespace tandem::rtp {

namespace {
constexpr int64_t kNanosPerSecond = 1'000'000'000;

// Nanoseconds to a 32.32 fixed-point value, wrapping the seconds modulo 2^32 (NTP era).
uint64_t nanos_to_fixed32(uint64_t nanos) noexcept {
  const uint64_t seconds = nanos / kNanosPerSecond;
  const uint64_t rem = nanos % kNanosPerSecond;
  const uint64_t fraction = (rem << 32) / kNanosPerSecond;  // rem < 2^30, no overflow
  return (seconds << 32) + fraction;
}
}  // namespace

uint32_t to_ntp_short(std::chrono::nanoseconds d) noexcept {
  const int64_t n = d.count();
  if (n <= 0) return 0;
  const int64_t seconds = n / kNanosPerSecond;
  if (seconds >= 0x10000) return 0xFFFFFFFF;
  const int64_t rem = n % kNanosPerSecond;
  const int64_t frac = ((rem << 16) + kNanosPerSecond / 2) / kNanosPerSecond;  // rem < 2^30
  const uint64_t value = (static_cast<uint64_t>(seconds) << 16) + static_cast<uint64_t>(frac);
  return value > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<uint32_t>(value);
}

std::chrono::nanoseconds from_ntp_short(uint32_t v) noexcept {
  const int64_t seconds = v >> 16;
  const int64_t frac = v & 0xFFFF;
  return std::chrono::nanoseconds(seconds * kNanosPerSecond + ((frac * kNanosPerSecond) >> 16));
}

NtpTime ntp_from_unix(std::chrono::nanoseconds since_unix_epoch) noexcept {
  const uint64_t nanos = static_cast<uint64_t>(since_unix_epoch.count());
  return NtpTime::from_u64(nanos_to_fixed32(nanos) + (kNtpUnixEpochOffsetSeconds << 32));
}

std::optional<std::chrono::nanoseconds> rtt_from_report(uint32_t arrival_ntp_short, uint32_t lsr,
                                                        uint32_t dlsr) noexcept {
  if (lsr == 0) return std::nullopt;
  // Modulo 2^32 arithmetic; a "negative" RTT shows up as a huge value (top bit set).
  const uint32_t rtt = arrival_ntp_short - lsr - dlsr;
  if ((rtt & 0x80000000u) != 0) return std::nullopt;
  return from_ntp_short(rtt);
}

NtpTime NtpClock::to_ntp(TimePoint t) const noexcept {
  const int64_t delta = std::chrono::duration_cast<std::chrono::nanoseconds>(t - anchor_).count();
  const uint64_t base = ntp_at_anchor_.to_u64();
  if (delta >= 0) return NtpTime::from_u64(base + nanos_to_fixed32(static_cast<uint64_t>(delta)));
  return NtpTime::from_u64(base - nanos_to_fixed32(static_cast<uint64_t>(-delta)));
}

int64_t to_rtp_ticks(std::chrono::nanoseconds d, uint32_t clock_rate) noexcept {
  // Split to avoid overflow: whole seconds times the rate, plus the sub-second remainder.
  const int64_t n = d.count();
  const int64_t seconds = n / kNanosPerSecond;
  const int64_t rem = n % kNanosPerSecond;
  return seconds * clock_rate + rem * static_cast<int64_t>(clock_rate) / kNanosPerSecond;
}

}  // namespace tandem::rtp
