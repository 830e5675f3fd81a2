#include "flow_token.hpp"

#include <gtest/gtest.h>

#include "sip/uri.hpp"

namespace tandem::pbx {
namespace {

using boost::asio::ip::make_address;
using sip::Flow;
using sip::TransportKind;

TEST(FlowToken, RoundTripsBothFamiliesAndAllKinds) {
  const FlowPair pair{
      Flow{TransportKind::kUdp, {make_address("192.0.2.7"), 5060}, {}, 0},
      Flow{TransportKind::kWss, {make_address("2001:db8::42"), 443}, {}, 987654321}};
  const std::string token = encode_flow_token(pair);
  auto back = decode_flow_token(token);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->a.kind, TransportKind::kUdp);
  EXPECT_EQ(back->a.remote, pair.a.remote);
  EXPECT_EQ(back->b.kind, TransportKind::kWss);
  EXPECT_EQ(back->b.remote, pair.b.remote);
  EXPECT_EQ(back->b.connection_id, 987654321u);
  // Usable as the user part of a SIP URI, and recognised there.
  auto uri = sip::parse_uri("sip:" + token + "@127.0.0.1:5070;transport=udp;lr");
  ASSERT_TRUE(uri.ok()) << uri.error().describe();
  EXPECT_TRUE(is_own_route(*uri));
  EXPECT_EQ(uri->user, token);
}

TEST(FlowToken, RejectsForgeriesAndGarbage) {
  for (const char* bad :
       {"", "tpx-", "tpx-u7f000001.5060.0", "tpx-x7f000001.5060.0-u7f000001.5060.0",
        "tpx-u7f0000.5060.0-u7f000001.5060.0", "tpx-u7f000001.99999.0-u7f000001.5060.0",
        "tpx-u7f000001.5060.-u7f000001.5060.0", "tpx-uzz000001.5060.0-u7f000001.5060.0", "alice",
        "tpx-u7f000001.5060.0-u7f000001.5060.0x"}) {
    EXPECT_FALSE(decode_flow_token(bad).has_value()) << bad;
  }
}

TEST(FlowToken, SameFlowByConnectionOrAddress) {
  const Flow tcp1{TransportKind::kTcp, {make_address("192.0.2.1"), 40000}, {}, 5};
  Flow tcp1_again = tcp1;
  tcp1_again.remote.port = 40001;  // the connection decides, not the port
  EXPECT_TRUE(same_flow(tcp1, tcp1_again));
  Flow other = tcp1;
  other.connection_id = 6;
  EXPECT_FALSE(same_flow(tcp1, other));
  Flow by_address = tcp1;
  by_address.connection_id = 0;  // a flow opened by address matches its connection
  EXPECT_TRUE(same_flow(tcp1, by_address));
  const Flow udp{TransportKind::kUdp, {make_address("192.0.2.1"), 40000}, {}, 0};
  EXPECT_FALSE(same_flow(tcp1, udp));
}

}  // namespace
}  // namespace tandem::pbx
