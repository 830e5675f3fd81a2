#include "codec/g711.hpp"

#include <algorithm>
#include <array>

namespace tandem::codec {

namespace {

// ITU-T G.191 ulaw_compress for one 16-bit sample.
constexpr uint8_t reference_ulaw_compress(int x) {
  const int absno = x < 0 ? ((~x) >> 2) + 33 : (x >> 2) + 33;  // magnitude + bias (33)
  const int clipped = absno > 0x1FFF ? 0x1FFF : absno;
  int i = clipped >> 6;  // segment: position of the top bit above bit 5
  int segno = 1;
  while (i != 0) {
    ++segno;
    i >>= 1;
  }
  const int high_nibble = 0x8 - segno;
  const int low_nibble = 0xF - ((clipped >> segno) & 0xF);
  const int code = (high_nibble << 4) | low_nibble;
  return static_cast<uint8_t>(x >= 0 ? code | 0x80 : code);
}

// ITU-T G.191 ulaw_expand.
constexpr int16_t reference_ulaw_expand(uint8_t code) {
  const int sign = code < 0x80 ? -1 : 1;
  const int mantissa = ~code;
  const int exponent = (mantissa >> 4) & 0x7;
  const int segment = exponent + 1;
  const int step = 4 << segment;
  const int value = sign * ((0x80 << exponent) + step * (mantissa & 0x0F) + step / 2 - 4 * 33);
  return static_cast<int16_t>(value);
}

// ITU-T G.191 alaw_compress for one 16-bit sample (input scaled from 13 to 16 bits).
constexpr uint8_t reference_alaw_compress(int x) {
  int ix = x < 0 ? (~x) >> 4 : x >> 4;  // 12-bit magnitude
  if (ix > 15) {
    int iexp = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      ++iexp;
    }
    ix -= 16;
    ix += iexp << 4;
  }
  if (x >= 0) ix |= 0x80;
  return static_cast<uint8_t>(ix ^ 0x55);  // even-bit inversion
}

// ITU-T G.191 alaw_expand.
constexpr int16_t reference_alaw_expand(uint8_t code) {
  int ix = code ^ 0x55;
  ix &= 0x7F;
  const int iexp = ix >> 4;
  int mant = ix & 0x0F;
  if (iexp > 0) mant += 16;
  mant = (mant << 4) + 0x08;
  if (iexp > 1) mant <<= iexp - 1;
  return static_cast<int16_t>(code > 127 ? mant : -mant);
}

// µ-law depends only on x >> 2 (14 bits), A-law only on x >> 3 (13 bits): index by those.
constexpr auto kUlawEncode = [] {
  std::array<uint8_t, 1 << 14> t{};
  for (int i = 0; i < (1 << 14); ++i) t[i] = reference_ulaw_compress((i - (1 << 13)) * 4);
  return t;
}();
constexpr auto kAlawEncode = [] {
  std::array<uint8_t, 1 << 13> t{};
  for (int i = 0; i < (1 << 13); ++i) t[i] = reference_alaw_compress((i - (1 << 12)) * 8);
  return t;
}();
constexpr auto kUlawDecode = [] {
  std::array<int16_t, 256> t{};
  for (int i = 0; i < 256; ++i) t[i] = reference_ulaw_expand(static_cast<uint8_t>(i));
  return t;
}();
constexpr auto kAlawDecode = [] {
  std::array<int16_t, 256> t{};
  for (int i = 0; i < 256; ++i) t[i] = reference_alaw_expand(static_cast<uint8_t>(i));
  return t;
}();

}  // namespace

uint8_t ulaw_encode(int16_t sample) noexcept {
  const int index = (sample >> 2) + (1 << 13);  // 0 .. 16383
  return kUlawEncode[static_cast<size_t>(index)];
}
int16_t ulaw_decode(uint8_t code) noexcept { return kUlawDecode[code]; }
uint8_t alaw_encode(int16_t sample) noexcept {
  const int index = (sample >> 3) + (1 << 12);  // 0 .. 8191
  return kAlawEncode[static_cast<size_t>(index)];
}
int16_t alaw_decode(uint8_t code) noexcept { return kAlawDecode[code]; }

size_t ulaw_encode(std::span<const int16_t> in, std::span<uint8_t> out) noexcept {
  const size_t n = std::min(in.size(), out.size());
  for (size_t i = 0; i < n; ++i) out[i] = ulaw_encode(in[i]);
  return n;
}
size_t ulaw_decode(std::span<const uint8_t> in, std::span<int16_t> out) noexcept {
  const size_t n = std::min(in.size(), out.size());
  for (size_t i = 0; i < n; ++i) out[i] = kUlawDecode[in[i]];
  return n;
}
size_t alaw_encode(std::span<const int16_t> in, std::span<uint8_t> out) noexcept {
  const size_t n = std::min(in.size(), out.size());
  for (size_t i = 0; i < n; ++i) out[i] = alaw_encode(in[i]);
  return n;
}
size_t alaw_decode(std::span<const uint8_t> in, std::span<int16_t> out) noexcept {
  const size_t n = std::min(in.size(), out.size());
  for (size_t i = 0; i < n; ++i) out[i] = kAlawDecode[in[i]];
  return n;
}

}  // namespace tandem::codec
