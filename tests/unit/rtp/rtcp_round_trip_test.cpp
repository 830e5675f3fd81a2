// Annotated-hex round trips for every RTCP type (mediasoup's TestReceiverReport.cpp style): bytes
// with a comment per field -> parse -> check each field -> build from the values -> compare bytes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rtcp_test_util.hpp"
#include "rtp/rtcp_app.hpp"
#include "rtp/rtcp_builder.hpp"
#include "rtp/rtcp_bye.hpp"
#include "rtp/rtcp_nack.hpp"
#include "rtp/rtcp_psfb.hpp"
#include "rtp/rtcp_report.hpp"
#include "rtp/rtcp_sdes.hpp"

namespace tandem::rtp {
namespace {

using test::build;
using test::Bytes;
using test::only_packet;

const Bytes kSenderReport = {
    0x81, 0xc8, 0x00, 0x0c,  // V=2 P=0 RC=1 | PT=200 SR | length=12 (52 bytes)
    0x5d, 0x93, 0x15, 0x34,  // SSRC of sender
    0xdd, 0x3a, 0xc1, 0xb4,  // NTP timestamp, most significant word
    0x76, 0x54, 0x71, 0x71,  // NTP timestamp, least significant word
    0x00, 0x08, 0xcf, 0x00,  // RTP timestamp 577280
    0x00, 0x00, 0x0e, 0x18,  // sender's packet count 3608
    0x00, 0x08, 0xcf, 0x00,  // sender's octet count 577280
    0x01, 0x93, 0x2d, 0xb4,  // report block 1: SSRC_1
    0x50,                    //   fraction lost 80/256
    0xff, 0xff, 0xfe,        //   cumulative lost -2 (duplicates)
    0x00, 0x01, 0x04, 0xd2,  //   extended highest sequence: 1 cycle, seq 1234
    0x00, 0x00, 0x00, 0x2a,  //   interarrival jitter 42
    0xc1, 0xb4, 0x76, 0x54,  //   LSR
    0x00, 0x01, 0x80, 0x00,  //   DLSR 1.5 s
};

TEST(RtcpRoundTrip, SenderReport) {
  auto sr = SenderReportView::parse(only_packet(kSenderReport));
  ASSERT_TRUE(sr.ok()) << to_string(sr.error());
  EXPECT_EQ(sr->ssrc(), 0x5d931534u);
  const SenderInfo info = sr->sender_info();
  EXPECT_EQ(info.ntp.seconds, 0xdd3ac1b4u);
  EXPECT_EQ(info.ntp.fraction, 0x76547171u);
  EXPECT_EQ(info.rtp_timestamp, 577280u);
  EXPECT_EQ(info.packet_count, 3608u);
  EXPECT_EQ(info.octet_count, 577280u);
  ASSERT_EQ(sr->report_blocks().size(), 1u);
  const ReportBlock b = sr->report_blocks()[0];
  EXPECT_EQ(b.ssrc, 0x01932db4u);
  EXPECT_EQ(b.fraction_lost, 80);
  EXPECT_EQ(b.cumulative_lost, -2);
  EXPECT_EQ(b.extended_highest_sequence, 0x000104d2u);
  EXPECT_EQ(b.jitter, 42u);
  EXPECT_EQ(b.last_sr, 0xc1b47654u);
  EXPECT_EQ(b.delay_since_last_sr, 0x00018000u);
  EXPECT_TRUE(sr->extension().empty());

  const Bytes built = build([&](RtcpBuilder& builder) {
    const ReportBlock blocks[] = {b};
    return builder.add_sender_report(sr->ssrc(), info, blocks);
  });
  EXPECT_EQ(built, kSenderReport);
}

const Bytes kReceiverReport = {
    0x81, 0xc9, 0x00, 0x07,  // V=2 P=0 RC=1 | PT=201 RR | length=7 (32 bytes)
    0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
    0x00, 0x00, 0x00, 0x02,  // report block 1: SSRC_1
    0x40,                    //   fraction lost 64/256 (25 %)
    0x00, 0x00, 0x05,        //   cumulative lost 5
    0x00, 0x00, 0xff, 0xff,  //   extended highest sequence 65535
    0x00, 0x00, 0x01, 0x00,  //   interarrival jitter 256
    0x00, 0x00, 0x00, 0x00,  //   LSR: no SR received yet
    0x00, 0x00, 0x00, 0x00,  //   DLSR
};

TEST(RtcpRoundTrip, ReceiverReport) {
  auto rr = ReceiverReportView::parse(only_packet(kReceiverReport));
  ASSERT_TRUE(rr.ok()) << to_string(rr.error());
  EXPECT_EQ(rr->ssrc(), 1u);
  ASSERT_EQ(rr->report_blocks().size(), 1u);
  const ReportBlock b = rr->report_blocks()[0];
  EXPECT_EQ(b.ssrc, 2u);
  EXPECT_EQ(b.fraction_lost, 64);
  EXPECT_EQ(b.cumulative_lost, 5);
  EXPECT_EQ(b.extended_highest_sequence, 65535u);
  EXPECT_EQ(b.jitter, 256u);
  EXPECT_EQ(b.last_sr, 0u);
  EXPECT_EQ(b.delay_since_last_sr, 0u);
  const Bytes built = build([&](RtcpBuilder& builder) {
    const ReportBlock blocks[] = {b};
    return builder.add_receiver_report(rr->ssrc(), blocks);
  });
  EXPECT_EQ(built, kReceiverReport);
}

TEST(RtcpRoundTrip, EmptyReceiverReportWithProfileExtension) {
  const Bytes packet = {
      0x80, 0xc9, 0x00, 0x02,  // RC=0 | PT=201 | length=2 (12 bytes)
      0x00, 0x00, 0x00, 0x09,  // SSRC of packet sender
      0xab, 0xcd, 0xef, 0x01,  // profile-specific extension
  };
  auto rr = ReceiverReportView::parse(only_packet(packet));
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ(rr->report_blocks().size(), 0u);
  ASSERT_EQ(rr->extension().size(), 4u);
  EXPECT_EQ(rr->extension()[0], 0xab);
  const Bytes built = build([&](RtcpBuilder& b) { return b.add_receiver_report(9, {}); });
  const Bytes expected = {
      0x80, 0xc9, 0x00, 0x01,  // RC=0 | PT=201 | length=1 (8 bytes): no extension written
      0x00, 0x00, 0x00, 0x09,  // SSRC of packet sender
  };
  EXPECT_EQ(built, expected);
}

TEST(RtcpRoundTrip, CumulativeLostClampsTo24Bits) {
  ReportBlock b;
  b.cumulative_lost = 10'000'000;
  uint8_t bytes[ReportBlock::kSize] = {};
  b.write(bytes);
  EXPECT_EQ(ReportBlock::read(bytes).cumulative_lost, 0x7fffff);
  b.cumulative_lost = -10'000'000;
  b.write(bytes);
  EXPECT_EQ(ReportBlock::read(bytes).cumulative_lost, -0x800000);
}

const Bytes kSdesCname = {
    0x81, 0xca, 0x00, 0x04,  // V=2 P=0 SC=1 | PT=202 SDES | length=4 (20 bytes)
    0x11, 0x22, 0x33, 0x44,  // chunk 1: SSRC
    0x01, 0x09,              //   item CNAME, 9 octets
    't',  'a',  'n',  'd',  'e', 'm', '-', '0', '1',
    0x00,  //   end of items (already on a 32-bit boundary)
};

TEST(RtcpRoundTrip, SdesCname) {
  auto sdes = SdesView::parse(only_packet(kSdesCname));
  ASSERT_TRUE(sdes.ok()) << to_string(sdes.error());
  EXPECT_EQ(sdes->chunk_count(), 1u);
  EXPECT_EQ(sdes->cname(0x11223344).value_or(""), "tandem-01");
  EXPECT_EQ(sdes->first_cname().value_or(""), "tandem-01");
  EXPECT_FALSE(sdes->cname(0x99).has_value());
  const Bytes built =
      build([&](RtcpBuilder& b) { return b.add_sdes_cname(0x11223344, *sdes->first_cname()); });
  EXPECT_EQ(built, kSdesCname);
}

TEST(RtcpRoundTrip, SdesSeveralChunksAndItems) {
  const Bytes packet = {
      0x82, 0xca, 0x00, 0x08,            // SC=2 | PT=202 | length=8 (36 bytes)
      0x00, 0x00, 0x00, 0x01,            // chunk 1: SSRC 1
      0x01, 0x03, 'a',  'b',  'c',       //   CNAME "abc"
      0x06, 0x02, 'g',  'w',             //   TOOL "gw"
      0x00, 0x00, 0x00,                  //   end + padding to 32 bits
      0x00, 0x00, 0x00, 0x02,            // chunk 2: SSRC 2
      0x01, 0x04, 'w',  'x',  'y', 'z',  //   CNAME "wxyz"
      0x00, 0x00,                        //   end + padding
      0x00, 0x00, 0x00, 0x00,            // chunk 3 would be here; SC=2 so this must not exist
  };
  // With the stray trailing word the chunks do not fill the body: rejected.
  EXPECT_EQ(SdesView::parse(only_packet(packet)).error(), ParseError::kBadBody);
  Bytes fixed(packet.begin(), packet.end() - 4);
  fixed[3] = 0x07;
  auto sdes = SdesView::parse(only_packet(fixed));
  ASSERT_TRUE(sdes.ok()) << to_string(sdes.error());
  EXPECT_EQ(sdes->cname(1).value_or(""), "abc");
  EXPECT_EQ(sdes->cname(2).value_or(""), "wxyz");
  std::vector<std::string> seen;
  sdes->for_each_item([&](size_t chunk, uint32_t ssrc, const SdesItem& item) {
    seen.push_back(std::to_string(chunk) + ":" + std::to_string(ssrc) + ":" +
                   std::to_string(item.type) + ":" + std::string(item.text));
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"0:1:1:abc", "0:1:6:gw", "1:2:1:wxyz"}));
}

const Bytes kBye = {
    0x82, 0xcb, 0x00, 0x05,  // V=2 P=0 SC=2 | PT=203 BYE | length=5 (24 bytes)
    0x5d, 0x93, 0x15, 0x34,  // SSRC 1
    0x01, 0x93, 0x2d, 0xb4,  // SSRC 2
    0x0a,                    // reason length 10
    'c',  'a',  'l',  'l',  ' ', 'e', 'n', 'd', 'e', 'd',
    0x00,  // padding to 32 bits
};

TEST(RtcpRoundTrip, ByeWithReason) {
  auto bye = ByeView::parse(only_packet(kBye));
  ASSERT_TRUE(bye.ok()) << to_string(bye.error());
  ASSERT_EQ(bye->ssrc_count(), 2u);
  EXPECT_EQ(bye->ssrc(0), 0x5d931534u);
  EXPECT_EQ(bye->ssrc(1), 0x01932db4u);
  EXPECT_EQ(bye->reason(), "call ended");
  const Bytes built = build([&](RtcpBuilder& b) {
    const uint32_t ssrcs[] = {bye->ssrc(0), bye->ssrc(1)};
    return b.add_bye(ssrcs, bye->reason());
  });
  EXPECT_EQ(built, kBye);
}

TEST(RtcpRoundTrip, ByeWithoutReason) {
  const Bytes packet = {
      0x81, 0xcb, 0x00, 0x01,  // SC=1 | PT=203 | length=1 (8 bytes)
      0x00, 0x00, 0x00, 0x2a,  // SSRC 42
  };
  auto bye = ByeView::parse(only_packet(packet));
  ASSERT_TRUE(bye.ok());
  EXPECT_EQ(bye->ssrc(0), 42u);
  EXPECT_TRUE(bye->reason().empty());
  const uint32_t ssrcs[] = {42};
  EXPECT_EQ(build([&](RtcpBuilder& b) { return b.add_bye(ssrcs); }), packet);
}

const Bytes kApp = {
    0x83, 0xcc, 0x00, 0x03,  // V=2 P=0 subtype=3 | PT=204 APP | length=3 (16 bytes)
    0x00, 0x00, 0x00, 0x07,  // SSRC
    'T',  'N',  'D',  'M',   // name
    0xde, 0xad, 0xbe, 0xef,  // application-dependent data
};

TEST(RtcpRoundTrip, App) {
  auto app = AppView::parse(only_packet(kApp));
  ASSERT_TRUE(app.ok()) << to_string(app.error());
  EXPECT_EQ(app->subtype(), 3);
  EXPECT_EQ(app->ssrc(), 7u);
  EXPECT_EQ(app->name(), "TNDM");
  ASSERT_EQ(app->data().size(), 4u);
  EXPECT_EQ(app->data()[3], 0xef);
  EXPECT_EQ(build([&](RtcpBuilder& b) {
              return b.add_app(app->subtype(), app->ssrc(), app->name(), app->data());
            }),
            kApp);
}

const Bytes kNack = {
    0x81, 0xcd, 0x00, 0x04,  // V=2 P=0 FMT=1 | PT=205 RTPFB | length=4 (20 bytes)
    0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
    0x8b, 0x0f, 0xf0, 0x0d,  // SSRC of media source
    0x03, 0xe8, 0x00, 0x05,  // PID 1000, BLP 0b101: 1001 and 1003 lost too
    0xff, 0xfe, 0x80, 0x01,  // PID 65534, BLP bits 0 and 15: 65535 and 14 (wrapped)
};

TEST(RtcpRoundTrip, GenericNack) {
  auto nack = NackView::parse(only_packet(kNack));
  ASSERT_TRUE(nack.ok()) << to_string(nack.error());
  EXPECT_EQ(nack->sender_ssrc(), 1u);
  EXPECT_EQ(nack->media_ssrc(), 0x8b0ff00du);
  ASSERT_EQ(nack->item_count(), 2u);
  EXPECT_EQ(nack->item(0), (NackItem{1000, 0x0005}));
  EXPECT_EQ(nack->item(1), (NackItem{65534, 0x8001}));
  std::vector<uint16_t> lost;
  nack->for_each_lost([&](uint16_t seq) { lost.push_back(seq); });
  EXPECT_EQ(lost, (std::vector<uint16_t>{1000, 1001, 1003, 65534, 65535, 14}));

  // Build from the expanded list: packing recovers the same PID/BLP items.
  NackItem items[8];
  const size_t n = pack_nack_items(lost, items);
  ASSERT_EQ(n, 2u);
  EXPECT_EQ(build([&](RtcpBuilder& b) {
              return b.add_nack(1, 0x8b0ff00d, std::span<const NackItem>(items, n));
            }),
            kNack);
}

TEST(RtcpRoundTrip, PackNackItemsStopsWhenFull) {
  const uint16_t lost[] = {1, 2, 100, 200, 300};
  NackItem items[2];
  EXPECT_EQ(pack_nack_items(lost, items), 2u);
  EXPECT_EQ(items[0], (NackItem{1, 0x0001}));
  EXPECT_EQ(items[1], (NackItem{100, 0}));
  const uint16_t dup[] = {7, 7, 8};
  EXPECT_EQ(pack_nack_items(dup, items), 1u);
  EXPECT_EQ(items[0], (NackItem{7, 0x0001}));
}

const Bytes kPli = {
    0x81, 0xce, 0x00, 0x02,  // V=2 P=0 FMT=1 | PT=206 PSFB | length=2 (12 bytes)
    0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
    0x8b, 0x0f, 0xf0, 0x0d,  // SSRC of media source
};

TEST(RtcpRoundTrip, PictureLossIndication) {
  auto pli = PliView::parse(only_packet(kPli));
  ASSERT_TRUE(pli.ok()) << to_string(pli.error());
  EXPECT_EQ(pli->sender_ssrc(), 1u);
  EXPECT_EQ(pli->media_ssrc(), 0x8b0ff00du);
  EXPECT_EQ(build([&](RtcpBuilder& b) { return b.add_pli(1, 0x8b0ff00d); }), kPli);
}

const Bytes kFir = {
    0x84, 0xce, 0x00, 0x04,  // V=2 P=0 FMT=4 | PT=206 PSFB | length=4 (20 bytes)
    0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
    0x00, 0x00, 0x00, 0x00,  // SSRC of media source: unused, 0 (RFC 5104 §4.3.1.2)
    0xaa, 0xbb, 0xcc, 0xdd,  // FCI: SSRC of the encoder asked for a key frame
    0x07, 0x00, 0x00, 0x00,  //   command sequence number 7, reserved
};

TEST(RtcpRoundTrip, FullIntraRequest) {
  auto fir = FirView::parse(only_packet(kFir));
  ASSERT_TRUE(fir.ok()) << to_string(fir.error());
  EXPECT_EQ(fir->sender_ssrc(), 1u);
  EXPECT_EQ(fir->media_ssrc(), 0u);
  ASSERT_EQ(fir->entry_count(), 1u);
  EXPECT_EQ(fir->entry(0), (FirEntry{0xaabbccdd, 7}));
  const FirEntry entries[] = {fir->entry(0)};
  EXPECT_EQ(build([&](RtcpBuilder& b) { return b.add_fir(1, entries); }), kFir);
}

const Bytes kRemb = {
    0x8f, 0xce, 0x00, 0x05,  // V=2 P=0 FMT=15 | PT=206 PSFB | length=5 (24 bytes)
    0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
    0x00, 0x00, 0x00, 0x00,  // SSRC of media source: 0
    'R',  'E',  'M',  'B',   // unique identifier
    0x01,                    // Num SSRC 1
    0x0b, 0xd0, 0x90,        // BR Exp 2, BR Mantissa 250000: 1 000 000 bit/s
    0x8b, 0x0f, 0xf0, 0x0d,  // SSRC feedback
};

TEST(RtcpRoundTrip, Remb) {
  auto remb = RembView::parse(only_packet(kRemb));
  ASSERT_TRUE(remb.ok()) << to_string(remb.error());
  EXPECT_EQ(remb->sender_ssrc(), 1u);
  EXPECT_EQ(remb->bitrate_bps(), 1'000'000u);
  ASSERT_EQ(remb->ssrc_count(), 1u);
  EXPECT_EQ(remb->ssrc(0), 0x8b0ff00du);
  const uint32_t ssrcs[] = {remb->ssrc(0)};
  EXPECT_EQ(build([&](RtcpBuilder& b) { return b.add_remb(1, remb->bitrate_bps(), ssrcs); }),
            kRemb);
}

TEST(RtcpRoundTrip, RembBitrateEncoding) {
  EXPECT_EQ(encode_remb_bitrate(0).exponent, 0);
  EXPECT_EQ(encode_remb_bitrate(262143).mantissa, 262143u);
  EXPECT_EQ(encode_remb_bitrate(262144).exponent, 1);
  EXPECT_EQ(encode_remb_bitrate(262144).mantissa, 131072u);
  const auto big = encode_remb_bitrate(UINT64_MAX);
  EXPECT_EQ(big.exponent, 46);
  EXPECT_EQ(big.mantissa, 0x3ffffu);
}

const Bytes kCompoundSrSdes = {
    0x80, 0xc8, 0x00, 0x06,  // SR: V=2 P=0 RC=0 | PT=200 | length=6 (28 bytes)
    0x00, 0x00, 0x10, 0x01,  //   SSRC of sender
    0xe9, 0x00, 0x00, 0x00,  //   NTP seconds
    0x80, 0x00, 0x00, 0x00,  //   NTP fraction (0.5 s)
    0x00, 0x00, 0x3e, 0x80,  //   RTP timestamp 16000
    0x00, 0x00, 0x00, 0x32,  //   packet count 50
    0x00, 0x00, 0x1f, 0x40,  //   octet count 8000
    0x81, 0xca, 0x00, 0x03,  // SDES: SC=1 | PT=202 | length=3 (16 bytes)
    0x00, 0x00, 0x10, 0x01,  //   chunk: SSRC
    0x01, 0x05,              //   CNAME, 5 octets
    'a',  'l',  'i',  'c',  'e',
    0x00,  //   end of items
};

TEST(RtcpRoundTrip, CompoundSenderReportAndSdes) {
  auto compound = RtcpCompound::parse(kCompoundSrSdes, RtcpParseOptions{false});
  ASSERT_TRUE(compound.ok()) << to_string(compound.error());
  ASSERT_EQ(compound->packet_count(), 2u);
  auto it = compound->begin();
  auto sr = SenderReportView::parse(*it);
  ASSERT_TRUE(sr.ok());
  EXPECT_EQ(sr->sender_info().ntp, (NtpTime{0xe9000000, 0x80000000}));
  EXPECT_EQ(sr->sender_info().packet_count, 50u);
  ++it;
  auto sdes = SdesView::parse(*it);
  ASSERT_TRUE(sdes.ok());
  EXPECT_EQ(sdes->cname(0x1001).value_or(""), "alice");
  ++it;
  EXPECT_TRUE(it == compound->end());

  const Bytes built = build([&](RtcpBuilder& b) {
    return b.add_sender_report(0x1001, sr->sender_info(), {}) && b.add_sdes_cname(0x1001, "alice");
  });
  EXPECT_EQ(built, kCompoundSrSdes);
}

TEST(RtcpBuilder, RefusesWhatDoesNotFitAndLeavesBufferIntact) {
  std::array<uint8_t, 20> buffer{};
  RtcpBuilder builder(buffer);
  EXPECT_TRUE(builder.add_pli(1, 2));
  EXPECT_FALSE(builder.add_pli(3, 4));  // 12 more bytes do not fit in 8
  EXPECT_EQ(builder.size(), 12u);
  const uint32_t ssrc[] = {1};
  EXPECT_TRUE(builder.add_bye(ssrc));  // 8 bytes: exactly fills
  EXPECT_EQ(builder.size(), 20u);
  EXPECT_TRUE(RtcpCompound::parse(builder.data()).ok());
  builder.clear();
  EXPECT_FALSE(builder.add_sdes_cname(1, std::string(256, 'x')));
  EXPECT_FALSE(builder.add_app(32, 1, "ABCD", {}));
  EXPECT_FALSE(builder.add_app(0, 1, "ABC", {}));
  EXPECT_FALSE(builder.add_nack(1, 2, {}));
  EXPECT_FALSE(builder.add_fir(1, {}));
  EXPECT_EQ(builder.size(), 0u);
  const std::array<ReportBlock, 32> too_many{};
  EXPECT_FALSE(builder.add_receiver_report(1, too_many));
}

}  // namespace
}  // namespace tandem::rtp
