#include "rtp/rtcp_bye.hpp"

#include "common/byte_io.hpp"

namespace tandem::rtp {

ParseResult<ByeView> ByeView::parse(const RtcpPacket& packet) noexcept {
  if (!packet.is(RtcpType::kBye)) return ParseError::kWrongType;
  ByeView v;
  v.body_ = packet.body();
  v.count_ = packet.count();
  const size_t ssrc_bytes = 4 * v.count_;
  if (v.body_.size() < ssrc_bytes) return ParseError::kBadBody;
  const auto rest = v.body_.subspan(ssrc_bytes);
  if (!rest.empty()) {
    const size_t len = rest[0];
    if (rest.size() - 1 < len) return ParseError::kBadBody;
    v.reason_ = std::string_view(reinterpret_cast<const char*>(rest.data() + 1), len);
  }
  return v;
}

uint32_t ByeView::ssrc(size_t i) const noexcept { return load_be32(&body_[4 * i]); }

}  // namespace tandem::rtp
