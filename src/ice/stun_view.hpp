// A zero-copy, validated view over one received STUN message (RFC 8489 §5, §14), for the packet
// path. parse() checks the header (leading zero bits, magic cookie, length a multiple of 4 and
// equal to the datagram), walks every attribute with bounds checks, validates the lengths of the
// attributes it understands, records where they are, and verifies FINGERPRINT when present. The
// typed accessors afterwards are O(1) reads of recorded offsets. The view borrows the bytes: they
// must outlive it. Nothing here allocates or throws.
#pragma once

#include <array>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>

#include "ice/endpoint.hpp"
#include "common/hmac_sha1.hpp"
#include "ice/stun_constants.hpp"

namespace tandem::ice {

enum class StunError : uint8_t {
  kNone,
  kTooShort,            // fewer than 20 bytes
  kNotStun,             // the two most significant bits are not zero
  kBadCookie,           // magic cookie is not 0x2112A442
  kBadLength,           // length not a multiple of 4, or header length != datagram length - 20
  kAttributeOverrun,    // an attribute (with its padding) runs past the end of the message
  kBadAttribute,        // an understood attribute has an impossible length or content
  kFingerprintNotLast,  // something follows FINGERPRINT
  kBadFingerprint,      // FINGERPRINT does not match the CRC-32 of the message
};

std::string_view to_string(StunError error) noexcept;

struct StunAttribute {
  uint16_t type = 0;
  std::span<const uint8_t> value;  // without padding
};

struct StunErrorCode {
  uint16_t code = 0;  // 300..699
  std::string_view reason;
};

class StunView {
 public:
  // Up to this many unknown comprehension-required attribute types are remembered (for a 420
  // response's UNKNOWN-ATTRIBUTES); the count is exact.
  static constexpr size_t kMaxUnknownRecorded = 4;

  static std::optional<StunView> parse(std::span<const uint8_t> packet,
                                       StunError* error = nullptr) noexcept;

  std::span<const uint8_t> bytes() const noexcept { return bytes_; }
  uint16_t type() const noexcept { return load16(0); }
  uint16_t method() const noexcept { return stun_method(type()); }
  StunClass message_class() const noexcept { return stun_class(type()); }
  bool is_binding_request() const noexcept { return type() == kBindingRequest; }
  std::span<const uint8_t, kTransactionIdSize> transaction_id() const noexcept {
    return bytes_.subspan<8, kTransactionIdSize>();
  }

  // Iterates every attribute in wire order, including those after MESSAGE-INTEGRITY (which the
  // typed accessors ignore, RFC 8489 §14.5).
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = StunAttribute;
    using difference_type = std::ptrdiff_t;
    using pointer = const StunAttribute*;
    using reference = StunAttribute;

    Iterator() noexcept = default;
    StunAttribute operator*() const noexcept;
    Iterator& operator++() noexcept;
    Iterator operator++(int) noexcept {
      Iterator copy = *this;
      ++*this;
      return copy;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) noexcept {
      return a.pos_ == b.pos_;
    }

   private:
    friend class StunView;
    Iterator(std::span<const uint8_t> bytes, size_t pos) noexcept : bytes_(bytes), pos_(pos) {}
    std::span<const uint8_t> bytes_;
    size_t pos_ = 0;
  };
  struct AttributeRange {
    Iterator first, last;
    Iterator begin() const noexcept { return first; }
    Iterator end() const noexcept { return last; }
  };
  AttributeRange attributes() const noexcept {
    return {Iterator(bytes_, kHeaderSize), Iterator(bytes_, bytes_.size())};
  }

  // First occurrence of an attribute type before MESSAGE-INTEGRITY (or MESSAGE-INTEGRITY /
  // FINGERPRINT themselves). Linear scan; the typed accessors below are O(1).
  std::optional<std::span<const uint8_t>> find(uint16_t type) const noexcept;

  std::optional<std::string_view> username() const noexcept;
  std::optional<uint32_t> priority() const noexcept;
  bool use_candidate() const noexcept { return use_candidate_; }
  std::optional<uint64_t> ice_controlling() const noexcept;
  std::optional<uint64_t> ice_controlled() const noexcept;
  std::optional<Endpoint> xor_mapped_address() const noexcept;
  std::optional<Endpoint> mapped_address() const noexcept;
  std::optional<StunErrorCode> error_code() const noexcept;

  bool has_message_integrity() const noexcept { return integrity_ != 0; }
  bool has_fingerprint() const noexcept { return fingerprint_ != 0; }  // verified by parse()
  // HMAC-SHA1 over the message up to MESSAGE-INTEGRITY with the header length adjusted to end
  // at it (RFC 8489 §14.5), compared in constant time. False when absent.
  bool verify_integrity(const HmacSha1& key) const noexcept;

  size_t unknown_required_count() const noexcept { return unknown_count_; }
  std::span<const uint16_t> unknown_required() const noexcept {
    return {unknown_.data(),
            unknown_count_ < kMaxUnknownRecorded ? unknown_count_ : kMaxUnknownRecorded};
  }

 private:
  StunView() noexcept = default;
  uint16_t load16(size_t offset) const noexcept;
  std::optional<Endpoint> read_address(uint32_t offset, bool xored) const noexcept;
  std::span<const uint8_t> value_at(uint32_t offset) const noexcept;

  std::span<const uint8_t> bytes_;
  // Offsets of attribute values from the start of the message; 0 means absent (the header
  // occupies offset 0).
  uint32_t username_ = 0;
  uint32_t priority_ = 0;
  uint32_t controlling_ = 0;
  uint32_t controlled_ = 0;
  uint32_t xor_mapped_ = 0;
  uint32_t mapped_ = 0;
  uint32_t error_code_ = 0;
  uint32_t integrity_ = 0;
  uint32_t fingerprint_ = 0;
  bool use_candidate_ = false;
  size_t unknown_count_ = 0;
  std::array<uint16_t, kMaxUnknownRecorded> unknown_{};
};

// The ICE local ufrag of a check: the part of USERNAME before ':' (RFC 8445 §7.2.2, USERNAME is
// "receiver-ufrag:sender-ufrag"). The shared UDP port looks agents up by it. Empty when there is
// no USERNAME or it has no ':'.
std::optional<std::string_view> local_ufrag_of(const StunView& message) noexcept;

}  // namespace tandem::ice
