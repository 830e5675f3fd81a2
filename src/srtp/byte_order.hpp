// Explicit big-endian loads and stores for SRTP header fields and IV/nonce construction
// (network byte order, RFC 3550 §5.1); never reinterpret_cast packet bytes.
#pragma once

#include <cstdint>

namespace tandem::srtp {

constexpr uint16_t load_be16(const uint8_t* p) noexcept {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

constexpr uint32_t load_be32(const uint8_t* p) noexcept {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

constexpr void store_be32(uint8_t* p, uint32_t v) noexcept {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

// XORs the low `bytes` bytes of v, big-endian, into p[0..bytes).
constexpr void xor_be(uint8_t* p, uint64_t v, int bytes) noexcept {
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) p[i] ^= static_cast<uint8_t>(v);
}

}  // namespace tandem::srtp
