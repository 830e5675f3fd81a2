// SeqTsRewriter: one continuous outgoing stream across source switches and wraps.
#include "rtp/seq_ts_rewriter.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace tandem::rtp {
namespace {

using namespace std::chrono_literals;

TimePoint at(std::chrono::nanoseconds t) { return TimePoint{} + t; }

TEST(SeqTsRewriter, FirstPacketTakesInitialValues) {
  SeqTsRewriter r(0xaaaa, 500, 90000, 48000);
  const auto out = r.rewrite(0x1234, 7, 123456, at(0ms));
  EXPECT_EQ(out.ssrc, 0xaaaau);
  EXPECT_EQ(out.sequence, 500);
  EXPECT_EQ(out.timestamp, 90000u);
  const auto next = r.rewrite(0x1234, 8, 123456 + 960, at(20ms));
  EXPECT_EQ(next.sequence, 501);
  EXPECT_EQ(next.timestamp, 90960u);
  EXPECT_EQ(r.source_switches(), 0u);
}

TEST(SeqTsRewriter, OutgoingSequenceAndTimestampWrap) {
  SeqTsRewriter r(1, 65534, 0xfffffc40, 48000);  // 960 ticks before the timestamp wraps
  std::vector<uint16_t> seqs;
  std::vector<uint32_t> tss;
  for (uint16_t i = 0; i < 4; ++i) {
    const auto out = r.rewrite(9, static_cast<uint16_t>(100 + i), 960u * i, at(20ms * i));
    seqs.push_back(out.sequence);
    tss.push_back(out.timestamp);
  }
  EXPECT_EQ(seqs, (std::vector<uint16_t>{65534, 65535, 0, 1}));
  EXPECT_EQ(tss, (std::vector<uint32_t>{0xfffffc40, 0, 960, 1920}));
}

TEST(SeqTsRewriter, SourceSwitchKeepsContinuity) {
  SeqTsRewriter r(0xaaaa, 1000, 5000, 48000);
  // Source A: three packets, 20 ms apart.
  for (uint16_t i = 0; i < 3; ++i)
    r.rewrite(0xa, static_cast<uint16_t>(40000 + i), 960u * i, at(20ms * i));
  // Source B starts 60 ms after A's last packet (at 40 ms) with unrelated numbers.
  const auto first_b = r.rewrite(0xb, 12, 777777, at(100ms));
  EXPECT_EQ(first_b.ssrc, 0xaaaau);
  EXPECT_EQ(first_b.sequence, 1003);                     // last (1002) + 1
  EXPECT_EQ(first_b.timestamp, 5000u + 1920 + 60 * 48);  // last ts + elapsed at 48 kHz
  EXPECT_EQ(r.source_switches(), 1u);
  const auto second_b = r.rewrite(0xb, 13, 777777 + 960, at(120ms));
  EXPECT_EQ(second_b.sequence, 1004);
  EXPECT_EQ(second_b.timestamp, first_b.timestamp + 960);
}

TEST(SeqTsRewriter, SwitchAtTheSameInstantStillAdvancesTimestamp) {
  SeqTsRewriter r(1, 0, 0, 8000);
  r.rewrite(0xa, 5, 100, at(1s));
  const auto out = r.rewrite(0xb, 9, 50, at(1s));
  EXPECT_EQ(out.sequence, 1);
  EXPECT_EQ(out.timestamp, 1u);  // at least one tick
}

TEST(SeqTsRewriter, SwitchAcrossOutgoingWrap) {
  SeqTsRewriter r(1, 65535, 0xffffffff, 8000);
  r.rewrite(0xa, 10, 0, at(0ms));  // out seq 65535, ts 0xffffffff
  const auto out = r.rewrite(0xb, 60000, 4242, at(20ms));
  EXPECT_EQ(out.sequence, 0);
  EXPECT_EQ(out.timestamp, 159u);  // 0xffffffff + 160 wraps
}

TEST(SeqTsRewriter, ReorderingWithinSourcePreservedAndMaxKept) {
  SeqTsRewriter r(1, 100, 0, 8000);
  EXPECT_EQ(r.rewrite(0xa, 10, 0, at(0ms)).sequence, 100);
  EXPECT_EQ(r.rewrite(0xa, 12, 320, at(40ms)).sequence, 102);
  EXPECT_EQ(r.rewrite(0xa, 11, 160, at(45ms)).sequence, 101);  // late packet keeps its place
  // A switch continues after the highest (102), not after the late one.
  const auto out = r.rewrite(0xb, 500, 0, at(60ms));
  EXPECT_EQ(out.sequence, 103);
  EXPECT_EQ(out.timestamp, 320u + 160);  // from the 40 ms packet, 20 ms later
}

TEST(SeqTsRewriter, ResetSourceWithSameSsrc) {
  SeqTsRewriter r(1, 0, 0, 8000);
  r.rewrite(0xa, 3000, 16000, at(0ms));
  r.reset_source();
  const auto out = r.rewrite(0xa, 1, 0, at(20ms));  // the remote restarted its numbering
  EXPECT_EQ(out.sequence, 1);
  EXPECT_EQ(out.timestamp, 160u);
}

TEST(SeqTsRewriter, RewritesPacketInPlace) {
  std::vector<uint8_t> packet = {0x80, 0x00, 0x00, 0x05, 0, 0, 0, 100, 0, 0, 0, 0xa, 0xff};
  auto view = RtpPacketView::parse(packet);
  ASSERT_TRUE(view.ok());
  SeqTsRewriter r(0x01020304, 0x0a0b, 0x11223344, 8000);
  r.rewrite(*view, at(0ms));
  const std::vector<uint8_t> expected = {
      0x80, 0x00,              // unchanged
      0x0a, 0x0b,              // sequence
      0x11, 0x22, 0x33, 0x44,  // timestamp
      0x01, 0x02, 0x03, 0x04,  // SSRC
      0xff,                    // payload
  };
  EXPECT_EQ(packet, expected);
}

}  // namespace
}  // namespace tandem::rtp
