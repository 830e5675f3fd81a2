// RFC 7983 demultiplexing of one datagram received on a worker's shared UDP port: the first
// byte tells STUN (0-3), DTLS (20-63) and RTP/RTCP (128-191) apart; RFC 5761 §4 then splits RTP
// from RTCP on the rtcp-mux port by the packet type byte.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace tandem::media {

enum class PacketClass : uint8_t { kStun, kDtls, kRtp, kRtcp, kUnknown };

// Stateless, branch-only; never reads past data.size().
PacketClass classify_datagram(std::span<const uint8_t> data) noexcept;

std::string_view to_string(PacketClass packet_class) noexcept;

}  // namespace tandem::media
