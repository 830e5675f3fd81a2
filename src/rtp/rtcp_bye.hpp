// Goodbye (RFC 3550 §6.6): the SSRCs leaving and an optional reason.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "rtp/parse_result.hpp"
#include "rtp/rtcp_packet.hpp"

namespace tandem::rtp {

class ByeView {
 public:
  static ParseResult<ByeView> parse(const RtcpPacket& packet) noexcept;

  size_t ssrc_count() const noexcept { return count_; }
  uint32_t ssrc(size_t i) const noexcept;  // i < ssrc_count()
  std::string_view reason() const noexcept { return reason_; }

 private:
  std::span<const uint8_t> body_;
  size_t count_ = 0;
  std::string_view reason_;
};

}  // namespace tandem::rtp
