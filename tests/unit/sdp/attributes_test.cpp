// Typed attribute views: each parses into fields and rebuilds the exact value.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>

#include "sdp/crypto.hpp"
#include "sdp/rtp_attributes.hpp"
#include "sdp/transport_attributes.hpp"

namespace tandem::sdp {
namespace {

// name -> parse and rebuild; nullopt when the value does not parse.
using Rebuild = std::function<std::optional<std::string>(std::string_view)>;

template <typename Parse>
Rebuild via(Parse parse) {
  return [parse](std::string_view value) -> std::optional<std::string> {
    auto parsed = parse(value);
    if (!parsed) return std::nullopt;
    return std::string(to_string(*parsed));
  };
}

const std::map<std::string, Rebuild>& rebuilders() {
  static const std::map<std::string, Rebuild> table = {
      {"rtpmap", via(parse_rtpmap)},
      {"fmtp", via(parse_fmtp)},
      {"rtcp-fb", via(parse_rtcp_fb)},
      {"extmap", via(parse_extmap)},
      {"ssrc", via(parse_ssrc)},
      {"ssrc-group", via(parse_ssrc_group)},
      {"msid", via(parse_msid)},
      {"rtcp", via(parse_rtcp)},
      {"fingerprint", via(parse_fingerprint)},
      {"group", via(parse_group)},
      {"setup", via(parse_setup)},
      {"crypto", via(parse_crypto)},
  };
  return table;
}

struct AttributeCase {
  std::string name;
  std::string value;
};

class TypedRoundTrip : public testing::TestWithParam<AttributeCase> {};

TEST_P(TypedRoundTrip, ParsesAndRebuildsExactly) {
  const AttributeCase& c = GetParam();
  EXPECT_EQ(rebuilders().at(c.name)(c.value), c.value) << c.name << ":" << c.value;
}

INSTANTIATE_TEST_SUITE_P(
    Table, TypedRoundTrip,
    testing::Values(
        AttributeCase{"rtpmap", "111 opus/48000/2"}, AttributeCase{"rtpmap", "0 PCMU/8000"},
        AttributeCase{"rtpmap", "9 G722/8000/1"},
        AttributeCase{"rtpmap", "101 telephone-event/8000"},
        AttributeCase{"rtpmap", "99 h263-1998/90000"},
        AttributeCase{"fmtp", "111 minptime=10;useinbandfec=1"}, AttributeCase{"fmtp", "101 0-15"},
        AttributeCase{"fmtp", "97 apt=96"},
        AttributeCase{"fmtp", "96 profile-level-id=42e01f; packetization-mode=1"},
        AttributeCase{"rtcp-fb", "96 nack"}, AttributeCase{"rtcp-fb", "96 nack pli"},
        AttributeCase{"rtcp-fb", "* ccm fir"}, AttributeCase{"rtcp-fb", "96 trr-int 100"},
        AttributeCase{"rtcp-fb", "111 transport-cc"},
        AttributeCase{"extmap", "1 urn:ietf:params:rtp-hdrext:ssrc-audio-level"},
        AttributeCase{"extmap", "2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level"},
        AttributeCase{"extmap", "3/sendonly urn:x vad=on"},
        AttributeCase{"extmap", "255 urn:two-byte"}, AttributeCase{"extmap", "4096 urn:negotiate"},
        AttributeCase{"ssrc", "4273922550 cname:/x+OXWncnVj69q7l"},
        AttributeCase{"ssrc", "1 msid:stream track"}, AttributeCase{"ssrc", "1 label"},
        AttributeCase{"ssrc-group", "FID 2617410496 3853438587"},
        AttributeCase{"ssrc-group", "SIM 1 2 3"}, AttributeCase{"msid", "b98d1833 30ef0451"},
        AttributeCase{"msid", "{c31dbac9} {f64bdb42}"}, AttributeCase{"msid", "- track"},
        AttributeCase{"msid", "stream-only"}, AttributeCase{"rtcp", "9 IN IP4 0.0.0.0"},
        AttributeCase{"rtcp", "53020"}, AttributeCase{"rtcp", "53020 IN IP6 2001:db8::1"},
        AttributeCase{"rtcp", "46278 IN IP4 a7f38e92-e378-49e8-b046-4499669a220f.local"},
        AttributeCase{"fingerprint", "sha-256 23:AE:81:41:89:A2:E8:E4"},
        AttributeCase{"fingerprint",
                      "SHA-1 4a:ad:b9:b1:3f:82:18:3b:54:02:12:df:3e:5d:49:6b:19:e5:7c:ab"},
        AttributeCase{"group", "BUNDLE 0 1 2"}, AttributeCase{"group", "LS audio video"},
        AttributeCase{"group", "BUNDLE"}, AttributeCase{"setup", "actpass"},
        AttributeCase{"setup", "active"}, AttributeCase{"setup", "passive"},
        AttributeCase{"setup", "holdconn"}));

class TypedRejects : public testing::TestWithParam<AttributeCase> {};

TEST_P(TypedRejects, ReturnsNothing) {
  const AttributeCase& c = GetParam();
  EXPECT_EQ(rebuilders().at(c.name)(c.value), std::nullopt) << c.name << ":" << c.value;
}

INSTANTIATE_TEST_SUITE_P(
    Table, TypedRejects,
    testing::Values(
        AttributeCase{"rtpmap", ""}, AttributeCase{"rtpmap", "128 x/8000"},
        AttributeCase{"rtpmap", "96 VP8"}, AttributeCase{"rtpmap", "96 /90000"},
        AttributeCase{"rtpmap", "96 VP8/fast"}, AttributeCase{"rtpmap", "96 opus/48000/two"},
        AttributeCase{"rtpmap", "96 VP8/90000 extra"}, AttributeCase{"fmtp", ""},
        AttributeCase{"rtcp-fb", "96"}, AttributeCase{"extmap", "0 urn:x"},
        AttributeCase{"extmap", "256 urn:x"}, AttributeCase{"extmap", "1/sideways urn:x"},
        AttributeCase{"extmap", "1"}, AttributeCase{"ssrc", "x cname:a"},
        AttributeCase{"ssrc", "4294967296 cname:a"}, AttributeCase{"ssrc", "1"},
        AttributeCase{"ssrc-group", "FID"}, AttributeCase{"ssrc-group", "FID 1 x"},
        AttributeCase{"msid", ""}, AttributeCase{"msid", "a b c"}, AttributeCase{"rtcp", "port"},
        AttributeCase{"rtcp", "9 IN IP4"}, AttributeCase{"fingerprint", "sha-256"},
        AttributeCase{"fingerprint", "sha-256 AB:C"}, AttributeCase{"fingerprint", "sha-256 AB-CD"},
        AttributeCase{"fingerprint", "sha-256 GG"}, AttributeCase{"group", ""},
        AttributeCase{"setup", "both"}));

TEST(RtpAttributes, RtpmapFields) {
  auto r = parse_rtpmap("111 opus/48000/2");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->payload_type, 111);
  EXPECT_EQ(r->encoding, "opus");
  EXPECT_EQ(r->clock_rate, 48000u);
  EXPECT_EQ(r->channels, 2u);
  EXPECT_EQ(parse_rtpmap("96 VP8").error().reason,
            "rtpmap: needs <payload type> <encoding name>/<clock rate>");
}

TEST(RtpAttributes, FmtpParameters) {
  const auto params = parse_fmtp_parameters("minptime=10; useinbandfec=1;;0-15");
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0], (FmtpParameter{"minptime", "10"}));
  EXPECT_EQ(params[1], (FmtpParameter{"useinbandfec", "1"}));
  EXPECT_EQ(params[2], (FmtpParameter{"0-15", std::nullopt}));
  EXPECT_EQ(to_string(params), "minptime=10;useinbandfec=1;0-15");
  EXPECT_EQ(fmtp_parameter("Profile-Level-Id=42e01f;packetization-mode=1", "profile-level-id"),
            "42e01f");
  EXPECT_EQ(fmtp_parameter("a=1", "b"), std::nullopt);
}

TEST(RtpAttributes, ExtmapAndSsrcFields) {
  auto e = parse_extmap("2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->id, 2);
  EXPECT_EQ(e->direction, Direction::kRecvOnly);
  EXPECT_FALSE(e->attributes);
  auto s = parse_ssrc("1 msid:stream track");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->id, 1u);
  EXPECT_EQ(s->attribute, "msid");
  EXPECT_EQ(s->value, "stream track");
}

TEST(RtpAttributes, Directions) {
  for (Direction d :
       {Direction::kSendRecv, Direction::kSendOnly, Direction::kRecvOnly, Direction::kInactive}) {
    EXPECT_EQ(parse_direction(to_string(d)), d);
  }
  EXPECT_EQ(parse_direction("SENDRECV"), std::nullopt);
  EXPECT_EQ(reverse(Direction::kSendOnly), Direction::kRecvOnly);
  EXPECT_EQ(reverse(Direction::kRecvOnly), Direction::kSendOnly);
  EXPECT_EQ(reverse(Direction::kInactive), Direction::kInactive);
}

TEST(RtpAttributes, Ptime) {
  EXPECT_EQ(*parse_ptime("20"), 20u);
  EXPECT_FALSE(parse_ptime("0.125").ok());
  EXPECT_FALSE(parse_ptime("").ok());
}

TEST(TransportAttributes, FingerprintBytes) {
  EXPECT_EQ(fingerprint_bytes("AB:cd:09"), (std::vector<uint8_t>{0xab, 0xcd, 0x09}));
  EXPECT_TRUE(fingerprint_bytes("AB:CD:").empty());
  EXPECT_TRUE(fingerprint_bytes("ABCD").empty());
  EXPECT_TRUE(fingerprint_bytes("").empty());
}

TEST(TransportAttributes, IceOptionsAndSctp) {
  EXPECT_EQ(parse_ice_options("trickle  ice2"), (std::vector<std::string>{"trickle", "ice2"}));
  EXPECT_TRUE(parse_ice_options("").empty());
  EXPECT_EQ(*parse_sctp_port("5000"), 5000);
  EXPECT_FALSE(parse_sctp_port("65536").ok());
  EXPECT_EQ(*parse_max_message_size("1073741823"), 1073741823u);
  EXPECT_FALSE(parse_max_message_size("-1").ok());
}

}  // namespace
}  // namespace tandem::sdp
