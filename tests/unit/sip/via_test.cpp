#include "sip/via.hpp"

#include <gtest/gtest.h>

namespace tandem::sip {
namespace {

TEST(Via, ParsesSentProtocolSentByAndParameters) {
  auto via = parse_via(
      "SIP/2.0/UDP "
      "pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5070;maddr=224.2.0.1;"
      "ttl=16");
  ASSERT_TRUE(via.ok()) << via.error().describe();
  EXPECT_EQ(via->transport, "UDP");
  EXPECT_EQ(via->host, "pc33.atlanta.com");
  EXPECT_EQ(via->port, 5066);
  EXPECT_EQ(via->branch(), "z9hG4bK776asdhds");
  EXPECT_TRUE(via->has_rfc3261_branch());
  EXPECT_EQ(via->received(), "192.0.2.1");
  EXPECT_EQ(via->rport(), 5070);
  EXPECT_EQ(via->maddr(), "224.2.0.1");
}

TEST(Via, AcceptsWhitespaceAroundSeparatorsAndLowerCaseTransport) {
  auto via = parse_via("SIP / 2.0 / ws  df7jal23ls0d.invalid ; branch=z9hG4bKabc ; rport");
  ASSERT_TRUE(via.ok()) << via.error().describe();
  EXPECT_EQ(via->transport, "WS");
  EXPECT_EQ(via->host, "df7jal23ls0d.invalid");
  EXPECT_TRUE(via->has_rport());
  EXPECT_FALSE(via->rport());
  EXPECT_EQ(via->branch(), "z9hG4bKabc");
  auto spaced = parse_via("SIP/2.0/TCP host : 5060;branch=z9hG4bK1");
  ASSERT_TRUE(spaced.ok()) << spaced.error().describe();
  EXPECT_EQ(spaced->port, 5060);
}

TEST(Via, Ipv6SentByAndRfc2543Branch) {
  auto via = parse_via("SIP/2.0/TLS [2001:db8::9]:5061;branch=1234");
  ASSERT_TRUE(via.ok());
  EXPECT_EQ(via->host, "[2001:db8::9]");
  EXPECT_FALSE(via->has_rfc3261_branch());
}

TEST(Via, RoundTripsThroughToString) {
  auto via = parse_via("SIP/2.0/WSS abc.invalid;branch=z9hG4bK1;rport");
  ASSERT_TRUE(via.ok());
  EXPECT_EQ(via->to_string(), "SIP/2.0/WSS abc.invalid;branch=z9hG4bK1;rport");
}

TEST(Via, RejectsMalformedValues) {
  for (const char* bad :
       {"", "SIP/2.0", "SIP/2.0/UDP", "SIP/2.0/UDP ;branch=x", "SIP/2.0/UDPhost",
        "SIP/2.0/UDP host;branch=", "SIP/2.0/UDP host:x", "SIP/2.0/UDP host;rport=abc",
        "SIP/2.0/UDP host;ttl=300", "SIP/2.0/UDP ho st;branch=z9hG4bK1",
        "SIP/2.0/UDP host;branch=\"q\"", "SIP/2.0/UDP host;received", "SIP/2.0/UDP host junk"}) {
    EXPECT_FALSE(parse_via(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace tandem::sip

namespace tandem::sip {
namespace {

TEST(ViaView, ExposesTheBranchForTransactionMatching) {
  auto view = parse_via_view("SIP/2.0/wss df7jal23ls0d.invalid : 443 ;branch=z9hG4bKx;rport");
  ASSERT_TRUE(view.ok()) << view.error().describe();
  EXPECT_EQ(view->transport, "wss");
  EXPECT_EQ(view->host, "df7jal23ls0d.invalid");
  EXPECT_EQ(view->port, 443);
  EXPECT_EQ(view->branch, "z9hG4bKx");
  EXPECT_EQ(to_via(*view).transport, "WSS");
}

}  // namespace
}  // namespace tandem::sip
