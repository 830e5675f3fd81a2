#include "rtp/rtcp_builder.hpp"

#include <cstring>

#include "common/byte_io.hpp"
#include "rtp/rtcp_sdes.hpp"

namespace tandem::rtp {

namespace {
constexpr size_t pad4(size_t n) noexcept { return (n + 3) & ~size_t{3}; }
}  // namespace

uint8_t* RtcpBuilder::begin_packet(size_t size, uint8_t count, RtcpType type) noexcept {
  if (size > buffer_.size() - size_ || size / 4 - 1 > 0xFFFF) return nullptr;
  uint8_t* p = buffer_.data() + size_;
  std::memset(p, 0, size);
  p[0] = static_cast<uint8_t>(0x80 | (count & 0x1F));  // V=2, P=0
  p[1] = static_cast<uint8_t>(type);
  store_be16(p + 2, static_cast<uint16_t>(size / 4 - 1));
  size_ += size;
  return p;
}

bool RtcpBuilder::add_sender_report(uint32_t ssrc, const SenderInfo& info,
                                    std::span<const ReportBlock> blocks) noexcept {
  if (blocks.size() > kMaxReportBlocks) return false;
  const size_t size = SenderReportView::kFixedSize + blocks.size() * ReportBlock::kSize;
  uint8_t* p = begin_packet(size, static_cast<uint8_t>(blocks.size()), RtcpType::kSenderReport);
  if (p == nullptr) return false;
  store_be32(p + 4, ssrc);
  info.write(p + 8);
  for (size_t i = 0; i < blocks.size(); ++i) {
    blocks[i].write(p + SenderReportView::kFixedSize + i * ReportBlock::kSize);
  }
  return true;
}

bool RtcpBuilder::add_receiver_report(uint32_t ssrc, std::span<const ReportBlock> blocks) noexcept {
  if (blocks.size() > kMaxReportBlocks) return false;
  const size_t size = ReceiverReportView::kFixedSize + blocks.size() * ReportBlock::kSize;
  uint8_t* p = begin_packet(size, static_cast<uint8_t>(blocks.size()), RtcpType::kReceiverReport);
  if (p == nullptr) return false;
  store_be32(p + 4, ssrc);
  for (size_t i = 0; i < blocks.size(); ++i) {
    blocks[i].write(p + ReceiverReportView::kFixedSize + i * ReportBlock::kSize);
  }
  return true;
}

bool RtcpBuilder::add_sdes_cname(uint32_t ssrc, std::string_view cname) noexcept {
  if (cname.size() > 255) return false;
  // Header, SSRC, type, length, text, at least one null octet, padded to 32 bits.
  const size_t size = 4 + pad4(4 + 2 + cname.size() + 1);
  uint8_t* p = begin_packet(size, 1, RtcpType::kSdes);
  if (p == nullptr) return false;
  store_be32(p + 4, ssrc);
  p[8] = static_cast<uint8_t>(SdesType::kCname);
  p[9] = static_cast<uint8_t>(cname.size());
  if (!cname.empty()) std::memcpy(p + 10, cname.data(), cname.size());
  return true;  // terminator and padding are the zeroes begin_packet wrote
}

bool RtcpBuilder::add_bye(std::span<const uint32_t> ssrcs, std::string_view reason) noexcept {
  if (ssrcs.size() > kMaxSsrcs || reason.size() > 255) return false;
  const size_t reason_size = reason.empty() ? 0 : pad4(1 + reason.size());
  const size_t size = 4 + 4 * ssrcs.size() + reason_size;
  uint8_t* p = begin_packet(size, static_cast<uint8_t>(ssrcs.size()), RtcpType::kBye);
  if (p == nullptr) return false;
  for (size_t i = 0; i < ssrcs.size(); ++i) store_be32(p + 4 + 4 * i, ssrcs[i]);
  if (!reason.empty()) {
    uint8_t* r = p + 4 + 4 * ssrcs.size();
    r[0] = static_cast<uint8_t>(reason.size());
    std::memcpy(r + 1, reason.data(), reason.size());
  }
  return true;
}

bool RtcpBuilder::add_app(uint8_t subtype, uint32_t ssrc, std::string_view name,
                          std::span<const uint8_t> data) noexcept {
  if (subtype > 31 || name.size() != 4 || data.size() % 4 != 0) return false;
  uint8_t* p = begin_packet(12 + data.size(), subtype, RtcpType::kApp);
  if (p == nullptr) return false;
  store_be32(p + 4, ssrc);
  std::memcpy(p + 8, name.data(), 4);
  if (!data.empty()) std::memcpy(p + 12, data.data(), data.size());
  return true;
}

bool RtcpBuilder::add_nack(uint32_t sender_ssrc, uint32_t media_ssrc,
                           std::span<const NackItem> items) noexcept {
  if (items.empty()) return false;
  uint8_t* p = begin_packet(12 + 4 * items.size(), kNackFmt, RtcpType::kRtpFeedback);
  if (p == nullptr) return false;
  store_be32(p + 4, sender_ssrc);
  store_be32(p + 8, media_ssrc);
  for (size_t i = 0; i < items.size(); ++i) {
    store_be16(p + 12 + 4 * i, items[i].pid);
    store_be16(p + 14 + 4 * i, items[i].blp);
  }
  return true;
}

bool RtcpBuilder::add_pli(uint32_t sender_ssrc, uint32_t media_ssrc) noexcept {
  uint8_t* p = begin_packet(12, kPliFmt, RtcpType::kPayloadFeedback);
  if (p == nullptr) return false;
  store_be32(p + 4, sender_ssrc);
  store_be32(p + 8, media_ssrc);
  return true;
}

bool RtcpBuilder::add_fir(uint32_t sender_ssrc, std::span<const FirEntry> entries) noexcept {
  if (entries.empty()) return false;
  uint8_t* p = begin_packet(12 + 8 * entries.size(), kFirFmt, RtcpType::kPayloadFeedback);
  if (p == nullptr) return false;
  store_be32(p + 4, sender_ssrc);  // media source SSRC stays 0 (RFC 5104 §4.3.1.2)
  for (size_t i = 0; i < entries.size(); ++i) {
    store_be32(p + 12 + 8 * i, entries[i].ssrc);
    p[16 + 8 * i] = entries[i].sequence;
  }
  return true;
}

bool RtcpBuilder::add_remb(uint32_t sender_ssrc, uint64_t bitrate_bps,
                           std::span<const uint32_t> ssrcs) noexcept {
  if (ssrcs.size() > RembView::kMaxSsrcs) return false;
  uint8_t* p = begin_packet(20 + 4 * ssrcs.size(), kAfbFmt, RtcpType::kPayloadFeedback);
  if (p == nullptr) return false;
  store_be32(p + 4, sender_ssrc);
  std::memcpy(p + 12, "REMB", 4);
  p[16] = static_cast<uint8_t>(ssrcs.size());
  const RembBitrate br = encode_remb_bitrate(bitrate_bps);
  store_be24(p + 17, (uint32_t{br.exponent} << 18) | br.mantissa);
  for (size_t i = 0; i < ssrcs.size(); ++i) store_be32(p + 20 + 4 * i, ssrcs[i]);
  return true;
}

}  // namespace tandem::rtp
