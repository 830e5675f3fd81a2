#include "sdp/candidate.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tandem::sdp {
namespace {

class CandidateRoundTrip : public testing::TestWithParam<std::string> {};

TEST_P(CandidateRoundTrip, RebuildsExactly) {
  auto c = parse_candidate(GetParam());
  ASSERT_TRUE(c.ok()) << c.error().describe();
  EXPECT_EQ(to_string(*c), GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Table, CandidateRoundTrip,
    testing::Values(
        "3551326304 1 udp 2122194687 192.0.2.2 41806 typ host generation 0 network-id 1",
        "3571358928 1 udp 2122265343 fd00::2 49424 typ host generation 0 network-id 2",
        "2908951288 1 tcp 1518214911 192.0.2.2 9 typ host tcptype active generation 0 network-id 1",
        "0 1 UDP 2122187007 a7f38e92-e378-49e8-b046-4499669a220f.local 46932 typ host",
        "2 2 TCP 2105458942 a7f38e92-e378-49e8-b046-4499669a220f.local 9 typ host tcptype active",
        "842163049 1 udp 1677729535 198.51.100.7 40000 typ srflx raddr 0.0.0.0 rport 0 "
        "generation 0 ufrag Xb2k network-cost 999",
        "a+/Z 256 udp 41885439 203.0.113.1 3478 typ relay raddr 198.51.100.7 rport 40000",
        "1 1 tcp 1 2001:db8::1 9 typ host tcptype passive",
        "1 1 tcp 1 2001:db8::1 9 typ srflx raddr 2001:db8::2 rport 5 tcptype so",
        "1 1 udp 4294967295 host.example.com 65535 typ prflx",
        "1 1 udp 0 10.0.0.1 0 typ futuretype x-ext 1"));

TEST(Candidate, Fields) {
  auto c = parse_candidate(
      "842163049 1 udp 1677729535 198.51.100.7 40000 typ srflx raddr 10.0.0.1 rport 5000 "
      "generation 0 network-id 1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->foundation, "842163049");
  EXPECT_EQ(c->component, 1);
  EXPECT_EQ(c->transport, "udp");
  EXPECT_EQ(c->priority, 1677729535u);
  EXPECT_EQ(c->address, "198.51.100.7");
  EXPECT_EQ(c->port, 40000);
  EXPECT_EQ(c->type, "srflx");
  EXPECT_EQ(c->related_address, "10.0.0.1");
  EXPECT_EQ(c->related_port, 5000);
  EXPECT_FALSE(c->tcp_type);
  EXPECT_EQ(c->extension("generation"), "0");
  EXPECT_EQ(c->extension("network-id"), "1");
  EXPECT_EQ(c->extension("ufrag"), std::nullopt);
  EXPECT_FALSE(c->is_tcp());
  EXPECT_FALSE(c->is_mdns());
}

TEST(Candidate, TcpTypeAndMdns) {
  auto c = parse_candidate("2 1 TCP 2105458943 abc.LOCAL 9 typ host tcptype active");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->is_tcp());
  EXPECT_TRUE(c->is_mdns());
  EXPECT_EQ(c->tcp_type, "active");
  EXPECT_TRUE(c->extensions.empty());
  // ".local" alone has no host label.
  EXPECT_FALSE(parse_candidate("2 1 udp 1 .local 9 typ host")->is_mdns());
}

TEST(Candidate, AcceptsTrickleStringWithPrefix) {
  auto c = parse_candidate("candidate:1 1 udp 1 10.0.0.1 5 typ host");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->foundation, "1");
  EXPECT_EQ(to_string(*c), "1 1 udp 1 10.0.0.1 5 typ host");
}

TEST(Candidate, CanonicalOrderPutsRaddrRportTcptypeFirst) {
  auto c = parse_candidate(
      "1 1 tcp 1 10.0.0.1 9 typ srflx generation 0 tcptype so rport 7 raddr 10.0.0.2");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(to_string(*c),
            "1 1 tcp 1 10.0.0.1 9 typ srflx raddr 10.0.0.2 rport 7 tcptype so generation 0");
}

struct RejectCase {
  const char* text;
  const char* reason;
};

class CandidateRejects : public testing::TestWithParam<RejectCase> {};

TEST_P(CandidateRejects, WithReason) {
  auto c = parse_candidate(GetParam().text);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().reason, GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CandidateRejects,
    testing::Values(
        RejectCase{"", "candidate: needs 8 fields up to 'typ <type>'"},
        RejectCase{"1 1 udp 1 10.0.0.1 5 typ", "candidate: needs 8 fields up to 'typ <type>'"},
        RejectCase{"f-1 1 udp 1 10.0.0.1 5 typ host",
                   "candidate: foundation must be 1-32 ice-chars"},
        RejectCase{"123456789012345678901234567890123 1 udp 1 a 5 typ host",
                   "candidate: foundation must be 1-32 ice-chars"},
        RejectCase{"1 0 udp 1 10.0.0.1 5 typ host", "candidate: component id must be 1-256"},
        RejectCase{"1 257 udp 1 10.0.0.1 5 typ host", "candidate: component id must be 1-256"},
        RejectCase{"1 1 udp 4294967296 10.0.0.1 5 typ host",
                   "candidate: priority must be a 32-bit number"},
        RejectCase{"1 1 udp 1 10.0.0.1 65536 typ host", "candidate: port must be 0-65535"},
        RejectCase{"1 1 udp 1 10.0.0.1 5 type host", "candidate: expected 'typ' after the port"},
        RejectCase{"1 1 udp 1 10.0.0.1 5 typ host generation",
                   "candidate: extension name without a value"},
        RejectCase{"1 1 udp 1 10.0.0.1 5 typ srflx rport x raddr 1.1.1.1",
                   "candidate: bad or repeated rport"},
        RejectCase{"1 1 udp 1 10.0.0.1 5 typ srflx raddr 1.1.1.1 raddr 1.1.1.1",
                   "candidate: raddr given twice"},
        RejectCase{"1 1 tcp 1 10.0.0.1 5 typ host tcptype active tcptype so",
                   "candidate: tcptype given twice"}));

}  // namespace
}  // namespace tandem::sdp
