// NTP timestamps (RFC 3550 §4) and their conversion from the injected monotonic clock. Code never
// reads a wall clock itself: an NtpClock is anchored once (at start-up) with the NTP time that
// corresponds to a steady TimePoint, and every later conversion is arithmetic.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "common/clock.hpp"

namespace tandem::rtp {

// 64-bit NTP timestamp: seconds since 1900-01-01 and a 32-bit binary fraction.
struct NtpTime {
  uint32_t seconds = 0;
  uint32_t fraction = 0;

  constexpr uint64_t to_u64() const noexcept { return (uint64_t{seconds} << 32) | fraction; }
  static constexpr NtpTime from_u64(uint64_t v) noexcept {
    return NtpTime{static_cast<uint32_t>(v >> 32), static_cast<uint32_t>(v)};
  }
  // The "middle 32 bits" (16.16 fixed point) used by LSR, DLSR and RTT (RFC 3550 §6.4.1).
  constexpr uint32_t short_format() const noexcept { return static_cast<uint32_t>(to_u64() >> 16); }
  friend constexpr bool operator==(NtpTime, NtpTime) noexcept = default;
};

// Seconds between the NTP era 0 epoch (1900) and the Unix epoch (1970).
inline constexpr uint64_t kNtpUnixEpochOffsetSeconds = 2'208'988'800ULL;

// A duration as a 16.16 NTP short value (DLSR), rounded to nearest and saturated at 0xFFFFFFFF.
uint32_t to_ntp_short(std::chrono::nanoseconds d) noexcept;
// A 16.16 NTP short value as a duration (exact to the nanosecond, rounded down).
std::chrono::nanoseconds from_ntp_short(uint32_t v) noexcept;
// A duration since the Unix epoch as an NTP timestamp (the wall clock value comes from outside).
NtpTime ntp_from_unix(std::chrono::nanoseconds since_unix_epoch) noexcept;

// RFC 3550 §6.4.1 / A.8 round-trip time seen by a sender that receives a report block:
// RTT = A - LSR - DLSR (all NTP short). Empty when the block carries no LSR (no SR received yet)
// or the result is negative (clock skew, bogus block).
std::optional<std::chrono::nanoseconds> rtt_from_report(uint32_t arrival_ntp_short, uint32_t lsr,
                                                        uint32_t dlsr) noexcept;

// Maps the monotonic TimePoint to NTP, given one injected correspondence.
class NtpClock {
 public:
  NtpClock() = default;
  NtpClock(TimePoint anchor, NtpTime ntp_at_anchor) noexcept
      : anchor_(anchor), ntp_at_anchor_(ntp_at_anchor) {}

  NtpTime to_ntp(TimePoint t) const noexcept;

 private:
  TimePoint anchor_{};
  NtpTime ntp_at_anchor_{};
};

// Ticks of a `clock_rate` Hz media clock in `d` (rounded down; negative durations give negative
// ticks). Used for arrival times in timestamp units and for timestamp extrapolation.
int64_t to_rtp_ticks(std::chrono::nanoseconds d, uint32_t clock_rate) noexcept;

}  // namespace tandem::rtp
