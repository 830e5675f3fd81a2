// Stateless first-byte classifiers for a datagram that arrived on a media port.
#pragma once

#include <cstdint>
#include <span>

namespace tandem::rtp {

// RFC 7983 §7: a first byte in 128..191 is RTP or RTCP (STUN is 0..3, DTLS 20..63).
constexpr bool is_rtp_or_rtcp_first_byte(uint8_t b) noexcept { return b >= 128 && b <= 191; }

// RFC 5761 §4: with RTP and RTCP multiplexed on one port, the second byte tells them apart; RTCP
// packet types 192..223 occupy what would be RTP payload types 64..95 with either marker value.
constexpr bool is_rtcp_packet_type(uint8_t second_byte) noexcept {
  return second_byte >= 192 && second_byte <= 223;
}

// An RTP packet: RTP/RTCP first byte, at least the 12-byte fixed header (RFC 3550 §5.1), and a
// payload type outside the RTCP-conflict range 64..95 whatever the marker bit (RFC 5761 §4 rules
// those payload types out on a multiplexed port, so PT 64..95 with M=0 is neither RTP nor RTCP).
constexpr bool is_rtp(std::span<const uint8_t> data) noexcept {
  return data.size() >= 12 && is_rtp_or_rtcp_first_byte(data[0]) &&
         !is_rtcp_packet_type(static_cast<uint8_t>(data[1] | 0x80));
}

// An RTCP packet: RTP/RTCP first byte, at least the 4-byte common header (RFC 3550 §6.4.1), and a
// packet type in 192..223.
constexpr bool is_rtcp(std::span<const uint8_t> data) noexcept {
  return data.size() >= 4 && is_rtp_or_rtcp_first_byte(data[0]) && is_rtcp_packet_type(data[1]);
}

}  // namespace tandem::rtp
