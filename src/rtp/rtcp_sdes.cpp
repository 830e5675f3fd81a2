#include "rtp/rtcp_sdes.hpp"

namespace tandem::rtp {

ParseResult<SdesView> SdesView::parse(const RtcpPacket& packet) noexcept {
  if (!packet.is(RtcpType::kSdes)) return ParseError::kWrongType;
  SdesView v;
  v.body_ = packet.body();
  v.chunks_ = packet.count();
  if (walk(v.body_, v.chunks_, [](size_t, uint32_t, const SdesItem&) { return false; }) < 0) {
    return ParseError::kBadBody;
  }
  return v;
}

std::optional<std::string_view> SdesView::cname(uint32_t ssrc) const noexcept {
  std::optional<std::string_view> found;
  walk(body_, chunks_, [&](size_t, uint32_t s, const SdesItem& item) {
    if (s != ssrc || item.type != static_cast<uint8_t>(SdesType::kCname)) return false;
    found = item.text;
    return true;
  });
  return found;
}

std::optional<std::string_view> SdesView::first_cname() const noexcept {
  std::optional<std::string_view> found;
  walk(body_, chunks_, [&](size_t, uint32_t, const SdesItem& item) {
    if (item.type != static_cast<uint8_t>(SdesType::kCname)) return false;
    found = item.text;
    return true;
  });
  return found;
}

}  // namespace tandem::rtp
