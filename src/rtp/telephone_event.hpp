// RFC 4733 §2.3 telephone-event payload (DTMF digits and other named events) and the duration
// mapping between clock rates (an Opus leg at 48 kHz against a G.711 leg at 8 kHz).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tandem::rtp {

struct TelephoneEvent {
  static constexpr size_t kSize = 4;

  uint8_t event = 0;      // 0-9, 10 '*', 11 '#', 12-15 'A'-'D' (RFC 4733 §3.2), others
  bool end = false;       // E bit: last packet(s) of the event
  uint8_t volume = 0;     // 0..63, power level in -dBm0
  uint16_t duration = 0;  // in timestamp units since the event's RTP timestamp

  // The first 4-byte event of a payload; the reserved R bit is ignored. Empty when too short.
  static std::optional<TelephoneEvent> parse(std::span<const uint8_t> payload) noexcept;
  // Writes 4 bytes (R = 0); returns 0 when `out` is too small.
  size_t write(std::span<uint8_t> out) const noexcept;

  friend bool operator==(const TelephoneEvent&, const TelephoneEvent&) noexcept = default;
};

// Rescales a duration (or any timestamp delta) from one clock rate to another, rounding to nearest
// and saturating at the 16-bit duration field's maximum.
uint16_t rescale_event_duration(uint32_t duration, uint32_t from_rate, uint32_t to_rate) noexcept;
// The same for a 32-bit timestamp delta, wrapping modulo 2^32 like RTP timestamps.
uint32_t rescale_timestamp_delta(uint32_t delta, uint32_t from_rate, uint32_t to_rate) noexcept;

// The DTMF character of an event code, or '\0' for non-DTMF events.
char dtmf_char(uint8_t event) noexcept;
// The event code of a DTMF character ('0'-'9', '*', '#', 'A'-'D', case-insensitive).
std::optional<uint8_t> dtmf_event(char c) noexcept;

}  // namespace tandem::rtp
