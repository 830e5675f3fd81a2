#include "ice/stun_builder.hpp"

#include <algorithm>

#include "common/byte_io.hpp"
#include "ice/crc32.hpp"

namespace tandem::ice {

namespace {
constexpr size_t padded(size_t length) noexcept { return (length + 3) & ~size_t{3}; }
}  // namespace

StunBuilder::StunBuilder(std::span<uint8_t> out, uint16_t type,
                         std::span<const uint8_t, kTransactionIdSize> transaction_id) noexcept
    : out_(out) {
  if (out_.size() < kHeaderSize || (type & 0xC000) != 0) {
    ok_ = false;
    return;
  }
  uint8_t* p = out_.data();
  store_be16(p, type);
  store_be16(p + 2, 0);
  store_be32(p + 4, kMagicCookie);
  std::copy(transaction_id.begin(), transaction_id.end(), p + 8);
  pos_ = kHeaderSize;
}

uint8_t* StunBuilder::append(uint16_t type, size_t value_len, uint8_t pad) noexcept {
  if (!ok_) return nullptr;
  const size_t total = kAttributeHeaderSize + padded(value_len);
  // The header length is 16 bits: the message cannot exceed 20 + 65535 bytes (65532 with
  // padding).
  if (value_len > 0xFFFF || total > out_.size() - pos_ || pos_ - kHeaderSize + total > 0xFFFC) {
    ok_ = false;
    return nullptr;
  }
  uint8_t* p = out_.data() + pos_;
  store_be16(p, type);
  store_be16(p + 2, static_cast<uint16_t>(value_len));
  std::fill(p + kAttributeHeaderSize + value_len, p + total, pad);
  pos_ += total;
  store_be16(out_.data() + 2, static_cast<uint16_t>(pos_ - kHeaderSize));
  return p + kAttributeHeaderSize;
}

StunBuilder& StunBuilder::add_attribute(uint16_t type, std::span<const uint8_t> value,
                                        uint8_t pad) noexcept {
  if (uint8_t* v = append(type, value.size(), pad)) std::copy(value.begin(), value.end(), v);
  return *this;
}

StunBuilder& StunBuilder::add_string(uint16_t type, std::string_view value, uint8_t pad) noexcept {
  if (uint8_t* v = append(type, value.size(), pad)) {
    std::transform(value.begin(), value.end(), v, [](char c) { return static_cast<uint8_t>(c); });
  }
  return *this;
}

StunBuilder& StunBuilder::add_u32(uint16_t type, uint32_t value) noexcept {
  if (uint8_t* v = append(type, 4, 0)) store_be32(v, value);
  return *this;
}

StunBuilder& StunBuilder::add_u64(uint16_t type, uint64_t value) noexcept {
  if (uint8_t* v = append(type, 8, 0)) store_be64(v, value);
  return *this;
}

StunBuilder& StunBuilder::add_xor_mapped_address(const Endpoint& address) noexcept {
  const auto addr = address.address();
  uint8_t* v = append(attr::kXorMappedAddress, 4 + addr.size(), 0);
  if (v == nullptr) return *this;
  // RFC 8489 §14.2: port XOR the cookie's high 16 bits; address XOR cookie (|| transaction ID).
  v[0] = 0;
  v[1] = address.is_ipv4() ? 0x01 : 0x02;
  store_be16(v + 2, static_cast<uint16_t>(address.port() ^ (kMagicCookie >> 16)));
  const uint8_t* key = out_.data() + 4;  // magic cookie followed by the transaction ID
  for (size_t i = 0; i < addr.size(); ++i) v[4 + i] = static_cast<uint8_t>(addr[i] ^ key[i]);
  return *this;
}

StunBuilder& StunBuilder::add_error_code(uint16_t code, std::string_view reason) noexcept {
  if (code < 300 || code > 699 || reason.size() > kMaxReasonSize) {
    ok_ = false;
    return *this;
  }
  uint8_t* v = append(attr::kErrorCode, 4 + reason.size(), 0);
  if (v == nullptr) return *this;
  v[0] = 0;
  v[1] = 0;
  v[2] = static_cast<uint8_t>(code / 100);
  v[3] = static_cast<uint8_t>(code % 100);
  std::transform(reason.begin(), reason.end(), v + 4,
                 [](char c) { return static_cast<uint8_t>(c); });
  return *this;
}

StunBuilder& StunBuilder::add_unknown_attributes(std::span<const uint16_t> types) noexcept {
  uint8_t* v = append(attr::kUnknownAttributes, 2 * types.size(), 0);
  if (v == nullptr) return *this;
  for (size_t i = 0; i < types.size(); ++i) store_be16(v + 2 * i, types[i]);
  return *this;
}

StunBuilder& StunBuilder::add_message_integrity(const HmacSha1& key) noexcept {
  const size_t covered = pos_;
  // append() sets the header length to include this attribute, as §14.5 requires for the HMAC.
  uint8_t* v = append(attr::kMessageIntegrity, kHmacSha1Size, 0);
  if (v == nullptr) return *this;
  HmacSha1::Digest digest{};
  if (!key.compute(out_.first(covered), {}, digest)) {
    ok_ = false;
    return *this;
  }
  std::copy(digest.begin(), digest.end(), v);
  return *this;
}

StunBuilder& StunBuilder::add_fingerprint() noexcept {
  const size_t covered = pos_;
  uint8_t* v = append(attr::kFingerprint, 4, 0);
  if (v == nullptr) return *this;
  store_be32(v, crc32(0, out_.first(covered)) ^ kFingerprintXor);
  return *this;
}

std::string_view default_reason(uint16_t code) noexcept {
  switch (code) {
    case 300:
      return "Try Alternate";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 420:
      return "Unknown Attribute";
    case 438:
      return "Stale Nonce";
    case 487:
      return "Role Conflict";
    case 500:
      return "Server Error";
    default:
      return "";
  }
}

size_t build_binding_success(std::span<uint8_t> out,
                             std::span<const uint8_t, kTransactionIdSize> transaction_id,
                             const Endpoint& mapped, const HmacSha1& key) noexcept {
  StunBuilder b(out, kBindingSuccess, transaction_id);
  b.add_xor_mapped_address(mapped).add_message_integrity(key).add_fingerprint();
  return b.size();
}

size_t build_binding_error(std::span<uint8_t> out,
                           std::span<const uint8_t, kTransactionIdSize> transaction_id,
                           uint16_t code, const HmacSha1* key,
                           std::span<const uint16_t> unknown_attributes) noexcept {
  StunBuilder b(out, kBindingError, transaction_id);
  b.add_error_code(code, default_reason(code));
  if (code == error_code::kUnknownAttribute) b.add_unknown_attributes(unknown_attributes);
  if (key != nullptr) b.add_message_integrity(*key);
  b.add_fingerprint();
  return b.size();
}

}  // namespace tandem::ice
