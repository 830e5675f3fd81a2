// RtpPacketView: annotated packets (one field per comment) parsed, checked, rewritten in place;
// malformed inputs rejected with the reason.
#include "rtp/rtp_packet_view.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "rtp/classify.hpp"

namespace tandem::rtp {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(RtpPacketView, ParsesFixedHeaderAndPayload) {
  Bytes packet = {
      0x80,                    // V=2 P=0 X=0 CC=0
      0xe0,                    // M=1 PT=96
      0x12, 0x34,              // sequence 0x1234
      0x00, 0x01, 0xe2, 0x40,  // timestamp 123456
      0xde, 0xad, 0xbe, 0xef,  // SSRC
      0x01, 0x02, 0x03,        // payload
  };
  auto view = RtpPacketView::parse(packet);
  ASSERT_TRUE(view.ok()) << to_string(view.error());
  EXPECT_EQ(view->version(), 2);
  EXPECT_FALSE(view->has_padding());
  EXPECT_FALSE(view->has_extension());
  EXPECT_EQ(view->csrc_count(), 0);
  EXPECT_TRUE(view->marker());
  EXPECT_EQ(view->payload_type(), 96);
  EXPECT_EQ(view->sequence(), 0x1234);
  EXPECT_EQ(view->timestamp(), 123456u);
  EXPECT_EQ(view->ssrc(), 0xdeadbeefu);
  EXPECT_EQ(view->header_size(), 12u);
  EXPECT_EQ(view->extension_form(), ExtensionForm::kNone);
  EXPECT_EQ(view->extension_profile(), 0);
  EXPECT_TRUE(view->extension_data().empty());
  EXPECT_FALSE(view->has_extension_element(1));
  ASSERT_EQ(view->payload().size(), 3u);
  EXPECT_EQ(view->payload()[0], 0x01);
  EXPECT_EQ(view->payload()[2], 0x03);
}

TEST(RtpPacketView, CsrcsAndPadding) {
  Bytes packet = {
      0xa2,                    // V=2 P=1 X=0 CC=2
      0x00,                    // M=0 PT=0 (PCMU)
      0xff, 0xff,              // sequence 65535
      0xff, 0xff, 0xff, 0xff,  // timestamp
      0x00, 0x00, 0x00, 0x01,  // SSRC 1
      0x11, 0x11, 0x11, 0x11,  // CSRC 0
      0x22, 0x22, 0x22, 0x22,  // CSRC 1
      0xaa, 0xbb,              // payload
      0x00, 0x00, 0x03,        // padding: 3 octets, the count included
  };
  auto view = RtpPacketView::parse(packet);
  ASSERT_TRUE(view.ok()) << to_string(view.error());
  EXPECT_EQ(view->csrc_count(), 2);
  EXPECT_EQ(view->csrc(0), 0x11111111u);
  EXPECT_EQ(view->csrc(1), 0x22222222u);
  EXPECT_EQ(view->header_size(), 20u);
  EXPECT_EQ(view->padding_size(), 3u);
  EXPECT_EQ(view->payload().size(), 2u);
  EXPECT_EQ(view->payload()[1], 0xbb);
}

TEST(RtpPacketView, OneByteExtensionElements) {
  Bytes packet = {
      0x90,                    // V=2 P=0 X=1 CC=0
      0x6f,                    // M=0 PT=111 (Opus)
      0x00, 0x01,              // sequence
      0x00, 0x00, 0x00, 0x00,  // timestamp
      0x00, 0x00, 0x00, 0x02,  // SSRC
      0xbe, 0xde,              // profile: RFC 8285 one-byte form
      0x00, 0x02,              // length: 2 words
      0x10, 0xab,              // id=1 L=0 (1 byte): ssrc-audio-level 0xab
      0x00,                    // padding byte
      0x32, 0x01, 0x02, 0x03,  // id=3 L=2 (3 bytes): transport-cc style
      0x00,                    // padding
      0xfe,                    // payload
  };
  auto view = RtpPacketView::parse(packet);
  ASSERT_TRUE(view.ok()) << to_string(view.error());
  EXPECT_EQ(view->extension_form(), ExtensionForm::kOneByte);
  EXPECT_EQ(view->extension_profile(), 0xbede);
  EXPECT_EQ(view->extension_data().size(), 8u);
  EXPECT_EQ(view->header_size(), 24u);
  auto level = view->extension(1);
  ASSERT_EQ(level.size(), 1u);
  EXPECT_EQ(level[0], 0xab);
  auto three = view->extension(3);
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(three[2], 0x03);
  EXPECT_FALSE(view->has_extension_element(2));
  EXPECT_FALSE(view->has_extension_element(0));
  std::vector<int> ids;
  view->for_each_extension([&](const ExtensionElement& e) { ids.push_back(e.id); });
  EXPECT_EQ(ids, (std::vector<int>{1, 3}));
  // Elements are writable in place (e.g. rewriting abs-send-time).
  three[0] = 0x7f;
  EXPECT_EQ(packet[20], 0x7f);
  ASSERT_EQ(view->payload().size(), 1u);
  EXPECT_EQ(view->payload()[0], 0xfe);
}

TEST(RtpPacketView, OneByteExtensionStopsAtReservedId15) {
  Bytes packet = {
      0x90, 0x6f, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 2,  // header, X=1
      0xbe, 0xde, 0x00, 0x01,                          // one-byte form, 1 word
      0x10, 0x01,                                      // id=1 L=0
      0xf0,                                            // id=15: stop processing
      0x27,                                            // would be id=2 L=7: ignored
  };
  auto view = RtpPacketView::parse(packet);
  ASSERT_TRUE(view.ok()) << to_string(view.error());
  EXPECT_EQ(view->extension(1).size(), 1u);
  EXPECT_FALSE(view->has_extension_element(2));
}

TEST(RtpPacketView, TwoByteExtensionElements) {
  Bytes packet = {
      0x90,                          // V=2 X=1
      0x60,                          // PT=96
      0x00, 0x02,                    // sequence
      0x00, 0x00, 0x00, 0x10,        // timestamp
      0x00, 0x00, 0x00, 0x03,        // SSRC
      0x10, 0x00,                    // profile 0x100 + appbits 0: RFC 8285 two-byte form
      0x00, 0x03,                    // length: 3 words
      0x05, 0x02, 0xca, 0xfe,        // id=5 len=2
      0x00,                          // padding byte
      0x07, 0x00,                    // id=7 len=0 (allowed in the two-byte form)
      0x14, 0x03, 0x61, 0x62, 0x63,  // id=20 len=3 "abc" (ids above 14)
      0x90,                          // payload
  };
  auto view = RtpPacketView::parse(packet);
  ASSERT_TRUE(view.ok()) << to_string(view.error());
  EXPECT_EQ(view->extension_form(), ExtensionForm::kTwoByte);
  EXPECT_EQ(view->extension(5).size(), 2u);
  EXPECT_EQ(view->extension(5)[1], 0xfe);
  EXPECT_TRUE(view->has_extension_element(7));
  EXPECT_EQ(view->extension(7).size(), 0u);
  ASSERT_EQ(view->extension(20).size(), 3u);
  EXPECT_EQ(view->extension(20)[2], 'c');
  EXPECT_FALSE(view->has_extension_element(6));
  EXPECT_EQ(view->payload().size(), 1u);
}

TEST(RtpPacketView, UnknownExtensionProfileIsOpaque) {
  Bytes packet = {
      0x90, 0x60, 0,    1,    0, 0, 0, 0, 0, 0, 0, 1,  // header, X=1
      0x12, 0x34, 0x00, 0x01,                          // profile 0x1234, 1 word
      0xff, 0xff, 0xff, 0xff,                          // opaque
  };
  auto view = RtpPacketView::parse(packet);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->extension_form(), ExtensionForm::kOther);
  EXPECT_EQ(view->extension_data().size(), 4u);
  EXPECT_FALSE(view->has_extension_element(15));
  EXPECT_TRUE(view->payload().empty());
}

TEST(RtpPacketView, SettersWriteBigEndianInPlace) {
  Bytes packet = {0x80, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xaa};
  auto view = RtpPacketView::parse(packet);
  ASSERT_TRUE(view.ok());
  view->set_marker(true);
  view->set_payload_type(111);
  view->set_sequence(0xbeef);
  view->set_timestamp(0x01020304);
  view->set_ssrc(0xa1b2c3d4);
  const Bytes expected = {
      0x80,                    // unchanged
      0xef,                    // M=1 PT=111
      0xbe, 0xef,              // sequence
      0x01, 0x02, 0x03, 0x04,  // timestamp
      0xa1, 0xb2, 0xc3, 0xd4,  // SSRC
      0xaa,                    // payload untouched
  };
  EXPECT_EQ(packet, expected);
  view->set_marker(false);
  view->set_payload_type(0xff);  // masked to 7 bits, marker preserved
  EXPECT_EQ(packet[1], 0x7f);
}

struct Malformed {
  std::string name;
  Bytes bytes;
  ParseError error;
};

TEST(RtpPacketView, RejectsMalformedPackets) {
  const Bytes header = {0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  auto with = [&](uint8_t first, Bytes tail) {
    Bytes b = header;
    b[0] = first;
    b.insert(b.end(), tail.begin(), tail.end());
    return b;
  };
  const std::vector<Malformed> cases = {
      {"empty", {}, ParseError::kTooShort},
      {"truncated header", Bytes(header.begin(), header.begin() + 11), ParseError::kTooShort},
      {"version 1", with(0x40, {}), ParseError::kBadVersion},
      {"version 0", with(0x00, {}), ParseError::kBadVersion},
      {"version 3", with(0xc0, {}), ParseError::kBadVersion},
      {"csrc list past end", with(0x83, {0, 0, 0, 1, 0, 0, 0, 2}), ParseError::kCsrcOverrun},
      {"extension header truncated", with(0x90, {0xbe, 0xde, 0x00}), ParseError::kExtensionOverrun},
      {"extension length past end", with(0x90, {0xbe, 0xde, 0x00, 0x02, 0x10, 0x01, 0x00, 0x00}),
       ParseError::kExtensionOverrun},
      {"one-byte element past block", with(0x90, {0xbe, 0xde, 0x00, 0x01, 0x13, 0x01, 0x02, 0x03}),
       ParseError::kExtensionOverrun},
      {"two-byte element past block", with(0x90, {0x10, 0x00, 0x00, 0x01, 0x01, 0x03, 0x01, 0x02}),
       ParseError::kExtensionOverrun},
      {"two-byte element header cut", with(0x90, {0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05}),
       ParseError::kExtensionOverrun},
      {"padding count zero", with(0xa0, {0x01, 0x00}), ParseError::kBadPadding},
      {"padding larger than payload", with(0xa0, {0x01, 0x03}), ParseError::kBadPadding},
      {"padding eats the header", with(0xa0, {}), ParseError::kBadPadding},
      {"padding into extension", with(0xb0, {0xbe, 0xde, 0x00, 0x00, 0x05}),
       ParseError::kBadPadding},
  };
  for (const auto& c : cases) {
    Bytes copy = c.bytes;
    auto result = RtpPacketView::parse(copy);
    EXPECT_FALSE(result.ok()) << c.name;
    EXPECT_EQ(result.error(), c.error) << c.name << ": got " << to_string(result.error());
  }
}

TEST(RtpPacketView, PaddingExactlyFillsPayload) {
  Bytes packet = {0xa0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x00, 0x00, 0x04};
  auto view = RtpPacketView::parse(packet);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->payload().empty());
  EXPECT_EQ(view->padding_size(), 4u);
}

TEST(Classify, FirstByteAndPayloadTypeRanges) {
  const std::array<uint8_t, 12> stun = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
  const std::array<uint8_t, 12> dtls = {0x16, 0xfe, 0xfd};
  const std::array<uint8_t, 12> rtp_opus = {0x80, 0x6f};
  const std::array<uint8_t, 12> rtp_pcmu_marker = {0x80, 0x80};
  const std::array<uint8_t, 12> rtp_pt_127 = {0x80, 0xff};
  const std::array<uint8_t, 8> rtcp_sr = {0x80, 0xc8, 0x00, 0x06};
  const std::array<uint8_t, 8> rtcp_psfb = {0x81, 0xce, 0x00, 0x02};
  const std::array<uint8_t, 12> rtcp_rr_long = {0x80, 0xc9, 0x00, 0x01};
  // RFC 5761 §4: payload types 64-95 are not used on a multiplexed port. With M=1 the second
  // byte is an RTCP packet type; with M=0 the packet is neither (dropped, not misrouted).
  const std::array<uint8_t, 12> pt_64_marker = {0x80, 0xc0};
  const std::array<uint8_t, 12> pt_95 = {0x80, 0x5f};
  const std::array<uint8_t, 3> short_rtcp = {0x80, 0xc8, 0x00};
  EXPECT_FALSE(is_rtp(stun));
  EXPECT_FALSE(is_rtcp(stun));
  EXPECT_FALSE(is_rtp(dtls));
  EXPECT_FALSE(is_rtcp(dtls));
  EXPECT_TRUE(is_rtp(rtp_opus));
  EXPECT_FALSE(is_rtcp(rtp_opus));
  EXPECT_TRUE(is_rtp(rtp_pcmu_marker));
  EXPECT_TRUE(is_rtp(rtp_pt_127));
  EXPECT_TRUE(is_rtcp(rtcp_sr));
  EXPECT_FALSE(is_rtp(rtcp_sr));
  EXPECT_TRUE(is_rtcp(rtcp_psfb));
  EXPECT_TRUE(is_rtcp(rtcp_rr_long));
  EXPECT_FALSE(is_rtp(rtcp_rr_long));
  EXPECT_FALSE(is_rtp(pt_64_marker));
  EXPECT_TRUE(is_rtcp(pt_64_marker));
  EXPECT_FALSE(is_rtp(pt_95));
  EXPECT_FALSE(is_rtcp(pt_95));
  EXPECT_FALSE(is_rtcp(short_rtcp));
  EXPECT_TRUE(is_rtp_or_rtcp_first_byte(128));
  EXPECT_TRUE(is_rtp_or_rtcp_first_byte(191));
  EXPECT_FALSE(is_rtp_or_rtcp_first_byte(127));
  EXPECT_FALSE(is_rtp_or_rtcp_first_byte(192));
  EXPECT_TRUE(is_rtcp_packet_type(192));
  EXPECT_TRUE(is_rtcp_packet_type(223));
  EXPECT_FALSE(is_rtcp_packet_type(224));
  EXPECT_FALSE(is_rtcp_packet_type(191));
}

}  // namespace
}  // namespace tandem::rtp
