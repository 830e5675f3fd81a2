// STUN wire constants (RFC 8489, RFC 8445 §16.1, RFC 5780) and the first-byte classifier of
// RFC 7983.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tandem::ice {

// RFC 8489 §5: every STUN message starts with a 20-byte header carrying this magic cookie.
inline constexpr uint32_t kMagicCookie = 0x2112A442;
inline constexpr size_t kHeaderSize = 20;
inline constexpr size_t kTransactionIdSize = 12;
inline constexpr size_t kAttributeHeaderSize = 4;
// RFC 8489 §14.7: FINGERPRINT is CRC-32 of the message XOR this value ("STUN").
inline constexpr uint32_t kFingerprintXor = 0x5354554E;
inline constexpr size_t kHmacSha1Size = 20;
// RFC 8489 §14.3: USERNAME is less than 513 bytes.
inline constexpr size_t kMaxUsernameSize = 513;
// RFC 8489 §14.8: the reason phrase is at most 763 bytes.
inline constexpr size_t kMaxReasonSize = 763;

// Message type = method and class bits interleaved (RFC 8489 §5, figure 3).
enum class StunClass : uint8_t {
  kRequest = 0,
  kIndication = 1,
  kSuccessResponse = 2,
  kErrorResponse = 3,
};

inline constexpr uint16_t kMethodBinding = 0x001;

constexpr uint16_t stun_type(uint16_t method, StunClass cls) noexcept {
  const auto c = static_cast<uint16_t>(cls);
  return static_cast<uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) |
                               ((method & 0x0F80) << 2) | ((c & 0x1) << 4) | ((c & 0x2) << 7));
}
constexpr uint16_t stun_method(uint16_t type) noexcept {
  return static_cast<uint16_t>((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
}
constexpr StunClass stun_class(uint16_t type) noexcept {
  return static_cast<StunClass>(((type >> 4) & 0x1) | ((type >> 7) & 0x2));
}

inline constexpr uint16_t kBindingRequest = stun_type(kMethodBinding, StunClass::kRequest);
inline constexpr uint16_t kBindingIndication = stun_type(kMethodBinding, StunClass::kIndication);
inline constexpr uint16_t kBindingSuccess = stun_type(kMethodBinding, StunClass::kSuccessResponse);
inline constexpr uint16_t kBindingError = stun_type(kMethodBinding, StunClass::kErrorResponse);
static_assert(kBindingRequest == 0x0001 && kBindingIndication == 0x0011);
static_assert(kBindingSuccess == 0x0101 && kBindingError == 0x0111);

// Attribute types. Values below 0x8000 are comprehension-required (RFC 8489 §14).
namespace attr {
inline constexpr uint16_t kMappedAddress = 0x0001;
inline constexpr uint16_t kChangeRequest = 0x0003;  // RFC 5780
inline constexpr uint16_t kUsername = 0x0006;
inline constexpr uint16_t kMessageIntegrity = 0x0008;
inline constexpr uint16_t kErrorCode = 0x0009;
inline constexpr uint16_t kUnknownAttributes = 0x000A;
inline constexpr uint16_t kRealm = 0x0014;
inline constexpr uint16_t kNonce = 0x0015;
inline constexpr uint16_t kMessageIntegritySha256 = 0x001C;
inline constexpr uint16_t kPasswordAlgorithm = 0x001D;
inline constexpr uint16_t kUserhash = 0x001E;
inline constexpr uint16_t kXorMappedAddress = 0x0020;
inline constexpr uint16_t kPriority = 0x0024;      // RFC 8445 §16.1
inline constexpr uint16_t kUseCandidate = 0x0025;  // RFC 8445 §16.1
inline constexpr uint16_t kPasswordAlgorithms = 0x8002;
inline constexpr uint16_t kAlternateDomain = 0x8003;
inline constexpr uint16_t kSoftware = 0x8022;
inline constexpr uint16_t kAlternateServer = 0x8023;
inline constexpr uint16_t kFingerprint = 0x8028;
inline constexpr uint16_t kIceControlled = 0x8029;   // RFC 8445 §16.1
inline constexpr uint16_t kIceControlling = 0x802A;  // RFC 8445 §16.1

constexpr bool comprehension_required(uint16_t type) noexcept { return type < 0x8000; }
}  // namespace attr

// RFC 7983 §7: a datagram whose first byte is 0..3 is STUN (DTLS 20..63, RTP/RTCP 128..191).
constexpr bool is_stun(uint8_t first_byte) noexcept { return first_byte <= 3; }
constexpr bool is_stun(std::span<const uint8_t> packet) noexcept {
  return !packet.empty() && is_stun(packet[0]);
}

// Error codes the ICE-lite responder sends (RFC 8489 §14.8, RFC 8445 §16.1).
namespace error_code {
inline constexpr uint16_t kBadRequest = 400;
inline constexpr uint16_t kUnauthorized = 401;
inline constexpr uint16_t kUnknownAttribute = 420;
inline constexpr uint16_t kRoleConflict = 487;
}  // namespace error_code

}  // namespace tandem::ice
