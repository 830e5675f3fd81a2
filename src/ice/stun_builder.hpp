// Writes a STUN message (RFC 8489 §5, §14) into a caller-provided buffer: no heap allocation, no
// exceptions. Attributes are appended in call order; the header length is kept current after
// each one, so MESSAGE-INTEGRITY and FINGERPRINT can be computed in place. If anything does not
// fit, the builder turns not-ok for good and size() is 0.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "ice/endpoint.hpp"
#include "common/hmac_sha1.hpp"
#include "ice/stun_constants.hpp"

namespace tandem::ice {

class StunBuilder {
 public:
  StunBuilder(std::span<uint8_t> out, uint16_t type,
              std::span<const uint8_t, kTransactionIdSize> transaction_id) noexcept;

  // pad: the padding byte value. RFC 8489 says padding content is ignored; senders should use 0.
  // RFC 5769's samples pad with spaces, hence the parameter.
  StunBuilder& add_attribute(uint16_t type, std::span<const uint8_t> value,
                             uint8_t pad = 0) noexcept;
  StunBuilder& add_string(uint16_t type, std::string_view value, uint8_t pad = 0) noexcept;
  StunBuilder& add_u32(uint16_t type, uint32_t value) noexcept;
  StunBuilder& add_u64(uint16_t type, uint64_t value) noexcept;
  StunBuilder& add_flag(uint16_t type) noexcept { return add_attribute(type, {}); }
  StunBuilder& add_xor_mapped_address(const Endpoint& address) noexcept;
  // code: 300..699; reason: at most 763 bytes (RFC 8489 §14.8).
  StunBuilder& add_error_code(uint16_t code, std::string_view reason) noexcept;
  StunBuilder& add_unknown_attributes(std::span<const uint16_t> types) noexcept;
  // RFC 8489 §14.5. Must come after every attribute it protects.
  StunBuilder& add_message_integrity(const HmacSha1& key) noexcept;
  // RFC 8489 §14.7. Must be the last attribute.
  StunBuilder& add_fingerprint() noexcept;

  bool ok() const noexcept { return ok_; }
  size_t size() const noexcept { return ok_ ? pos_ : 0; }
  std::span<const uint8_t> message() const noexcept { return out_.first(size()); }

 private:
  // Reserves an attribute header plus padded value; nullptr (and not-ok) when it does not fit.
  uint8_t* append(uint16_t type, size_t value_len, uint8_t pad) noexcept;

  std::span<uint8_t> out_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// Standard reason phrases (RFC 8489 §14.8, RFC 8445 §16.1); "" for others.
std::string_view default_reason(uint16_t code) noexcept;

// Binding success response to a check (RFC 8445 §7.3.1.4): XOR-MAPPED-ADDRESS of the request's
// source, MESSAGE-INTEGRITY with the local password, FINGERPRINT. Returns the size, 0 if `out`
// is too small (128 bytes always suffice).
size_t build_binding_success(std::span<uint8_t> out,
                             std::span<const uint8_t, kTransactionIdSize> transaction_id,
                             const Endpoint& mapped, const HmacSha1& key) noexcept;

// Binding error response with ERROR-CODE (and UNKNOWN-ATTRIBUTES for 420), MESSAGE-INTEGRITY when
// `key` is given (RFC 8489 §6.3.4: not for 400/401 caused by missing or wrong credentials), and
// FINGERPRINT. Returns the size, 0 if `out` is too small.
size_t build_binding_error(std::span<uint8_t> out,
                           std::span<const uint8_t, kTransactionIdSize> transaction_id,
                           uint16_t code, const HmacSha1* key,
                           std::span<const uint16_t> unknown_attributes = {}) noexcept;

}  // namespace tandem::ice
