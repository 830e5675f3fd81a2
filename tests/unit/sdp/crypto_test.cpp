#include "sdp/crypto.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tandem::sdp {
namespace {

class CryptoRoundTrip : public testing::TestWithParam<std::string> {};

TEST_P(CryptoRoundTrip, RebuildsExactly) {
  auto c = parse_crypto(GetParam());
  ASSERT_TRUE(c.ok()) << c.error().describe();
  EXPECT_EQ(to_string(*c), GetParam());
}

// RFC 4568 examples and what Asterisk/FreeSWITCH send.
INSTANTIATE_TEST_SUITE_P(
    Table, CryptoRoundTrip,
    testing::Values(
        "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32",
        "1 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj",
        "2 F8_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm|2^20|1:4;"
        "inline:QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5|2^20|2:4 FEC_ORDER=FEC_SRTP",
        "1 AEAD_AES_128_GCM inline:bQJXGzEPXJPClrd78xwALdaZDs/dLttBLfLE5Q==",
        "3 AES_256_CM_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^31 "
        "UNENCRYPTED_SRTCP KDR=1 WSH=64",
        "4 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|5:1",
        "5 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1048576",
        "6 FUTURE_SUITE uri:https://keys.example/42"));

TEST(Crypto, Fields) {
  auto c = parse_crypto(
      "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32 "
      "UNENCRYPTED_SRTP");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->tag, 1u);
  EXPECT_EQ(c->suite, "AES_CM_128_HMAC_SHA1_80");
  ASSERT_EQ(c->keys.size(), 1u);
  EXPECT_EQ(c->keys[0].method, "inline");
  EXPECT_EQ(c->keys[0].key_salt, "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR");
  EXPECT_EQ(c->keys[0].lifetime, "2^20");
  EXPECT_EQ(c->keys[0].mki_value, 1u);
  EXPECT_EQ(c->keys[0].mki_length, 32u);
  EXPECT_EQ(c->session_parameters, std::vector<std::string>{"UNENCRYPTED_SRTP"});
}

TEST(Crypto, MkiWithoutLifetime) {
  auto c = parse_crypto("1 AES_CM_128_HMAC_SHA1_80 inline:QUJD|7:2");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->keys[0].lifetime);
  EXPECT_EQ(c->keys[0].mki_value, 7u);
  EXPECT_EQ(c->keys[0].mki_length, 2u);
}

struct RejectCase {
  const char* text;
  const char* reason;
};

class CryptoRejects : public testing::TestWithParam<RejectCase> {};

TEST_P(CryptoRejects, WithReason) {
  auto c = parse_crypto(GetParam().text);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().reason, GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CryptoRejects,
    testing::Values(
        RejectCase{"", "crypto: tag must be 1-9 digits"},
        RejectCase{"1234567890 AES_CM_128_HMAC_SHA1_80 inline:QUJD",
                   "crypto: tag must be 1-9 digits"},
        RejectCase{"1 AES_CM_128_HMAC_SHA1_80", "crypto: needs <tag> <crypto-suite> <key-params>"},
        RejectCase{"1 AES_CM_128_HMAC_SHA1_80 QUJD", "crypto: key-param needs <method>:<info>"},
        RejectCase{"1 AES_CM_128_HMAC_SHA1_80 inline:", "crypto: key||salt is not base64"},
        RejectCase{"1 AES_CM_128_HMAC_SHA1_80 inline:QU*D", "crypto: key||salt is not base64"},
        RejectCase{"1 AES_CM_128_HMAC_SHA1_80 inline:QUJD|2^x", "crypto: bad key lifetime"},
        RejectCase{"1 AES_CM_128_HMAC_SHA1_80 inline:QUJD|1:0", "crypto: bad MKI"},
        RejectCase{"1 AES_CM_128_HMAC_SHA1_80 inline:QUJD|1:129", "crypto: bad MKI"},
        RejectCase{"1 AES_CM_128_HMAC_SHA1_80 inline:QUJD|1:4|2^20", "crypto: text after the MKI"},
        RejectCase{"1 AES_CM_128_HMAC_SHA1_80 inline:QUJD|2^20|2^20", "crypto: bad key lifetime"},
        RejectCase{"1 AES_CM_128_HMAC_SHA1_80 x:", "crypto: empty key info"}));

}  // namespace
}  // namespace tandem::sdp
