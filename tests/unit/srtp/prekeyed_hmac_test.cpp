// PrekeyedHmacSha1 against RFC 2202's HMAC-SHA1 test cases (short, 25-byte and 80-byte keys,
// truncation) and against common/hmac_sha1 (EVP_MAC) over many lengths and repeated use.
#include "srtp/prekeyed_hmac.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "common/hmac_sha1.hpp"
#include "test_packets.hpp"

namespace tandem::srtp {
namespace {

using test::from_hex;

std::vector<uint8_t> bytes(std::string_view text) { return {text.begin(), text.end()}; }

std::vector<uint8_t> mac(PrekeyedHmacSha1& hmac, std::span<const uint8_t> part1,
                         std::span<const uint8_t> part2, size_t len = 20) {
  std::vector<uint8_t> out(len);
  EXPECT_TRUE(hmac.compute(part1, part2, out));
  return out;
}

struct Rfc2202Case {
  std::vector<uint8_t> key;
  std::vector<uint8_t> data;
  const char* digest;
};

TEST(PrekeyedHmacSha1, Rfc2202TestCases) {
  const Rfc2202Case cases[] = {
      {std::vector<uint8_t>(20, 0x0b), bytes("Hi There"),
       "B617318655057264E28BC0B6FB378C8EF146BE00"},
      {bytes("Jefe"), bytes("what do ya want for nothing?"),
       "EFFCDF6AE5EB2FA2D27416D5F184DF9C259A7C79"},
      {std::vector<uint8_t>(20, 0xaa), std::vector<uint8_t>(50, 0xdd),
       "125D7342B9AC11CD91A39AF48AA17B4F63F175D3"},
      {from_hex("0102030405060708090A0B0C0D0E0F10111213141516171819"),
       std::vector<uint8_t>(50, 0xcd), "4C9007F4026250C6BC8414F9BF50C86C2D7235DA"},
      {std::vector<uint8_t>(80, 0xaa),
       bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
       "AA4AE5E15272D00E95705637CE8A3B55ED402112"},
      {std::vector<uint8_t>(80, 0xaa),
       bytes("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
       "E8E99D0F45237D786D6BBAA7965C7808BBFF1A91"},
  };
  for (const Rfc2202Case& c : cases) {
    auto hmac = PrekeyedHmacSha1::create(c.key);
    ASSERT_TRUE(hmac.ok());
    // Whole, split anywhere, and again: each packet starts from the same keyed state.
    EXPECT_EQ(mac(*hmac, c.data, {}), from_hex(c.digest));
    const auto split = std::span(c.data);
    EXPECT_EQ(mac(*hmac, split.first(3), split.subspan(3)), from_hex(c.digest));
    EXPECT_EQ(mac(*hmac, c.data, {}), from_hex(c.digest));
  }
}

TEST(PrekeyedHmacSha1, TruncatesLikeRfc2202Case5) {
  auto hmac = PrekeyedHmacSha1::create(std::vector<uint8_t>(20, 0x0c));
  ASSERT_TRUE(hmac.ok());
  EXPECT_EQ(mac(*hmac, bytes("Test With Truncation"), {}, 12),
            from_hex("4C1A03424B55E07FE7F27BE1"));
  std::vector<uint8_t> too_long(21);
  EXPECT_FALSE(hmac->compute(bytes("x"), {}, too_long));
}

TEST(PrekeyedHmacSha1, MatchesEvpMacOverManyLengths) {
  const auto key = from_hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");  // RFC 3711 B.3 k_a
  auto ours = PrekeyedHmacSha1::create(key);
  auto reference = HmacSha1::create(key);
  ASSERT_TRUE(ours.ok());
  ASSERT_TRUE(reference.ok());
  std::vector<uint8_t> data(1500);
  for (size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<uint8_t>(i * 7 + 3);
  }
  const uint8_t roc[4] = {0, 0, 1, 2};
  for (size_t len : {0, 1, 12, 55, 56, 63, 64, 65, 119, 120, 172, 1200, 1500}) {
    HmacSha1::Digest expected{};
    ASSERT_TRUE(reference->compute(std::span(data).first(len), roc, expected));
    EXPECT_EQ(mac(*ours, std::span(data).first(len), roc),
              std::vector<uint8_t>(expected.begin(), expected.end()))
        << len << " bytes";
  }
}

}  // namespace
}  // namespace tandem::srtp
