// Malformed RTCP: compound-level validation (RFC 3550 §6.4.1 / A.2) and typed-view body checks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rtcp_test_util.hpp"
#include "rtp/rtcp_app.hpp"
#include "rtp/rtcp_bye.hpp"
#include "rtp/rtcp_nack.hpp"
#include "rtp/rtcp_psfb.hpp"
#include "rtp/rtcp_report.hpp"
#include "rtp/rtcp_sdes.hpp"

namespace tandem::rtp {
namespace {

using test::Bytes;
using test::only_packet;

struct CompoundCase {
  std::string name;
  Bytes bytes;
  bool allow_reduced_size;
  ParseError error;
};

TEST(RtcpMalformed, CompoundRejected) {
  const Bytes rr = {0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1};  // empty RR, 8 bytes
  auto cat = [](Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  const std::vector<CompoundCase> cases = {
      {"empty", {}, true, ParseError::kTooShort},
      {"truncated header", {0x80, 0xc9, 0x00}, true, ParseError::kTooShort},
      {"version 1", {0x40, 0xc9, 0x00, 0x01, 0, 0, 0, 1}, true, ParseError::kBadVersion},
      {"version 3 in second packet", cat(rr, {0xc0, 0xca, 0x00, 0x00}), true,
       ParseError::kBadVersion},
      {"length past end", {0x80, 0xc9, 0x00, 0x07, 0, 0, 0, 1}, true, ParseError::kLengthMismatch},
      {"trailing bytes shorter than a header", cat(rr, {0x80, 0xc9}), true,
       ParseError::kLengthMismatch},
      {"second packet length past end", cat(rr, {0x81, 0xca, 0x00, 0x04, 0, 0, 0, 1}), true,
       ParseError::kLengthMismatch},
      {"padding on the first packet", cat({0xa0, 0xc9, 0x00, 0x01, 0, 0, 0, 4}, rr), true,
       ParseError::kPaddingNotLast},
      {"padding count zero",
       {0xa0, 0xc9, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0},
       true,
       ParseError::kBadPadding},
      {"padding larger than packet body",
       {0xa0, 0xc9, 0x00, 0x01, 0, 0, 0, 9},
       true,
       ParseError::kBadPadding},
      {"reduced size refused",
       {0x81, 0xce, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2},
       false,
       ParseError::kNotReport},
  };
  for (const auto& c : cases) {
    auto result = RtcpCompound::parse(c.bytes, RtcpParseOptions{c.allow_reduced_size});
    EXPECT_FALSE(result.ok()) << c.name;
    EXPECT_EQ(result.error(), c.error) << c.name << ": got " << to_string(result.error());
  }
}

TEST(RtcpMalformed, ValidEdgeCasesAccepted) {
  // Reduced-size (RFC 5506): a lone PLI.
  const Bytes pli = {0x81, 0xce, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  EXPECT_TRUE(RtcpCompound::parse(pli).ok());
  // Padding on the last packet, counted in its length (4 padding octets, count included).
  const Bytes padded = {0xa0, 0xc9, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 4};
  auto compound = RtcpCompound::parse(padded);
  ASSERT_TRUE(compound.ok());
  const RtcpPacket p = *compound->begin();
  EXPECT_EQ(p.padding_size(), 4u);
  EXPECT_EQ(p.body().size(), 4u);
  auto rr = ReceiverReportView::parse(p);
  ASSERT_TRUE(rr.ok());
  EXPECT_TRUE(rr->extension().empty());
  // Unknown packet types (XR) are iterated, not rejected.
  const Bytes xr = {0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1, 0x80, 0xcf, 0x00, 0x00};
  auto with_xr = RtcpCompound::parse(xr, RtcpParseOptions{false});
  ASSERT_TRUE(with_xr.ok());
  EXPECT_EQ(with_xr->packet_count(), 2u);
}

struct ViewCase {
  std::string name;
  Bytes bytes;
  ParseError (*parse)(const RtcpPacket&);
  ParseError error;
};

template <typename View>
ParseError parse_as(const RtcpPacket& p) {
  return View::parse(p).error();
}

TEST(RtcpMalformed, TypedViewsRejectBadBodies) {
  const std::vector<ViewCase> cases = {
      {"SR without sender info",
       {0x80, 0xc8, 0x00, 0x01, 0, 0, 0, 1},
       parse_as<SenderReportView>,
       ParseError::kBadBody},
      {"RR claims 2 blocks, has 1",
       [] {
         Bytes b = {0x82, 0xc9, 0x00, 0x07, 0, 0, 0, 1};
         b.resize(32);
         return b;
       }(),
       parse_as<ReceiverReportView>, ParseError::kBadBody},
      {"RR parsed as SR",
       {0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1},
       parse_as<SenderReportView>,
       ParseError::kWrongType},
      {"SDES item past end",
       {0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x08, 'a', 'b'},
       parse_as<SdesView>,
       ParseError::kBadBody},
      {"SDES without terminator",
       {0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 'a', 'b'},
       parse_as<SdesView>,
       ParseError::kBadBody},
      {"SDES chunk count too high",
       {0x82, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x00, 0, 0, 0},
       parse_as<SdesView>,
       ParseError::kBadBody},
      {"BYE count too high",
       {0x82, 0xcb, 0x00, 0x01, 0, 0, 0, 1},
       parse_as<ByeView>,
       ParseError::kBadBody},
      {"BYE reason past end",
       {0x81, 0xcb, 0x00, 0x02, 0, 0, 0, 1, 0x05, 'a', 'b', 'c'},
       parse_as<ByeView>,
       ParseError::kBadBody},
      {"APP without name",
       {0x80, 0xcc, 0x00, 0x01, 0, 0, 0, 1},
       parse_as<AppView>,
       ParseError::kBadBody},
      {"NACK without FCI",
       {0x81, 0xcd, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2},
       parse_as<NackView>,
       ParseError::kBadBody},
      {"NACK with FMT 2",
       {0x82, 0xcd, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 0},
       parse_as<NackView>,
       ParseError::kWrongType},
      {"PLI without media SSRC",
       {0x81, 0xce, 0x00, 0x01, 0, 0, 0, 1},
       parse_as<PliView>,
       ParseError::kBadBody},
      {"FIR FCI of 4 bytes",
       {0x84, 0xce, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2},
       parse_as<FirView>,
       ParseError::kBadBody},
      {"FIR without FCI",
       {0x84, 0xce, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0},
       parse_as<FirView>,
       ParseError::kBadBody},
      {"REMB SSRC list past end",
       {0x8f, 0xce, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B', 0x02, 0, 0, 1},
       parse_as<RembView>,
       ParseError::kBadBody},
      {"REMB bitrate overflows 64 bits",
       {0x8f, 0xce, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B', 0x00, 0xff, 0xff, 0xff},
       parse_as<RembView>,
       ParseError::kBadBody},
      {"AFB that is not REMB",
       {0x8f, 0xce, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 0, 'G', 'O', 'O', 'G', 0x00, 0, 0, 1},
       parse_as<RembView>,
       ParseError::kWrongType},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.parse(only_packet(c.bytes)), c.error) << c.name;
  }
}

}  // namespace
}  // namespace tandem::rtp
