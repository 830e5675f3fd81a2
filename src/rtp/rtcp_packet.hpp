// RTCP common header (RFC 3550 §6.4.1) and validated compound packets (RFC 3550 §6.1, A.2),
// with reduced-size RTCP (RFC 5506) as an option.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>

#include "rtp/parse_result.hpp"

namespace tandem::rtp {

// RTCP packet types.
enum class RtcpType : uint8_t {
  kSenderReport = 200,     // RFC 3550 §6.4.1
  kReceiverReport = 201,   // RFC 3550 §6.4.2
  kSdes = 202,             // RFC 3550 §6.5
  kBye = 203,              // RFC 3550 §6.6
  kApp = 204,              // RFC 3550 §6.7
  kRtpFeedback = 205,      // RFC 4585 §6.2 (FMT 1: generic NACK)
  kPayloadFeedback = 206,  // RFC 4585 §6.3 (FMT 1 PLI, 4 FIR per RFC 5104, 15 application layer)
  kExtendedReport = 207,   // RFC 3611 (recognised, not parsed)
};

inline constexpr size_t kRtcpHeaderSize = 4;

class RtcpCompound;

// One packet of a compound: its header fields and its whole bytes (header included, padding
// included), as a read-only view into the datagram.
class RtcpPacket {
 public:
  RtcpPacket() = default;

  bool has_padding() const noexcept { return (bytes_[0] & 0x20) != 0; }
  // The 5-bit count / FMT / subtype field.
  uint8_t count() const noexcept { return bytes_[0] & 0x1F; }
  uint8_t fmt() const noexcept { return count(); }
  uint8_t type() const noexcept { return bytes_[1]; }
  bool is(RtcpType t) const noexcept { return type() == static_cast<uint8_t>(t); }
  std::span<const uint8_t> bytes() const noexcept { return bytes_; }
  // Bytes after the 4-byte header, padding removed (validated by RtcpCompound::parse).
  std::span<const uint8_t> body() const noexcept;
  size_t padding_size() const noexcept { return has_padding() ? bytes_.back() : 0; }

 private:
  friend class RtcpCompound;
  // Only RtcpCompound makes packets, from bytes it validated.
  explicit RtcpPacket(std::span<const uint8_t> bytes) noexcept : bytes_(bytes) {}
  std::span<const uint8_t> bytes_;
};

struct RtcpParseOptions {
  // RFC 5506: allow a compound that does not start with SR/RR (e.g. a lone NACK or PLI).
  bool allow_reduced_size = true;
};

// A datagram of one or more RTCP packets, validated as a whole (A.2 of RFC 3550): every packet
// has version 2; the first is SR or RR unless reduced size is allowed; only the last may carry
// padding and its count fits; the length fields add up exactly to the datagram.
class RtcpCompound {
 public:
  static ParseResult<RtcpCompound> parse(std::span<const uint8_t> datagram,
                                         RtcpParseOptions options = {}) noexcept;

  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = RtcpPacket;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = RtcpPacket;

    Iterator() = default;
    explicit Iterator(std::span<const uint8_t> rest) noexcept : rest_(rest) {}
    RtcpPacket operator*() const noexcept;
    Iterator& operator++() noexcept;
    Iterator operator++(int) noexcept {
      Iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const Iterator& other) const noexcept {
      return rest_.size() == other.rest_.size();
    }

   private:
    size_t packet_size() const noexcept;
    std::span<const uint8_t> rest_;
  };

  Iterator begin() const noexcept { return Iterator(bytes_); }
  Iterator end() const noexcept { return Iterator(bytes_.subspan(bytes_.size())); }
  size_t packet_count() const noexcept { return count_; }
  std::span<const uint8_t> bytes() const noexcept { return bytes_; }

 private:
  std::span<const uint8_t> bytes_;
  size_t count_ = 0;
};

}  // namespace tandem::rtp
