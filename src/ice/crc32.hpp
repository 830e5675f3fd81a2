// CRC-32 (ISO-HDLC / IEEE 802.3, reflected polynomial 0xEDB88320), as STUN's FINGERPRINT uses
// it (RFC 8489 §14.7). The 256-entry table is built at compile time; no dependency on zlib.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tandem::ice {

namespace detail {

constexpr std::array<uint32_t, 256> make_crc32_table() noexcept {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
    table[i] = c;
  }
  return table;
}

inline constexpr std::array<uint32_t, 256> kCrc32Table = make_crc32_table();

}  // namespace detail

// Continues a CRC-32 over `data`; start with crc = 0. crc32(crc32(0, a), b) == crc32(0, a || b).
constexpr uint32_t crc32(uint32_t crc, std::span<const uint8_t> data) noexcept {
  crc = ~crc;
  for (uint8_t byte : data) crc = detail::kCrc32Table[(crc ^ byte) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

}  // namespace tandem::ice
