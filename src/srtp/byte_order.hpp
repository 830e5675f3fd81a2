// Byte helpers for SRTP IV/nonce construction; the plain big-endian loads and stores are in
// common/byte_io.hpp.
#pragma once

#include <cstdint>

#include "common/byte_io.hpp"

namespace tandem::srtp {

// XORs the low `bytes` bytes of v, big-endian, into p[0..bytes).
constexpr void xor_be(uint8_t* p, uint64_t v, int bytes) noexcept {
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) p[i] ^= static_cast<uint8_t>(v);
}

}  // namespace tandem::srtp
