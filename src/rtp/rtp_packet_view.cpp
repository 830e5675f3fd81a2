#include "rtp/rtp_packet_view.hpp"

#include "common/byte_io.hpp"

namespace tandem::rtp {

ParseResult<RtpPacketView> RtpPacketView::parse(std::span<uint8_t> packet) noexcept {
  if (packet.size() < kRtpFixedHeaderSize) return ParseError::kTooShort;
  // An IP datagram never exceeds 65535 bytes; offsets are kept in 16 bits.
  if (packet.size() > 0xFFFF) return ParseError::kTooShort;
  if ((packet[0] >> 6) != 2) return ParseError::kBadVersion;

  RtpPacketView view;
  view.data_ = packet;
  size_t offset = kRtpFixedHeaderSize + 4 * size_t{packet[0] & 0x0Fu};
  if (offset > packet.size()) return ParseError::kCsrcOverrun;

  if ((packet[0] & 0x10) != 0) {
    if (offset + 4 > packet.size()) return ParseError::kExtensionOverrun;
    const uint16_t profile = load_be16(&packet[offset]);
    const size_t length = 4 * size_t{load_be16(&packet[offset + 2])};
    if (offset + 4 + length > packet.size()) return ParseError::kExtensionOverrun;
    view.extension_offset_ = static_cast<uint16_t>(offset);
    if (profile == kOneByteExtensionProfile) {
      view.form_ = ExtensionForm::kOneByte;
    } else if ((profile & kTwoByteExtensionProfileMask) == kTwoByteExtensionProfile) {
      view.form_ = ExtensionForm::kTwoByte;
    } else {
      view.form_ = ExtensionForm::kOther;
    }
    if (view.form_ != ExtensionForm::kOther &&
        !walk_elements(view.form_, packet.subspan(offset + 4, length),
                       [](const ExtensionElement&) { return false; })) {
      return ParseError::kExtensionOverrun;
    }
    offset += 4 + length;
  }
  view.header_size_ = static_cast<uint16_t>(offset);

  if ((packet[0] & 0x20) != 0) {
    // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
    const uint8_t padding = packet.back();
    if (padding == 0 || padding > packet.size() - offset) return ParseError::kBadPadding;
    view.padding_size_ = padding;
  }
  return view;
}

uint16_t RtpPacketView::sequence() const noexcept { return load_be16(&data_[2]); }
uint32_t RtpPacketView::timestamp() const noexcept { return load_be32(&data_[4]); }
uint32_t RtpPacketView::ssrc() const noexcept { return load_be32(&data_[8]); }
uint32_t RtpPacketView::csrc(size_t index) const noexcept {
  return load_be32(&data_[kRtpFixedHeaderSize + 4 * index]);
}

void RtpPacketView::set_marker(bool marker) noexcept {
  data_[1] = static_cast<uint8_t>((data_[1] & 0x7F) | (marker ? 0x80 : 0));
}
void RtpPacketView::set_payload_type(uint8_t payload_type) noexcept {
  data_[1] = static_cast<uint8_t>((data_[1] & 0x80) | (payload_type & 0x7F));
}
void RtpPacketView::set_sequence(uint16_t sequence) noexcept { store_be16(&data_[2], sequence); }
void RtpPacketView::set_timestamp(uint32_t timestamp) noexcept { store_be32(&data_[4], timestamp); }
void RtpPacketView::set_ssrc(uint32_t ssrc) noexcept { store_be32(&data_[8], ssrc); }

uint16_t RtpPacketView::extension_profile() const noexcept {
  return extension_offset_ == 0 ? 0 : load_be16(&data_[extension_offset_]);
}

std::span<uint8_t> RtpPacketView::extension_data() const noexcept {
  if (extension_offset_ == 0) return {};
  const size_t begin = size_t{extension_offset_} + 4;
  return data_.subspan(begin, header_size_ - begin);
}

std::span<uint8_t> RtpPacketView::extension(uint8_t id) const noexcept {
  if (id == 0 || (form_ != ExtensionForm::kOneByte && form_ != ExtensionForm::kTwoByte)) {
    return {};
  }
  std::span<uint8_t> found;
  walk_elements(form_, extension_data(), [&](const ExtensionElement& e) {
    if (e.id != id) return false;
    found = e.data;
    return true;
  });
  return found;
}

}  // namespace tandem::rtp
