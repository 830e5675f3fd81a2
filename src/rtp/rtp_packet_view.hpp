// RtpPacketView: a validated view over one RTP packet in a mutable buffer (RFC 3550 §5.1), with
// header extensions in the one-byte and two-byte forms of RFC 8285. Setters rewrite fields in
// place. No allocation, no exceptions: a view is three offsets into the caller's buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "rtp/parse_result.hpp"

namespace tandem::rtp {

// RFC 8285 §4.2 / §4.3 "defined by profile" values.
inline constexpr uint16_t kOneByteExtensionProfile = 0xBEDE;
inline constexpr uint16_t kTwoByteExtensionProfileMask = 0xFFF0;
inline constexpr uint16_t kTwoByteExtensionProfile = 0x1000;
inline constexpr size_t kRtpFixedHeaderSize = 12;

enum class ExtensionForm : uint8_t { kNone, kOneByte, kTwoByte, kOther };

// One element of an RFC 8285 extension block.
struct ExtensionElement {
  uint8_t id = 0;
  std::span<uint8_t> data;
};

class RtpPacketView {
 public:
  // Validates version, CSRC list, extension block (and, for RFC 8285 forms, every element) and
  // padding. The view keeps pointing into `packet`; it must outlive the view.
  static ParseResult<RtpPacketView> parse(std::span<uint8_t> packet) noexcept;

  // Fixed header fields.
  uint8_t version() const noexcept { return data_[0] >> 6; }
  bool has_padding() const noexcept { return (data_[0] & 0x20) != 0; }
  bool has_extension() const noexcept { return (data_[0] & 0x10) != 0; }
  uint8_t csrc_count() const noexcept { return data_[0] & 0x0F; }
  bool marker() const noexcept { return (data_[1] & 0x80) != 0; }
  uint8_t payload_type() const noexcept { return data_[1] & 0x7F; }
  uint16_t sequence() const noexcept;
  uint32_t timestamp() const noexcept;
  uint32_t ssrc() const noexcept;
  uint32_t csrc(size_t index) const noexcept;  // index < csrc_count()

  // In-place rewrites (big-endian writes into the buffer).
  void set_marker(bool marker) noexcept;
  void set_payload_type(uint8_t payload_type) noexcept;  // 0..127
  void set_sequence(uint16_t sequence) noexcept;
  void set_timestamp(uint32_t timestamp) noexcept;
  void set_ssrc(uint32_t ssrc) noexcept;

  // Header extension. extension_profile() is 0 and extension_data() empty without one.
  ExtensionForm extension_form() const noexcept { return form_; }
  uint16_t extension_profile() const noexcept;
  std::span<uint8_t> extension_data() const noexcept;
  // The element with this id (1..14 one-byte, 1..255 two-byte), or an empty span with a null data
  // pointer when absent. A present element with zero length (two-byte form) has a non-null data().
  std::span<uint8_t> extension(uint8_t id) const noexcept;
  bool has_extension_element(uint8_t id) const noexcept { return extension(id).data() != nullptr; }
  // Calls f(ExtensionElement) for each element in wire order (padding skipped).
  template <typename F>
  void for_each_extension(F&& f) const noexcept;

  // Sizes and spans.
  std::span<uint8_t> packet() const noexcept { return data_; }
  size_t size() const noexcept { return data_.size(); }
  size_t header_size() const noexcept { return header_size_; }
  std::span<uint8_t> payload() const noexcept {
    return data_.subspan(header_size_, data_.size() - header_size_ - padding_size_);
  }
  size_t padding_size() const noexcept { return padding_size_; }

 private:
  // Walks an RFC 8285 element block; f returns true to stop. Returns false if malformed.
  template <typename F>
  static bool walk_elements(ExtensionForm form, std::span<uint8_t> block, F&& f) noexcept;

  std::span<uint8_t> data_;
  uint16_t header_size_ = 0;       // fixed header + CSRCs + extension
  uint16_t extension_offset_ = 0;  // offset of the 4-byte extension header, 0 when none
  uint8_t padding_size_ = 0;
  ExtensionForm form_ = ExtensionForm::kNone;
};

template <typename F>
bool RtpPacketView::walk_elements(ExtensionForm form, std::span<uint8_t> block, F&& f) noexcept {
  size_t i = 0;
  while (i < block.size()) {
    const uint8_t first = block[i];
    if (form == ExtensionForm::kOneByte) {
      const uint8_t id = first >> 4;
      if (id == 0) {  // RFC 8285 §4.2: padding byte
        ++i;
        continue;
      }
      if (id == 15) return true;  // reserved: stop processing the block
      const size_t len = size_t{first & 0x0Fu} + 1;
      if (i + 1 + len > block.size()) return false;
      if (f(ExtensionElement{id, block.subspan(i + 1, len)})) return true;
      i += 1 + len;
    } else {
      if (first == 0) {  // RFC 8285 §4.3: padding byte
        ++i;
        continue;
      }
      if (i + 2 > block.size()) return false;
      const size_t len = block[i + 1];
      if (i + 2 + len > block.size()) return false;
      if (f(ExtensionElement{first, block.subspan(i + 2, len)})) return true;
      i += 2 + len;
    }
  }
  return true;
}

template <typename F>
void RtpPacketView::for_each_extension(F&& f) const noexcept {
  if (form_ != ExtensionForm::kOneByte && form_ != ExtensionForm::kTwoByte) return;
  walk_elements(form_, extension_data(), [&](const ExtensionElement& e) {
    f(e);
    return false;
  });
}

}  // namespace tandem::rtp
