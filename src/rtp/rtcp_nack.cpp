#include "rtp/rtcp_nack.hpp"

#include "common/byte_io.hpp"

namespace tandem::rtp {

size_t pack_nack_items(std::span<const uint16_t> lost, std::span<NackItem> out) noexcept {
  size_t n = 0;
  for (const uint16_t seq : lost) {
    if (n > 0) {
      const uint16_t diff = static_cast<uint16_t>(seq - out[n - 1].pid);
      if (diff == 0) continue;  // duplicate of the PID
      if (diff <= 16) {
        out[n - 1].blp = static_cast<uint16_t>(out[n - 1].blp | (1u << (diff - 1)));
        continue;
      }
    }
    if (n == out.size()) break;
    out[n++] = NackItem{seq, 0};
  }
  return n;
}

ParseResult<NackView> NackView::parse(const RtcpPacket& packet) noexcept {
  if (!packet.is(RtcpType::kRtpFeedback) || packet.fmt() != kNackFmt) {
    return ParseError::kWrongType;
  }
  NackView v;
  v.body_ = packet.body();
  // Sender SSRC, media SSRC, then at least one 4-byte FCI entry.
  if (v.body_.size() < 12 || (v.body_.size() - 8) % 4 != 0) return ParseError::kBadBody;
  return v;
}

uint32_t NackView::sender_ssrc() const noexcept { return load_be32(&body_[0]); }
uint32_t NackView::media_ssrc() const noexcept { return load_be32(&body_[4]); }
NackItem NackView::item(size_t i) const noexcept {
  const uint8_t* p = &body_[8 + 4 * i];
  return NackItem{load_be16(p), load_be16(p + 2)};
}

}  // namespace tandem::rtp
