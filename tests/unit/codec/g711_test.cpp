// G.711 against the ITU-T reference values, round-trip properties, and spandsp's independent
// implementation (a third-party oracle, test-only).
#include "codec/g711.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <set>

// spandsp's headers must come in this order (telephony.h defines SPAN_DECLARE).
// clang-format off
extern "C" {
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>
}
// clang-format on

namespace tandem::codec {
namespace {

// ITU-T G.711 Table 2a (µ-law) / Table 1a (A-law) decoder outputs for selected characters, on
// the 16-bit scale of G.191 (14-bit values × 4, 13-bit values × 8).
TEST(G711, UlawReferenceDecoderValues) {
  EXPECT_EQ(ulaw_decode(0xFF), 0);      // positive zero
  EXPECT_EQ(ulaw_decode(0x7F), 0);      // negative zero
  EXPECT_EQ(ulaw_decode(0x80), 32124);  // largest positive: 8031 × 4
  EXPECT_EQ(ulaw_decode(0x00), -32124);
  EXPECT_EQ(ulaw_decode(0xFE), 8);      // first step: 2 × 4
  EXPECT_EQ(ulaw_decode(0xEF), 132);    // end of segment 0: 33 × 4
  EXPECT_EQ(ulaw_decode(0xDF), 396);    // 99 × 4
  EXPECT_EQ(ulaw_decode(0x8F), 16764);  // first value of segment 8: 4191 × 4
}

TEST(G711, AlawReferenceDecoderValues) {
  EXPECT_EQ(alaw_decode(0xD5), 8);  // smallest positive: 1 × 8
  EXPECT_EQ(alaw_decode(0x55), -8);
  EXPECT_EQ(alaw_decode(0xAA), 32256);  // largest: 4032 × 8
  EXPECT_EQ(alaw_decode(0x2A), -32256);
  EXPECT_EQ(alaw_decode(0xD4), 24);   // 3 × 8
  EXPECT_EQ(alaw_decode(0xC5), 264);  // first value of segment 1: 33 × 8
}

TEST(G711, ReferenceEncoderValues) {
  EXPECT_EQ(ulaw_encode(int16_t{0}), 0xFF);
  EXPECT_EQ(ulaw_encode(int16_t{-1}), 0x7F);  // G.191: ~(-1) = 0 → negative zero
  EXPECT_EQ(ulaw_encode(int16_t{32767}), 0x80);
  EXPECT_EQ(ulaw_encode(int16_t{-32768}), 0x00);
  EXPECT_EQ(alaw_encode(int16_t{0}), 0xD5);
  EXPECT_EQ(alaw_encode(int16_t{-1}), 0x55);
  EXPECT_EQ(alaw_encode(int16_t{32767}), 0xAA);
  EXPECT_EQ(alaw_encode(int16_t{-32768}), 0x2A);
}

// Every code decodes to a value that encodes back to the same code (except µ-law's two zeros,
// which both decode to 0 and encode as positive zero).
TEST(G711, CodeRoundTrip) {
  for (int c = 0; c < 256; ++c) {
    const auto code = static_cast<uint8_t>(c);
    if (code != 0x7F) {
      EXPECT_EQ(ulaw_encode(ulaw_decode(code)), code) << c;
    }
    EXPECT_EQ(alaw_encode(alaw_decode(code)), code) << c;
  }
}

// Both laws are monotonic, odd-symmetric (up to the one's-complement convention) and keep the
// quantization error within half a step of the segment (below 1/16 of the value).
TEST(G711, MonotonicAndBoundedError) {
  int prev_u = -40000;
  int prev_a = -40000;
  for (int x = -32768; x <= 32767; ++x) {
    const auto s = static_cast<int16_t>(x);
    const int u = ulaw_decode(ulaw_encode(s));
    const int a = alaw_decode(alaw_encode(s));
    ASSERT_GE(u, prev_u) << x;
    ASSERT_GE(a, prev_a) << x;
    prev_u = u;
    prev_a = a;
    if (std::abs(x) < 32000) {
      ASSERT_LE(std::abs(u - x), std::max(8, std::abs(x) / 16 + 4)) << x;
      ASSERT_LE(std::abs(a - x), std::max(16, std::abs(x) / 16 + 8)) << x;
    }
  }
  std::set<uint8_t> ucodes;
  std::set<uint8_t> acodes;
  for (int x = -32768; x <= 32767; ++x) {
    ucodes.insert(ulaw_encode(static_cast<int16_t>(x)));
    acodes.insert(alaw_encode(static_cast<int16_t>(x)));
  }
  EXPECT_EQ(ucodes.size(), 256u);  // every code is reachable
  EXPECT_EQ(acodes.size(), 256u);
}

// spandsp's decoders agree on all 256 codes; its A-law encoder agrees on every 16-bit input. Its
// µ-law encoder takes the magnitude of negative samples as -x where G.191 takes ~x = -x-1, so the
// two may differ only for negative multiples of 4, and then by one quantization step.
TEST(G711, MatchesSpandsp) {
  for (int c = 0; c < 256; ++c) {
    const auto code = static_cast<uint8_t>(c);
    EXPECT_EQ(ulaw_decode(code), ulaw_to_linear(code)) << c;
    EXPECT_EQ(alaw_decode(code), alaw_to_linear(code)) << c;
  }
  int ulaw_differences = 0;
  for (int x = -32768; x <= 32767; ++x) {
    const auto s = static_cast<int16_t>(x);
    ASSERT_EQ(alaw_encode(s), linear_to_alaw(x)) << x;
    const uint8_t ours = ulaw_encode(s);
    const uint8_t theirs = linear_to_ulaw(x);
    if (ours != theirs) {
      ++ulaw_differences;
      ASSERT_TRUE(x < 0 && x % 4 == 0) << x;
      ASSERT_EQ(std::abs(int{ours} - int{theirs}), 1) << x;
    }
  }
  // The convention difference really shows (the test would notice a changed encoder).
  EXPECT_GT(ulaw_differences, 0);
  EXPECT_LT(ulaw_differences, 300);
}

TEST(G711, BlockFormsMatchScalar) {
  std::array<int16_t, 5> pcm = {0, 1000, -1000, 32767, -32768};
  std::array<uint8_t, 5> u{};
  std::array<uint8_t, 4> a{};  // shorter output: only 4 samples converted
  EXPECT_EQ(ulaw_encode(pcm, u), 5u);
  EXPECT_EQ(alaw_encode(pcm, a), 4u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(u[i], ulaw_encode(pcm[i]));
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(a[i], alaw_encode(pcm[i]));
  std::array<int16_t, 5> back{};
  EXPECT_EQ(ulaw_decode(u, back), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(back[i], ulaw_decode(u[i]));
  EXPECT_EQ(alaw_decode(a, back), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(back[i], alaw_decode(a[i]));
}

}  // namespace
}  // namespace tandem::codec
