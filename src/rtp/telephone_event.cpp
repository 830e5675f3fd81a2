#include "rtp/telephone_event.hpp"

#include "common/byte_io.hpp"

namespace tandem::rtp {

std::optional<TelephoneEvent> TelephoneEvent::parse(std::span<const uint8_t> payload) noexcept {
  if (payload.size() < kSize) return std::nullopt;
  TelephoneEvent e;
  e.event = payload[0];
  e.end = (payload[1] & 0x80) != 0;
  e.volume = payload[1] & 0x3F;
  e.duration = load_be16(&payload[2]);
  return e;
}

size_t TelephoneEvent::write(std::span<uint8_t> out) const noexcept {
  if (out.size() < kSize) return 0;
  out[0] = event;
  out[1] = static_cast<uint8_t>((end ? 0x80 : 0) | (volume & 0x3F));
  store_be16(&out[2], duration);
  return kSize;
}

uint16_t rescale_event_duration(uint32_t duration, uint32_t from_rate, uint32_t to_rate) noexcept {
  if (from_rate == 0) return 0;
  const uint64_t scaled = (uint64_t{duration} * to_rate + from_rate / 2) / from_rate;
  return scaled > 0xFFFF ? 0xFFFF : static_cast<uint16_t>(scaled);
}

uint32_t rescale_timestamp_delta(uint32_t delta, uint32_t from_rate, uint32_t to_rate) noexcept {
  if (from_rate == 0) return 0;
  return static_cast<uint32_t>((uint64_t{delta} * to_rate + from_rate / 2) / from_rate);
}

char dtmf_char(uint8_t event) noexcept {
  static constexpr char kChars[] = "0123456789*#ABCD";
  return event < 16 ? kChars[event] : '\0';
}

std::optional<uint8_t> dtmf_event(char c) noexcept {
  if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
  if (c == '*') return 10;
  if (c == '#') return 11;
  if (c >= 'A' && c <= 'D') return static_cast<uint8_t>(12 + c - 'A');
  if (c >= 'a' && c <= 'd') return static_cast<uint8_t>(12 + c - 'a');
  return std::nullopt;
}

}  // namespace tandem::rtp
