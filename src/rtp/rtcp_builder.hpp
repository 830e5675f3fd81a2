// RtcpBuilder: appends RTCP packets to a caller-owned buffer, forming a compound packet
// (RFC 3550 §6.1). Each add_* writes one whole packet or, when it would not fit or an argument is
// out of range, writes nothing and returns false. No allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "rtp/rtcp_nack.hpp"
#include "rtp/rtcp_packet.hpp"
#include "rtp/rtcp_psfb.hpp"
#include "rtp/rtcp_report.hpp"

namespace tandem::rtp {

class RtcpBuilder {
 public:
  static constexpr size_t kMaxReportBlocks = 31;  // 5-bit count
  static constexpr size_t kMaxSsrcs = 31;         // BYE source count

  explicit RtcpBuilder(std::span<uint8_t> buffer) noexcept : buffer_(buffer) {}

  bool add_sender_report(uint32_t ssrc, const SenderInfo& info,
                         std::span<const ReportBlock> blocks) noexcept;
  bool add_receiver_report(uint32_t ssrc, std::span<const ReportBlock> blocks) noexcept;
  // One chunk with a CNAME item (at most 255 octets), null-terminated and padded.
  bool add_sdes_cname(uint32_t ssrc, std::string_view cname) noexcept;
  // Reason at most 255 octets, zero padded.
  bool add_bye(std::span<const uint32_t> ssrcs, std::string_view reason = {}) noexcept;
  // Name exactly 4 characters; data a multiple of 4 octets.
  bool add_app(uint8_t subtype, uint32_t ssrc, std::string_view name,
               std::span<const uint8_t> data) noexcept;
  bool add_nack(uint32_t sender_ssrc, uint32_t media_ssrc,
                std::span<const NackItem> items) noexcept;
  bool add_pli(uint32_t sender_ssrc, uint32_t media_ssrc) noexcept;
  bool add_fir(uint32_t sender_ssrc, std::span<const FirEntry> entries) noexcept;
  // At most 255 SSRCs; the bitrate is encoded with encode_remb_bitrate().
  bool add_remb(uint32_t sender_ssrc, uint64_t bitrate_bps,
                std::span<const uint32_t> ssrcs) noexcept;

  std::span<const uint8_t> data() const noexcept { return buffer_.first(size_); }
  size_t size() const noexcept { return size_; }
  void clear() noexcept { size_ = 0; }

 private:
  // Reserves `size` bytes (a multiple of 4) and writes the common header; nullptr if no room.
  uint8_t* begin_packet(size_t size, uint8_t count, RtcpType type) noexcept;

  std::span<uint8_t> buffer_;
  size_t size_ = 0;
};

}  // namespace tandem::rtp
