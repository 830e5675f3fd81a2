#include "rtp/rtcp_app.hpp"

#include "common/byte_io.hpp"

namespace tandem::rtp {

ParseResult<AppView> AppView::parse(const RtcpPacket& packet) noexcept {
  if (!packet.is(RtcpType::kApp)) return ParseError::kWrongType;
  AppView v;
  v.body_ = packet.body();
  v.subtype_ = packet.count();
  if (v.body_.size() < 8) return ParseError::kBadBody;
  return v;
}

uint32_t AppView::ssrc() const noexcept { return load_be32(body_.data()); }

}  // namespace tandem::rtp
