// Sender and receiver reports (RFC 3550 §6.4.1, §6.4.2) and their report blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "rtp/ntp_time.hpp"
#include "rtp/parse_result.hpp"
#include "rtp/rtcp_packet.hpp"

namespace tandem::rtp {

// One reception report block, decoded.
struct ReportBlock {
  static constexpr size_t kSize = 24;

  uint32_t ssrc = 0;            // SSRC_n: the source this block reports on
  uint8_t fraction_lost = 0;    // 8-bit fixed point, lost/expected since the previous report
  int32_t cumulative_lost = 0;  // signed 24 bits: -8388608..8388607
  uint32_t extended_highest_sequence = 0;
  uint32_t jitter = 0;               // timestamp units
  uint32_t last_sr = 0;              // LSR: NTP short of the last SR received, 0 if none
  uint32_t delay_since_last_sr = 0;  // DLSR: 1/65536 s

  static ReportBlock read(const uint8_t* p) noexcept;  // p points at kSize readable bytes
  void write(uint8_t* p) const noexcept;               // p points at kSize writable bytes
  friend bool operator==(const ReportBlock&, const ReportBlock&) noexcept = default;
};

// The sender information of an SR.
struct SenderInfo {
  static constexpr size_t kSize = 20;

  NtpTime ntp;
  uint32_t rtp_timestamp = 0;
  uint32_t packet_count = 0;
  uint32_t octet_count = 0;

  static SenderInfo read(const uint8_t* p) noexcept;
  void write(uint8_t* p) const noexcept;
  friend bool operator==(const SenderInfo&, const SenderInfo&) noexcept = default;
};

// Shared by SR and RR: the report blocks that follow the fixed part.
class ReportBlockList {
 public:
  ReportBlockList() = default;
  ReportBlockList(std::span<const uint8_t> bytes, uint8_t count) noexcept
      : bytes_(bytes), count_(count) {}
  size_t size() const noexcept { return count_; }
  ReportBlock operator[](size_t i) const noexcept {
    return ReportBlock::read(&bytes_[i * ReportBlock::kSize]);
  }

 private:
  std::span<const uint8_t> bytes_;
  uint8_t count_ = 0;
};

class SenderReportView {
 public:
  static constexpr size_t kFixedSize = kRtcpHeaderSize + 4 + SenderInfo::kSize;  // 28
  // kWrongType unless PT 200; kBadBody when the report blocks do not fit.
  static ParseResult<SenderReportView> parse(const RtcpPacket& packet) noexcept;

  uint32_t ssrc() const noexcept;
  SenderInfo sender_info() const noexcept { return SenderInfo::read(&bytes_[8]); }
  const ReportBlockList& report_blocks() const noexcept { return blocks_; }
  // Profile-specific extension bytes after the report blocks (padding excluded).
  std::span<const uint8_t> extension() const noexcept { return extension_; }

 private:
  std::span<const uint8_t> bytes_;
  ReportBlockList blocks_;
  std::span<const uint8_t> extension_;
};

class ReceiverReportView {
 public:
  static constexpr size_t kFixedSize = kRtcpHeaderSize + 4;  // 8
  static ParseResult<ReceiverReportView> parse(const RtcpPacket& packet) noexcept;

  uint32_t ssrc() const noexcept;
  const ReportBlockList& report_blocks() const noexcept { return blocks_; }
  std::span<const uint8_t> extension() const noexcept { return extension_; }

 private:
  std::span<const uint8_t> bytes_;
  ReportBlockList blocks_;
  std::span<const uint8_t> extension_;
};

}  // namespace tandem::rtp
