#include "rtp/rtcp_report.hpp"

#include "common/byte_io.hpp"

namespace tandem::rtp {

ReportBlock ReportBlock::read(const uint8_t* p) noexcept {
  ReportBlock b;
  b.ssrc = load_be32(p);
  b.fraction_lost = p[4];
  const uint32_t lost = load_be24(p + 5);
  // Sign-extend the 24-bit two's complement value.
  b.cumulative_lost = static_cast<int32_t>(lost << 8) >> 8;
  b.extended_highest_sequence = load_be32(p + 8);
  b.jitter = load_be32(p + 12);
  b.last_sr = load_be32(p + 16);
  b.delay_since_last_sr = load_be32(p + 20);
  return b;
}

void ReportBlock::write(uint8_t* p) const noexcept {
  store_be32(p, ssrc);
  p[4] = fraction_lost;
  int32_t lost = cumulative_lost;
  if (lost > 0x7FFFFF) lost = 0x7FFFFF;
  if (lost < -0x800000) lost = -0x800000;
  store_be24(p + 5, static_cast<uint32_t>(lost) & 0xFFFFFF);
  store_be32(p + 8, extended_highest_sequence);
  store_be32(p + 12, jitter);
  store_be32(p + 16, last_sr);
  store_be32(p + 20, delay_since_last_sr);
}

SenderInfo SenderInfo::read(const uint8_t* p) noexcept {
  SenderInfo s;
  s.ntp = NtpTime{load_be32(p), load_be32(p + 4)};
  s.rtp_timestamp = load_be32(p + 8);
  s.packet_count = load_be32(p + 12);
  s.octet_count = load_be32(p + 16);
  return s;
}

void SenderInfo::write(uint8_t* p) const noexcept {
  store_be32(p, ntp.seconds);
  store_be32(p + 4, ntp.fraction);
  store_be32(p + 8, rtp_timestamp);
  store_be32(p + 12, packet_count);
  store_be32(p + 16, octet_count);
}

namespace {

// Common layout check: `fixed` bytes, then count report blocks, then extension up to padding.
bool split(const RtcpPacket& packet, size_t fixed, std::span<const uint8_t>& bytes,
           ReportBlockList& blocks, std::span<const uint8_t>& extension) noexcept {
  const size_t end = packet.bytes().size() - packet.padding_size();
  const size_t blocks_size = size_t{packet.count()} * ReportBlock::kSize;
  if (end < fixed + blocks_size) return false;
  bytes = packet.bytes();
  blocks = ReportBlockList(bytes.subspan(fixed, blocks_size), packet.count());
  extension = bytes.subspan(fixed + blocks_size, end - fixed - blocks_size);
  return true;
}

}  // namespace

ParseResult<SenderReportView> SenderReportView::parse(const RtcpPacket& packet) noexcept {
  if (!packet.is(RtcpType::kSenderReport)) return ParseError::kWrongType;
  SenderReportView v;
  if (!split(packet, kFixedSize, v.bytes_, v.blocks_, v.extension_)) {
    return ParseError::kBadBody;
  }
  return v;
}

uint32_t SenderReportView::ssrc() const noexcept { return load_be32(&bytes_[4]); }

ParseResult<ReceiverReportView> ReceiverReportView::parse(const RtcpPacket& packet) noexcept {
  if (!packet.is(RtcpType::kReceiverReport)) return ParseError::kWrongType;
  ReceiverReportView v;
  if (!split(packet, kFixedSize, v.bytes_, v.blocks_, v.extension_)) {
    return ParseError::kBadBody;
  }
  return v;
}

uint32_t ReceiverReportView::ssrc() const noexcept { return load_be32(&bytes_[4]); }

}  // namespace tandem::rtp
