// ParseResult<T>: a view or the reason it was rejected. Unlike tandem::Result it carries an enum,
// not a std::string, so rejecting a packet on the media path never allocates.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

namespace tandem::rtp {

enum class ParseError : uint8_t {
  kNone = 0,
  kTooShort,          // fewer bytes than the fixed header or a declared field needs
  kBadVersion,        // version field is not 2
  kCsrcOverrun,       // the CSRC list runs past the end
  kExtensionOverrun,  // the header extension (or one of its elements) runs past its end
  kBadPadding,        // padding count 0, or larger than the room after the header
  kLengthMismatch,    // RTCP length fields do not add up to the datagram size
  kNotReport,         // first packet of a compound is neither SR nor RR (RFC 3550 §6.4.1)
  kPaddingNotLast,    // padding bit on an RTCP packet that is not the last of the compound
  kWrongType,         // typed view asked to parse a packet of another type or FMT
  kBadBody,           // body does not match the count / FCI layout of its type
};

// A short stable name for logs and counters.
const char* to_string(ParseError error) noexcept;

template <typename T>
class [[nodiscard]] ParseResult {
 public:
  ParseResult(T value) noexcept : value_(std::move(value)) {}  // NOLINT: implicit by design
  ParseResult(ParseError error) noexcept : error_(error) {}    // NOLINT

  bool ok() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  ParseError error() const noexcept { return error_; }

  T& value() & noexcept { return *value_; }
  const T& value() const& noexcept { return *value_; }
  T* operator->() noexcept { return &*value_; }
  const T* operator->() const noexcept { return &*value_; }
  T& operator*() & noexcept { return *value_; }
  const T& operator*() const& noexcept { return *value_; }

 private:
  std::optional<T> value_;
  ParseError error_ = ParseError::kNone;
};

}  // namespace tandem::rtp
