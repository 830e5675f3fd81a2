// The fuzzer's invariant (tests/fuzz/sdp/sdp_fuzzer.cpp) on fixed inputs: whatever parses must
// serialize to text that re-parses to the same model and re-serializes to the same text. The
// table holds inputs the parser normalizes (whitespace, numbers, missing lines) and every input
// the fuzzer ever flagged.
#include <gtest/gtest.h>

#include <string>

#include "sdp/parser.hpp"
#include "sdp/serializer.hpp"

namespace tandem::sdp {
namespace {

struct StableCase {
  const char* name;
  std::string text;
};

class SdpFixedPoint : public testing::TestWithParam<StableCase> {};

TEST_P(SdpFixedPoint, ReserializesToAFixedPoint) {
  auto parsed = parse_sdp(GetParam().text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  const std::string first = serialize_sdp(*parsed);
  auto reparsed = parse_sdp(first);
  ASSERT_TRUE(reparsed.ok()) << reparsed.error().describe() << "\n" << first;
  EXPECT_EQ(*reparsed, *parsed) << first;
  EXPECT_EQ(serialize_sdp(*reparsed), first);
}

const std::string kHead = "v=0\no=- 1 1 IN IP4 1.1.1.1\n";

INSTANTIATE_TEST_SUITE_P(
    Table, SdpFixedPoint,
    testing::Values(
        StableCase{"OnlyVersionAndOrigin", kHead},
        StableCase{"TabsAndDoubleSpaces", "v=0\no=-\t1  1 IN IP4\t1.1.1.1\nt=00\t000\n"},
        StableCase{"LeadingZeros", kHead + "b=AS:007\nt=01 02\nm=audio 0009/02 RTP/AVP 0\n"},
        StableCase{"EmptySessionName", kHead + "s=\n"},
        StableCase{"WhitespaceSessionName", kHead + "s= \t\n"},
        StableCase{"EmptyAndMissingValues", kHead + "a=x:\na=y\na=z: \n"},
        StableCase{"ValueWithColonsAndSpaces", kHead + "a=x: a:b  c \n"},
        StableCase{"HighBytesInValues", kHead + "s=\xc3\xa9\xff\na=x:\x80\x01\n"},
        StableCase{"CrCrLf", kHead + "s=a\r\r\n"},
        StableCase{"DisabledStreamWithoutFormats", kHead + "m=video 0/2 RTP/AVP\n"},
        StableCase{"OpaqueAddressType", kHead + "c=IN FOO a/b/c/d\n"},
        StableCase{"MulticastSuffixes", kHead + "c=IN IP4 224.0.0.1/0/01\n"},
        StableCase{"Ip6Count", kHead + "m=audio 1 RTP/AVP 0\nc=IN IP6 ff15::1/003\n"},
        StableCase{"RepeatAndZone", kHead + "t=1 2\nr=1d  2h 0\nz=1 -1h  2 0\n"},
        StableCase{"SessionLinesOutOfOrder", kHead + "a=first\nk=key\nz=1 1\nc=IN IP4 1.1.1.1\n"
                                                     "t=0 0\nb=X:1\np=1\ne=x\nu=u\ni=i\ns=s\n"}),
    [](const testing::TestParamInfo<StableCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tandem::sdp
