#include "ice/stun_view.hpp"

#include <openssl/crypto.h>

#include <algorithm>

#include "common/byte_io.hpp"
#include "ice/crc32.hpp"

namespace tandem::ice {

namespace {

constexpr size_t padded(size_t length) noexcept { return (length + 3) & ~size_t{3}; }

// Attribute types this codec understands; any other comprehension-required type (< 0x8000) is
// recorded as unknown (RFC 8489 §6.3.1: answer 420 with UNKNOWN-ATTRIBUTES).
constexpr bool understood(uint16_t type) noexcept {
  switch (type) {
    case attr::kMappedAddress:
    case attr::kUsername:
    case attr::kMessageIntegrity:
    case attr::kErrorCode:
    case attr::kUnknownAttributes:
    case attr::kRealm:
    case attr::kNonce:
    case attr::kMessageIntegritySha256:
    case attr::kPasswordAlgorithm:
    case attr::kUserhash:
    case attr::kXorMappedAddress:
    case attr::kPriority:
    case attr::kUseCandidate:
      return true;
    default:
      return !attr::comprehension_required(type);
  }
}

// RFC 8489 §14.1/§14.2: family 0x01 with a 4-byte address or 0x02 with a 16-byte one.
constexpr bool valid_address_value(std::span<const uint8_t> v) noexcept {
  return (v.size() == 8 && v[1] == 0x01) || (v.size() == 20 && v[1] == 0x02);
}

// RFC 8489 §14.8: class 3..6, number 0..99, reason at most 763 bytes.
constexpr bool valid_error_code_value(std::span<const uint8_t> v) noexcept {
  if (v.size() < 4 || v.size() > 4 + kMaxReasonSize) return false;
  const int cls = v[2] & 0x07;
  return cls >= 3 && cls <= 6 && v[3] <= 99;
}

}  // namespace

std::string_view to_string(StunError error) noexcept {
  switch (error) {
    case StunError::kNone:
      return "ok";
    case StunError::kTooShort:
      return "shorter than a STUN header";
    case StunError::kNotStun:
      return "leading bits not zero";
    case StunError::kBadCookie:
      return "bad magic cookie";
    case StunError::kBadLength:
      return "bad message length";
    case StunError::kAttributeOverrun:
      return "attribute overruns the message";
    case StunError::kBadAttribute:
      return "malformed attribute";
    case StunError::kFingerprintNotLast:
      return "attribute after FINGERPRINT";
    case StunError::kBadFingerprint:
      return "FINGERPRINT mismatch";
  }
  return "unknown";
}

std::optional<StunView> StunView::parse(std::span<const uint8_t> packet,
                                        StunError* error) noexcept {
  auto fail = [error](StunError e) -> std::optional<StunView> {
    if (error != nullptr) *error = e;
    return std::nullopt;
  };
  if (error != nullptr) *error = StunError::kNone;
  if (packet.size() < kHeaderSize) return fail(StunError::kTooShort);
  const uint8_t* p = packet.data();
  if ((p[0] & 0xC0) != 0) return fail(StunError::kNotStun);
  if (load_be32(p + 4) != kMagicCookie) return fail(StunError::kBadCookie);
  const size_t length = load_be16(p + 2);
  if (length % 4 != 0 || kHeaderSize + length != packet.size()) {
    return fail(StunError::kBadLength);
  }

  StunView view;
  view.bytes_ = packet;
  bool after_integrity = false;
  size_t pos = kHeaderSize;
  while (pos < packet.size()) {
    if (packet.size() - pos < kAttributeHeaderSize) return fail(StunError::kAttributeOverrun);
    const uint16_t type = load_be16(p + pos);
    const size_t value_len = load_be16(p + pos + 2);
    const size_t value_pos = pos + kAttributeHeaderSize;
    if (padded(value_len) > packet.size() - value_pos) return fail(StunError::kAttributeOverrun);
    if (view.fingerprint_ != 0) return fail(StunError::kFingerprintNotLast);
    const std::span<const uint8_t> value = packet.subspan(value_pos, value_len);
    const auto offset = static_cast<uint32_t>(value_pos);
    pos = value_pos + padded(value_len);

    if (type == attr::kFingerprint) {
      if (value_len != 4) return fail(StunError::kBadAttribute);
      view.fingerprint_ = offset;
      continue;
    }
    // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY, other than MESSAGE-INTEGRITY-SHA256
    // and FINGERPRINT, are ignored.
    if (after_integrity) continue;
    switch (type) {
      case attr::kMessageIntegrity:
        if (value_len != kHmacSha1Size) return fail(StunError::kBadAttribute);
        view.integrity_ = offset;
        after_integrity = true;
        break;
      case attr::kUsername:
        if (value_len > kMaxUsernameSize) return fail(StunError::kBadAttribute);
        if (view.username_ == 0) view.username_ = offset;
        break;
      case attr::kPriority:
        if (value_len != 4) return fail(StunError::kBadAttribute);
        if (view.priority_ == 0) view.priority_ = offset;
        break;
      case attr::kUseCandidate:
        if (value_len != 0) return fail(StunError::kBadAttribute);
        view.use_candidate_ = true;
        break;
      case attr::kIceControlling:
        if (value_len != 8) return fail(StunError::kBadAttribute);
        if (view.controlling_ == 0) view.controlling_ = offset;
        break;
      case attr::kIceControlled:
        if (value_len != 8) return fail(StunError::kBadAttribute);
        if (view.controlled_ == 0) view.controlled_ = offset;
        break;
      case attr::kXorMappedAddress:
        if (!valid_address_value(value)) return fail(StunError::kBadAttribute);
        if (view.xor_mapped_ == 0) view.xor_mapped_ = offset;
        break;
      case attr::kMappedAddress:
        if (!valid_address_value(value)) return fail(StunError::kBadAttribute);
        if (view.mapped_ == 0) view.mapped_ = offset;
        break;
      case attr::kErrorCode:
        if (!valid_error_code_value(value)) return fail(StunError::kBadAttribute);
        if (view.error_code_ == 0) view.error_code_ = offset;
        break;
      default:
        if (!understood(type)) {
          if (view.unknown_count_ < kMaxUnknownRecorded) view.unknown_[view.unknown_count_] = type;
          ++view.unknown_count_;
        }
        break;
    }
  }

  if (view.fingerprint_ != 0) {
    // RFC 8489 §14.7: CRC-32 of the message up to (excluding) FINGERPRINT, with the header length
    // already covering FINGERPRINT (it is the last attribute, so the length is the real one).
    const size_t covered = view.fingerprint_ - kAttributeHeaderSize;
    const uint32_t expected = crc32(0, packet.first(covered)) ^ kFingerprintXor;
    if (load_be32(p + view.fingerprint_) != expected) return fail(StunError::kBadFingerprint);
  }
  return view;
}

uint16_t StunView::load16(size_t offset) const noexcept {
  return load_be16(bytes_.data() + offset);
}

std::span<const uint8_t> StunView::value_at(uint32_t offset) const noexcept {
  return bytes_.subspan(offset, load16(offset - 2));
}

StunAttribute StunView::Iterator::operator*() const noexcept {
  const uint16_t type = load_be16(bytes_.data() + pos_);
  const uint16_t length = load_be16(bytes_.data() + pos_ + 2);
  return {type, bytes_.subspan(pos_ + kAttributeHeaderSize, length)};
}

StunView::Iterator& StunView::Iterator::operator++() noexcept {
  const uint16_t length = load_be16(bytes_.data() + pos_ + 2);
  pos_ += kAttributeHeaderSize + padded(length);
  return *this;
}

std::optional<std::span<const uint8_t>> StunView::find(uint16_t type) const noexcept {
  for (const StunAttribute a : attributes()) {
    if (a.type == type) return a.value;
    if (a.type == attr::kMessageIntegrity) {
      if (type == attr::kFingerprint && fingerprint_ != 0) return value_at(fingerprint_);
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> StunView::username() const noexcept {
  if (username_ == 0) return std::nullopt;
  const auto v = value_at(username_);
  return std::string_view(reinterpret_cast<const char*>(v.data()), v.size());
}

std::optional<uint32_t> StunView::priority() const noexcept {
  if (priority_ == 0) return std::nullopt;
  return load_be32(bytes_.data() + priority_);
}

std::optional<uint64_t> StunView::ice_controlling() const noexcept {
  if (controlling_ == 0) return std::nullopt;
  return load_be64(bytes_.data() + controlling_);
}

std::optional<uint64_t> StunView::ice_controlled() const noexcept {
  if (controlled_ == 0) return std::nullopt;
  return load_be64(bytes_.data() + controlled_);
}

std::optional<Endpoint> StunView::read_address(uint32_t offset, bool xored) const noexcept {
  if (offset == 0) return std::nullopt;
  const uint8_t* v = bytes_.data() + offset;
  uint16_t port = load_be16(v + 2);
  if (xored) port ^= static_cast<uint16_t>(kMagicCookie >> 16);
  if (v[1] == 0x01) {
    std::array<uint8_t, 4> a{};
    for (size_t i = 0; i < 4; ++i) {
      // RFC 8489 §14.2: X-Address is the address XOR the magic cookie.
      a[i] = static_cast<uint8_t>(v[4 + i] ^ (xored ? bytes_[4 + i] : 0));
    }
    return Endpoint::ipv4(a, port);
  }
  std::array<uint8_t, 16> a{};
  for (size_t i = 0; i < 16; ++i) {
    // IPv6: XOR with the magic cookie followed by the transaction ID (header bytes 4..19).
    a[i] = static_cast<uint8_t>(v[4 + i] ^ (xored ? bytes_[4 + i] : 0));
  }
  return Endpoint::ipv6(a, port);
}

std::optional<Endpoint> StunView::xor_mapped_address() const noexcept {
  return read_address(xor_mapped_, true);
}

std::optional<Endpoint> StunView::mapped_address() const noexcept {
  return read_address(mapped_, false);
}

std::optional<StunErrorCode> StunView::error_code() const noexcept {
  if (error_code_ == 0) return std::nullopt;
  const auto v = value_at(error_code_);
  StunErrorCode result;
  result.code = static_cast<uint16_t>((v[2] & 0x07) * 100 + v[3]);
  result.reason = std::string_view(reinterpret_cast<const char*>(v.data() + 4), v.size() - 4);
  return result;
}

bool StunView::verify_integrity(const HmacSha1& key) const noexcept {
  if (integrity_ == 0) return false;
  // RFC 8489 §14.5: the HMAC covers the header and every attribute before MESSAGE-INTEGRITY,
  // with the header length set as if MESSAGE-INTEGRITY were the last attribute.
  std::array<uint8_t, kHeaderSize> header{};
  std::copy_n(bytes_.begin(), kHeaderSize, header.begin());
  const size_t adjusted_length = integrity_ + kHmacSha1Size - kHeaderSize;
  store_be16(header.data() + 2, static_cast<uint16_t>(adjusted_length));
  const size_t attributes_end = integrity_ - kAttributeHeaderSize;
  HmacSha1::Digest digest{};
  if (!key.compute(header, bytes_.subspan(kHeaderSize, attributes_end - kHeaderSize), digest)) {
    return false;
  }
  return CRYPTO_memcmp(digest.data(), bytes_.data() + integrity_, kHmacSha1Size) == 0;
}

std::optional<std::string_view> local_ufrag_of(const StunView& message) noexcept {
  const auto username = message.username();
  if (!username) return std::nullopt;
  const size_t colon = username->find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return username->substr(0, colon);
}

}  // namespace tandem::ice
