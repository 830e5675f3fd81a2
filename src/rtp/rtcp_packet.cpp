#include "rtp/rtcp_packet.hpp"

#include "common/byte_io.hpp"

namespace tandem::rtp {

std::span<const uint8_t> RtcpPacket::body() const noexcept {
  return bytes_.subspan(kRtcpHeaderSize, bytes_.size() - kRtcpHeaderSize - padding_size());
}

ParseResult<RtcpCompound> RtcpCompound::parse(std::span<const uint8_t> datagram,
                                              RtcpParseOptions options) noexcept {
  if (datagram.size() < kRtcpHeaderSize) return ParseError::kTooShort;
  RtcpCompound compound;
  compound.bytes_ = datagram;
  size_t offset = 0;
  while (offset < datagram.size()) {
    if (datagram.size() - offset < kRtcpHeaderSize) return ParseError::kLengthMismatch;
    const uint8_t* p = &datagram[offset];
    if ((p[0] >> 6) != 2) return ParseError::kBadVersion;
    if (offset == 0 && !options.allow_reduced_size &&
        p[1] != static_cast<uint8_t>(RtcpType::kSenderReport) &&
        p[1] != static_cast<uint8_t>(RtcpType::kReceiverReport)) {
      return ParseError::kNotReport;
    }
    const size_t size = 4 * (size_t{load_be16(p + 2)} + 1);
    if (size > datagram.size() - offset) return ParseError::kLengthMismatch;
    const bool last = offset + size == datagram.size();
    if ((p[0] & 0x20) != 0) {
      if (!last) return ParseError::kPaddingNotLast;
      const uint8_t padding = p[size - 1];
      if (padding == 0 || padding > size - kRtcpHeaderSize) return ParseError::kBadPadding;
    }
    offset += size;
    ++compound.count_;
  }
  return compound;
}

size_t RtcpCompound::Iterator::packet_size() const noexcept {
  return 4 * (size_t{load_be16(&rest_[2])} + 1);
}

RtcpPacket RtcpCompound::Iterator::operator*() const noexcept {
  return RtcpPacket(rest_.first(packet_size()));
}

RtcpCompound::Iterator& RtcpCompound::Iterator::operator++() noexcept {
  rest_ = rest_.subspan(packet_size());
  return *this;
}

}  // namespace tandem::rtp
