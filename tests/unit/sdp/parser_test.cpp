#include "sdp/parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sdp/serializer.hpp"

namespace tandem::sdp {
namespace {

// Joins lines with CRLF, ending with one.
std::string crlf(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\r\n";
  return out;
}

const std::vector<std::string> kFull = {
    "v=0",
    "o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1",
    "s=Call to John Smith",
    "i=SDP Offer #1",
    "u=http://www.jdoe.example.com/home.html",
    "e=Jane Doe <jane@jdoe.example.com>",
    "p=+1 617 555-6011",
    "c=IN IP4 224.2.17.12/127/2",
    "b=CT:128",
    "t=2873397496 2873404696",
    "r=7d 1h 0 25h",
    "t=0 0",
    "z=2882844526 -1h 2898848070 0",
    "k=clear:secret",
    "a=recvonly",
    "a=tool:x y",
    "m=audio 49170/2 RTP/AVP 0 8",
    "i=voice",
    "c=IN IP6 ff15::101/3",
    "b=AS:64",
    "k=prompt",
    "a=rtpmap:0 PCMU/8000",
    "m=video 0 RTP/AVP",
};

TEST(SdpParser, ParsesEveryRfc8866LineType) {
  auto sd = parse_sdp(crlf(kFull));
  ASSERT_TRUE(sd.ok()) << sd.error().describe();
  EXPECT_EQ(sd->origin.username, "jdoe");
  EXPECT_EQ(sd->origin.session_id, "3724394400");
  EXPECT_EQ(sd->origin.session_version, "3724394405");
  EXPECT_EQ(sd->origin.address, "198.51.100.1");
  EXPECT_EQ(sd->session_name, "Call to John Smith");
  EXPECT_EQ(sd->information, "SDP Offer #1");
  EXPECT_EQ(sd->uri, "http://www.jdoe.example.com/home.html");
  EXPECT_EQ(sd->emails, std::vector<std::string>{"Jane Doe <jane@jdoe.example.com>"});
  EXPECT_EQ(sd->phones, std::vector<std::string>{"+1 617 555-6011"});
  ASSERT_TRUE(sd->connection);
  EXPECT_EQ(sd->connection->address, "224.2.17.12");
  EXPECT_EQ(sd->connection->ttl, 127u);
  EXPECT_EQ(sd->connection->address_count, 2u);
  EXPECT_EQ(sd->bandwidths, (std::vector<Bandwidth>{{"CT", 128}}));
  ASSERT_EQ(sd->times.size(), 2u);
  EXPECT_EQ(sd->times[0].start, 2873397496u);
  EXPECT_EQ(sd->times[0].repeats, (std::vector<RepeatTime>{{"7d", "1h", {"0", "25h"}}}));
  EXPECT_EQ(sd->time_zones,
            (std::vector<TimeZoneAdjustment>{{2882844526, "-1h"}, {2898848070, "0"}}));
  EXPECT_EQ(sd->key, "clear:secret");
  ASSERT_EQ(sd->attributes.size(), 2u);
  EXPECT_EQ(sd->attributes[0], (Attribute{"recvonly", std::nullopt}));
  EXPECT_EQ(sd->attributes[1], (Attribute{"tool", "x y"}));
  ASSERT_EQ(sd->media.size(), 2u);
  const MediaDescription& audio = sd->media[0];
  EXPECT_EQ(audio.media, "audio");
  EXPECT_EQ(audio.port, 49170);
  EXPECT_EQ(audio.port_count, 2);
  EXPECT_EQ(audio.proto, "RTP/AVP");
  EXPECT_EQ(audio.formats, (std::vector<std::string>{"0", "8"}));
  EXPECT_EQ(audio.title, "voice");
  ASSERT_TRUE(audio.connection);
  EXPECT_EQ(audio.connection->address_type, "IP6");
  EXPECT_EQ(audio.connection->address, "ff15::101");
  EXPECT_FALSE(audio.connection->ttl);
  EXPECT_EQ(audio.connection->address_count, 3u);
  EXPECT_EQ(audio.key, "prompt");
  EXPECT_TRUE(sd->media[1].is_disabled());
  EXPECT_TRUE(sd->media[1].formats.empty());
}

TEST(SdpParser, RoundTripsEveryLineTypeExactly) {
  auto sd = parse_sdp(crlf(kFull));
  ASSERT_TRUE(sd.ok()) << sd.error().describe();
  EXPECT_EQ(serialize_sdp(*sd), crlf(kFull));
}

TEST(SdpParser, AcceptsLfOnlyAndWritesCrlf) {
  std::string lf;
  for (const std::string& l : kFull) lf += l + "\n";
  auto sd = parse_sdp(lf);
  ASSERT_TRUE(sd.ok()) << sd.error().describe();
  EXPECT_EQ(serialize_sdp(*sd), crlf(kFull));
}

TEST(SdpParser, AcceptsMissingFinalLineEndBlankLinesAndTrailingSpace) {
  auto sd =
      parse_sdp("v=0\r\no=- 1 1 IN IP4 1.2.3.4 \r\n\r\ns=-\t\r\nt=0 0\r\n\r\nm=audio 1 RTP/AVP 0");
  ASSERT_TRUE(sd.ok()) << sd.error().describe();
  EXPECT_EQ(serialize_sdp(*sd),
            "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n");
}

TEST(SdpParser, SuppliesMissingSessionNameAndTiming) {
  // Some SIP phones send neither s= nor t=; both are filled in so the output is valid SDP.
  auto sd =
      parse_sdp("v=0\no=phone 1 1 IN IP4 10.0.0.5\nc=IN IP4 10.0.0.5\nm=audio 10000 RTP/AVP 0\n");
  ASSERT_TRUE(sd.ok()) << sd.error().describe();
  EXPECT_EQ(sd->session_name, "-");
  ASSERT_EQ(sd->times.size(), 1u);
  EXPECT_EQ(serialize_sdp(*sd),
            "v=0\r\no=phone 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
            "m=audio 10000 RTP/AVP 0\r\n");
}

TEST(SdpParser, AcceptsSessionLinesOutOfOrderAndWritesRfcOrder) {
  auto sd = parse_sdp("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\na=x\nc=IN IP4 1.2.3.4\nb=AS:1\n");
  ASSERT_TRUE(sd.ok()) << sd.error().describe();
  EXPECT_EQ(
      serialize_sdp(*sd),
      "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nb=AS:1\r\nt=0 0\r\na=x\r\n");
}

TEST(SdpParser, NormalizesRepeatedSpacesInStructuredLinesOnly) {
  auto sd = parse_sdp(
      "v=0\no=-  1 1 IN  IP4 1.2.3.4\ns=a  b\nt=0  0\nm=audio  1  RTP/AVP  0\n"
      "a=fmtp:0 x=1;  y=2\n");
  ASSERT_TRUE(sd.ok()) << sd.error().describe();
  EXPECT_EQ(serialize_sdp(*sd),
            "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=a  b\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n"
            "a=fmtp:0 x=1;  y=2\r\n");
}

TEST(SdpParser, KeepsUnknownAttributesInOrderWithExactValues) {
  const std::string text =
      crlf({"v=0", "o=- 1 1 IN IP4 1.2.3.4", "s=-", "t=0 0", "a=msid-semantic: WMS *", "a=x-b",
            "a=x-a:1:2:3", "m=audio 9 RTP/AVP 0", "a=zzz", "a=x-empty:", "a=rtcp-mux",
            "a=yyy:  spaced  value"});
  auto sd = parse_sdp(text);
  ASSERT_TRUE(sd.ok()) << sd.error().describe();
  EXPECT_EQ(sd->attributes[0], (Attribute{"msid-semantic", " WMS *"}));
  EXPECT_EQ(sd->attributes[2], (Attribute{"x-a", "1:2:3"}));
  const AttributeList& a = sd->media[0].attributes;
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0], (Attribute{"zzz", std::nullopt}));
  EXPECT_EQ(a[1], (Attribute{"x-empty", ""}));
  EXPECT_EQ(a[3], (Attribute{"yyy", "  spaced  value"}));
  EXPECT_EQ(serialize_sdp(*sd), text);
}

TEST(SdpParser, HandlesMoreThan150AttributeLines) {
  std::vector<std::string> lines = {"v=0", "o=- 1 1 IN IP4 1.2.3.4", "s=-", "t=0 0",
                                    "m=video 9 UDP/TLS/RTP/SAVPF 96"};
  for (int pt = 0; pt < 60; ++pt) {
    lines.push_back("a=rtpmap:" + std::to_string(96 + pt % 32) + " VP8/90000");
    lines.push_back("a=rtcp-fb:" + std::to_string(96 + pt % 32) + " nack pli");
    lines.push_back("a=x-unknown-" + std::to_string(pt) + ":value " + std::to_string(pt));
  }
  const std::string text = crlf(lines);
  auto sd = parse_sdp(text);
  ASSERT_TRUE(sd.ok()) << sd.error().describe();
  EXPECT_EQ(sd->media[0].attributes.size(), 180u);
  EXPECT_EQ(serialize_sdp(*sd), text);
}

struct ErrorCase {
  const char* name;
  std::string text;
  uint32_t line;
  uint32_t column;
  const char* reason;
};

class SdpParserErrors : public testing::TestWithParam<ErrorCase> {};

TEST_P(SdpParserErrors, ReportsLineColumnAndReason) {
  const ErrorCase& c = GetParam();
  auto sd = parse_sdp(c.text);
  ASSERT_FALSE(sd.ok());
  EXPECT_EQ(sd.error().reason, c.reason);
  EXPECT_EQ(sd.error().line, c.line);
  EXPECT_EQ(sd.error().column, c.column);
}

const std::string kHead = "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n";

INSTANTIATE_TEST_SUITE_P(
    Table, SdpParserErrors,
    testing::Values(
        ErrorCase{"Empty", "", 1, 1, "empty description: no v= line"},
        ErrorCase{"OnlyBlank", "\r\n\r\n", 1, 1, "empty description: no v= line"},
        ErrorCase{"NoVersion", "o=- 1 1 IN IP4 1.2.3.4\r\n", 1, 1,
                  "description must start with v=0"},
        ErrorCase{"BadVersion", "v=1\r\n", 1, 3, "unsupported SDP version '1'"},
        ErrorCase{"OnlyVersion", "v=0\r\n", 1, 1, "description ends after v=: o= line missing"},
        ErrorCase{"OriginNotSecond", "v=0\r\ns=-\r\n", 2, 1, "o= line must follow v="},
        ErrorCase{"ShortOrigin", "v=0\r\no=- 1 1 IN IP4\r\n", 2, 3,
                  "o= line needs <username> <sess-id> <sess-version> <nettype> <addrtype> "
                  "<address>"},
        ErrorCase{"LongOrigin", "v=0\r\no=- 1 1 IN IP4 a b\r\n", 2, 18,
                  "o= line needs <username> <sess-id> <sess-version> <nettype> <addrtype> "
                  "<address>"},
        ErrorCase{"NoEquals", kHead + "t 0 0\r\n", 4, 2, "expected <type>=<value>"},
        ErrorCase{"OneChar", kHead + "t\r\n", 4, 1, "expected <type>=<value>"},
        ErrorCase{"UnknownType", kHead + "x=1\r\n", 4, 1, "unknown line type 'x'"},
        ErrorCase{"UnknownTypeInMedia", kHead + "m=audio 1 RTP/AVP 0\r\ny=1\r\n", 5, 1,
                  "unknown line type 'y'"},
        ErrorCase{"SecondVersion", kHead + "v=0\r\n", 4, 1, "v= may appear only once, at the top"},
        ErrorCase{"DuplicateSessionName", kHead + "s=again\r\n", 4, 1,
                  "s= may appear only once at session level"},
        ErrorCase{"DuplicateConnection", kHead + "c=IN IP4 1.1.1.1\r\nc=IN IP4 1.1.1.1\r\n", 5, 1,
                  "c= may appear only once at session level"},
        ErrorCase{"DuplicateMediaConnection",
                  kHead + "m=audio 1 RTP/AVP 0\r\nc=IN IP4 1.1.1.1\r\nc=IN IP4 1.1.1.1\r\n", 6, 1,
                  "c= may appear only once per media section"},
        ErrorCase{"TimingInMedia", kHead + "m=audio 1 RTP/AVP 0\r\nt=0 0\r\n", 5, 1,
                  "t= line is not allowed in a media section"},
        ErrorCase{"RepeatBeforeTiming", kHead + "r=1 1 1\r\n", 4, 1,
                  "r= line must follow a t= line"},
        ErrorCase{"MediaTooShort", kHead + "t=0 0\r\nm=audio 1\r\n", 5, 1,
                  "m= line needs <media> <port> <proto> <fmt>..."},
        ErrorCase{"MediaNoFormats", kHead + "t=0 0\r\nm=audio 1 RTP/AVP\r\n", 5, 1,
                  "m= line needs <media> <port> <proto> <fmt>..."},
        ErrorCase{"MediaBadPort", kHead + "m=audio 70000 RTP/AVP 0\r\n", 4, 9, "bad port '70000'"},
        ErrorCase{"MediaBadPortCount", kHead + "m=audio 1/x RTP/AVP 0\r\n", 4, 11,
                  "bad port count"},
        ErrorCase{"MediaBadType", kHead + "m=au:dio 1 RTP/AVP 0\r\n", 4, 3, "bad media type"},
        ErrorCase{"MediaBadProto", kHead + "m=audio 1 RTP;AVP 0\r\n", 4, 11,
                  "bad transport protocol"},
        ErrorCase{"BadTime", kHead + "t=0 never\r\n", 4, 5, "time is not a number"},
        ErrorCase{"TimeThreeFields", kHead + "t=0 0 0\r\n", 4, 7,
                  "t= line needs <start-time> <stop-time>"},
        ErrorCase{"BadRepeat", kHead + "t=0 0\r\nr=7x 1h 0\r\n", 5, 3, "bad typed time"},
        ErrorCase{"BadZone", kHead + "z=1 -1h 2\r\n", 4, 3,
                  "z= line needs <adjustment time> <offset> pairs"},
        ErrorCase{"BadBandwidth", kHead + "b=AS:lots\r\n", 4, 6, "bandwidth is not a number"},
        ErrorCase{"BandwidthNoColon", kHead + "b=AS\r\n", 4, 3,
                  "b= line needs <bwtype>:<bandwidth>"},
        ErrorCase{"ConnectionShort", kHead + "c=IN IP4\r\n", 4, 3,
                  "c= line needs <nettype> <addrtype> <connection-address>"},
        ErrorCase{"ConnectionBadTtl", kHead + "c=IN IP4 224.0.0.1/x\r\n", 4, 20,
                  "bad multicast TTL or address count"},
        ErrorCase{"ConnectionIp6TwoSuffixes", kHead + "c=IN IP6 ff15::1/1/2\r\n", 4, 17,
                  "too many '/' suffixes in connection address"},
        ErrorCase{"ConnectionEmptyAddress", kHead + "c=IN IP4 /5\r\n", 4, 10,
                  "connection address is empty"},
        ErrorCase{"AttributeNoName", kHead + "a=:x\r\n", 4, 3, "attribute name missing"},
        ErrorCase{"AttributeBadName", kHead + "a=foo bar\r\n", 4, 6,
                  "bad character in attribute name"},
        ErrorCase{"NulByte", kHead + std::string("i=a\0b\r\n", 7), 4, 4, "NUL byte in line"},
        ErrorCase{"StrayCr", kHead + "i=a\rb\r\n", 4, 4, "stray CR inside line"}),
    [](const testing::TestParamInfo<ErrorCase>& info) { return std::string(info.param.name); });

TEST(SdpParser, ErrorDescribeNamesThePosition) {
  auto sd = parse_sdp(kHead + "t=0 0\r\nm=audio\r\n");
  ASSERT_FALSE(sd.ok());
  EXPECT_EQ(sd.error().describe(),
            "line 5, column 1: m= line needs <media> <port> <proto> <fmt>...");
}

TEST(SdpParser, EnforcesLimits) {
  SdpLimits limits;
  limits.max_bytes = 40;
  const std::string text = kHead + "t=0 0\r\nm=audio 1 RTP/AVP 0\r\n";
  auto too_big = parse_sdp(text, limits);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().reason,
            "description is " + std::to_string(text.size()) + " bytes; the limit is 40");

  limits = SdpLimits{};
  limits.max_lines = 4;
  auto too_long = parse_sdp(text, limits);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().describe(), "line 5, column 1: more than 4 lines");

  limits = SdpLimits{};
  limits.max_media = 1;
  auto too_many = parse_sdp(kHead + "m=audio 1 RTP/AVP 0\r\nm=video 1 RTP/AVP 0\r\n", limits);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().describe(), "line 5, column 1: more than 1 media sections");
}

TEST(SdpParser, ParseAttributeSplitsAtFirstColon) {
  auto a = parse_attribute("fingerprint:sha-256 AB:CD");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->name, "fingerprint");
  EXPECT_EQ(a->value, "sha-256 AB:CD");
  EXPECT_EQ(to_string(*a), "fingerprint:sha-256 AB:CD");
}

}  // namespace
}  // namespace tandem::sdp
