// G.711 µ-law and A-law (ITU-T G.711), table-driven. The tables are generated at compile time from
// the ITU-T G.191 reference algorithm (STL g711.c): µ-law quantizes the top 14 bits of a 16-bit
// sample, A-law the top 13, and negative samples use the one's complement (~x), exactly as the
// reference does. Decoding yields 16-bit linear PCM. No allocation, no branches on the hot path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tandem::codec {

uint8_t ulaw_encode(int16_t sample) noexcept;
int16_t ulaw_decode(uint8_t code) noexcept;
uint8_t alaw_encode(int16_t sample) noexcept;
int16_t alaw_decode(uint8_t code) noexcept;

// Block forms: encode/decode min(in.size(), out.size()) samples; return how many.
size_t ulaw_encode(std::span<const int16_t> in, std::span<uint8_t> out) noexcept;
size_t ulaw_decode(std::span<const uint8_t> in, std::span<int16_t> out) noexcept;
size_t alaw_encode(std::span<const int16_t> in, std::span<uint8_t> out) noexcept;
size_t alaw_decode(std::span<const uint8_t> in, std::span<int16_t> out) noexcept;

}  // namespace tandem::codec
