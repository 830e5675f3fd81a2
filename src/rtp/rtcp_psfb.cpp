#include "rtp/rtcp_psfb.hpp"

#include "common/byte_io.hpp"

namespace tandem::rtp {

namespace {
bool is_psfb(const RtcpPacket& packet, uint8_t fmt) noexcept {
  return packet.is(RtcpType::kPayloadFeedback) && packet.fmt() == fmt;
}
}  // namespace

ParseResult<PliView> PliView::parse(const RtcpPacket& packet) noexcept {
  if (!is_psfb(packet, kPliFmt)) return ParseError::kWrongType;
  PliView v;
  v.body_ = packet.body();
  if (v.body_.size() < 8) return ParseError::kBadBody;
  return v;
}
uint32_t PliView::sender_ssrc() const noexcept { return load_be32(&body_[0]); }
uint32_t PliView::media_ssrc() const noexcept { return load_be32(&body_[4]); }

ParseResult<FirView> FirView::parse(const RtcpPacket& packet) noexcept {
  if (!is_psfb(packet, kFirFmt)) return ParseError::kWrongType;
  FirView v;
  v.body_ = packet.body();
  if (v.body_.size() < 16 || (v.body_.size() - 8) % 8 != 0) return ParseError::kBadBody;
  return v;
}
uint32_t FirView::sender_ssrc() const noexcept { return load_be32(&body_[0]); }
uint32_t FirView::media_ssrc() const noexcept { return load_be32(&body_[4]); }
FirEntry FirView::entry(size_t i) const noexcept {
  const uint8_t* p = &body_[8 + 8 * i];
  return FirEntry{load_be32(p), p[4]};
}

ParseResult<RembView> RembView::parse(const RtcpPacket& packet) noexcept {
  if (!is_psfb(packet, kAfbFmt)) return ParseError::kWrongType;
  RembView v;
  v.body_ = packet.body();
  // Sender SSRC, media SSRC (0), "REMB", Num SSRC | BR Exp | BR Mantissa, SSRC feedback list.
  if (v.body_.size() < 16) return ParseError::kBadBody;
  const uint8_t* p = v.body_.data();
  if (p[8] != 'R' || p[9] != 'E' || p[10] != 'M' || p[11] != 'B') return ParseError::kWrongType;
  const size_t count = p[12];
  if (v.body_.size() < 16 + 4 * count) return ParseError::kBadBody;
  const uint8_t exponent = p[13] >> 2;
  const uint64_t mantissa = load_be24(p + 13) & 0x3FFFF;
  const uint64_t bitrate = mantissa << exponent;
  if ((bitrate >> exponent) != mantissa) return ParseError::kBadBody;
  v.bitrate_ = bitrate;
  return v;
}
uint32_t RembView::sender_ssrc() const noexcept { return load_be32(&body_[0]); }
uint32_t RembView::ssrc(size_t i) const noexcept { return load_be32(&body_[16 + 4 * i]); }

RembBitrate encode_remb_bitrate(uint64_t bps) noexcept {
  uint8_t exponent = 0;
  while ((bps >> exponent) > 0x3FFFF) ++exponent;
  return RembBitrate{exponent, static_cast<uint32_t>(bps >> exponent)};
}

}  // namespace tandem::rtp
