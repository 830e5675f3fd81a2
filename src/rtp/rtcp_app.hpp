// Application-defined RTCP (RFC 3550 §6.7): subtype, SSRC, four-character name, opaque data.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "rtp/parse_result.hpp"
#include "rtp/rtcp_packet.hpp"

namespace tandem::rtp {

class AppView {
 public:
  static ParseResult<AppView> parse(const RtcpPacket& packet) noexcept;

  uint8_t subtype() const noexcept { return subtype_; }
  uint32_t ssrc() const noexcept;
  std::string_view name() const noexcept {
    return std::string_view(reinterpret_cast<const char*>(body_.data() + 4), 4);
  }
  std::span<const uint8_t> data() const noexcept { return body_.subspan(8); }

 private:
  std::span<const uint8_t> body_;
  uint8_t subtype_ = 0;
};

}  // namespace tandem::rtp
