#include "media/packet_class.hpp"

#include "dtls/dtls_types.hpp"
#include "rtp/classify.hpp"

namespace tandem::media {

namespace {
// RFC 8489 §5: a STUN header is 20 bytes and its two most significant bits are zero; RFC 7983
// narrows the first byte to 0..3 on a multiplexed port.
constexpr size_t kStunHeaderSize = 20;
}  // namespace

PacketClass classify_datagram(std::span<const uint8_t> data) noexcept {
  if (data.empty()) return PacketClass::kUnknown;
  const uint8_t first = data[0];
  if (first <= 3)
    return data.size() >= kStunHeaderSize ? PacketClass::kStun : PacketClass::kUnknown;
  if (dtls::looks_like_dtls(data)) return PacketClass::kDtls;
  if (rtp::is_rtcp(data)) return PacketClass::kRtcp;
  if (rtp::is_rtp(data)) return PacketClass::kRtp;
  return PacketClass::kUnknown;
}

std::string_view to_string(PacketClass packet_class) noexcept {
  switch (packet_class) {
    case PacketClass::kStun:
      return "stun";
    case PacketClass::kDtls:
      return "dtls";
    case PacketClass::kRtp:
      return "rtp";
    case PacketClass::kRtcp:
      return "rtcp";
    case PacketClass::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace tandem::media
