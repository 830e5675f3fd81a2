// Payload-specific feedback, PT 206: Picture Loss Indication (RFC 4585 §6.3.1, FMT 1), Full Intra
// Request (RFC 5104 §4.3.1, FMT 4) and Receiver Estimated Maximum Bitrate (FMT 15 "REMB",
// draft-alvestrand-rmcat-remb), parsed to pass the estimate through.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "rtp/parse_result.hpp"
#include "rtp/rtcp_packet.hpp"

namespace tandem::rtp {

inline constexpr uint8_t kPliFmt = 1;
inline constexpr uint8_t kFirFmt = 4;
inline constexpr uint8_t kAfbFmt = 15;  // application layer feedback; REMB is one of them

class PliView {
 public:
  // Any FCI after the two SSRCs is ignored (PLI defines none).
  static ParseResult<PliView> parse(const RtcpPacket& packet) noexcept;
  uint32_t sender_ssrc() const noexcept;
  uint32_t media_ssrc() const noexcept;

 private:
  std::span<const uint8_t> body_;
};

struct FirEntry {
  uint32_t ssrc = 0;
  uint8_t sequence = 0;
  friend bool operator==(const FirEntry&, const FirEntry&) noexcept = default;
};

class FirView {
 public:
  static ParseResult<FirView> parse(const RtcpPacket& packet) noexcept;
  uint32_t sender_ssrc() const noexcept;
  uint32_t media_ssrc() const noexcept;  // 0 per RFC 5104; the FCI names the targets
  size_t entry_count() const noexcept { return (body_.size() - 8) / 8; }
  FirEntry entry(size_t i) const noexcept;

 private:
  std::span<const uint8_t> body_;
};

class RembView {
 public:
  static constexpr size_t kMaxSsrcs = 255;
  // kWrongType for other AFB messages (no "REMB" identifier); kBadBody when the SSRC list does
  // not fit or mantissa << exponent overflows 64 bits.
  static ParseResult<RembView> parse(const RtcpPacket& packet) noexcept;
  uint32_t sender_ssrc() const noexcept;
  uint64_t bitrate_bps() const noexcept { return bitrate_; }
  size_t ssrc_count() const noexcept { return body_[12]; }
  uint32_t ssrc(size_t i) const noexcept;

 private:
  std::span<const uint8_t> body_;
  uint64_t bitrate_ = 0;
};

// REMB's 6-bit exponent and 18-bit mantissa for a bitrate: the smallest exponent that fits, so the
// value is exact when representable and rounded down otherwise.
struct RembBitrate {
  uint8_t exponent = 0;
  uint32_t mantissa = 0;
};
RembBitrate encode_remb_bitrate(uint64_t bps) noexcept;

}  // namespace tandem::rtp
