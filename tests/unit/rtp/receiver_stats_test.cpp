// RFC 3550 receiver statistics (A.1 sequence tracking, A.3 loss, A.8 jitter, §6.4.1 LSR/DLSR).
#include "rtp/receiver_stats.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>

namespace tandem::rtp {
namespace {

using namespace std::chrono_literals;

TimePoint at(std::chrono::nanoseconds t) { return TimePoint{} + t; }

// Feeds sequence numbers 20 ms apart at 8 kHz (160 ticks), timestamps consistent with them.
void feed(ReceiverStats& s, std::initializer_list<uint16_t> seqs, uint16_t first) {
  for (const uint16_t seq : seqs) {
    const uint16_t index = static_cast<uint16_t>(seq - first);
    s.on_packet(seq, 160u * index, at(20ms * index));
  }
}

TEST(ReceiverStats, ProbationNeedsMinSequentialPackets) {
  ReceiverStats s(1, 8000);  // MIN_SEQUENTIAL = 2
  EXPECT_FALSE(s.on_packet(100, 0, at(0ms)));
  EXPECT_FALSE(s.probation_passed());
  EXPECT_FALSE(s.on_packet(200, 0, at(20ms)));   // not sequential: probation restarts at 200
  EXPECT_TRUE(s.on_packet(201, 160, at(40ms)));  // 200, 201 in sequence: valid, base 201
  EXPECT_TRUE(s.probation_passed());
  EXPECT_EQ(s.received(), 1u);
  EXPECT_EQ(s.expected(), 1);
  EXPECT_EQ(s.extended_highest_sequence(), 201u);
  EXPECT_TRUE(s.on_packet(202, 320, at(60ms)));
  EXPECT_EQ(s.received(), 2u);
  EXPECT_EQ(s.cumulative_lost(), 0);
}

TEST(ReceiverStats, SequenceWrapCountsCycles) {
  ReceiverStats s(1, 8000, 1);
  feed(s, {65533, 65534, 65535, 0, 1, 2}, 65533);
  EXPECT_EQ(s.extended_highest_sequence(), 65536u + 2);
  EXPECT_EQ(s.received(), 6u);
  EXPECT_EQ(s.expected(), 6);
  EXPECT_EQ(s.cumulative_lost(), 0);
  const ReportBlock b = s.make_report_block(at(200ms));
  EXPECT_EQ(b.extended_highest_sequence, 0x00010002u);
  EXPECT_EQ(b.fraction_lost, 0);
}

TEST(ReceiverStats, ReorderingIsNotLoss) {
  ReceiverStats s(1, 8000, 1);
  feed(s, {10, 11, 13, 12, 14}, 10);
  EXPECT_EQ(s.extended_highest_sequence(), 14u);
  EXPECT_EQ(s.cumulative_lost(), 0);
  EXPECT_EQ(s.make_report_block(at(1s)).fraction_lost, 0);
}

TEST(ReceiverStats, ReorderingAcrossWrapKeepsCycles) {
  ReceiverStats s(1, 8000, 1);
  feed(s, {65534, 0, 65535, 1}, 65534);
  EXPECT_EQ(s.extended_highest_sequence(), 65537u);
  EXPECT_EQ(s.cumulative_lost(), 0);
}

TEST(ReceiverStats, DuplicatesMakeLossNegativeAndFractionZero) {
  ReceiverStats s(1, 8000, 1);
  feed(s, {1, 2, 3, 3, 3}, 1);
  EXPECT_EQ(s.received(), 5u);
  EXPECT_EQ(s.expected(), 3);
  EXPECT_EQ(s.cumulative_lost(), -2);  // A.3: duplicates count; lost may be negative
  const ReportBlock b = s.make_report_block(at(1s));
  EXPECT_EQ(b.cumulative_lost, -2);
  EXPECT_EQ(b.fraction_lost, 0);  // lost_interval <= 0 reports 0
}

TEST(ReceiverStats, LossCountAndFractionPerInterval) {
  ReceiverStats s(7, 8000, 1);
  feed(s, {1, 2, 3, 5, 6, 8, 9, 10}, 1);  // 4 and 7 lost
  EXPECT_EQ(s.expected(), 10);
  EXPECT_EQ(s.received(), 8u);
  ReportBlock b = s.make_report_block(at(1s));
  EXPECT_EQ(b.ssrc, 7u);
  EXPECT_EQ(b.cumulative_lost, 2);
  EXPECT_EQ(b.fraction_lost, (2 << 8) / 10);  // 51
  // Next interval: 11..20 with 4 lost (12, 13, 14, 15).
  feed(s, {11, 16, 17, 18, 19, 20}, 1);
  b = s.make_report_block(at(2s));
  EXPECT_EQ(b.cumulative_lost, 6);
  EXPECT_EQ(b.fraction_lost, (4 << 8) / 10);  // 102
  // An interval with nothing new: fraction 0, cumulative unchanged.
  b = s.make_report_block(at(3s));
  EXPECT_EQ(b.fraction_lost, 0);
  EXPECT_EQ(b.cumulative_lost, 6);
}

TEST(ReceiverStats, LargeJumpNeedsTwoSequentialPackets) {
  ReceiverStats s(1, 8000, 1);
  feed(s, {100, 101}, 100);
  EXPECT_FALSE(s.on_packet(30000, 0, at(1s)));  // jump: remembered as bad_seq - 1
  EXPECT_EQ(s.extended_highest_sequence(), 101u);
  EXPECT_TRUE(s.on_packet(30001, 160, at(1020ms)));  // confirmed: source restarted
  EXPECT_EQ(s.extended_highest_sequence(), 30001u);
  EXPECT_EQ(s.received(), 1u);
  EXPECT_EQ(s.cumulative_lost(), 0);
}

// Jitter worked by hand for 8 kHz audio, 20 ms (160-tick) packets, network delays 0, 5, 0, 10 ms:
//   packet  ts   arrival(ms)  arrival(ticks)  transit  |D|   J (RFC float)           J*16 (int)
//   0       0    0            0               0        -     0                       0
//   1       160  25           200             40       40    0 + (40-0)/16 = 2.5     0+40-0 = 40
//   2       320  40           320             0        40    2.5+(40-2.5)/16=4.844   40+40-3 = 77
//   3       480  70           560             80       80    4.844+(80-4.844)/16=9.54 77+80-5=152
// The reported value is J*16 >> 4 = 9 (A.8's integer form), the float form gives 9.54.
TEST(ReceiverStats, JitterMatchesHandComputedExample) {
  ReceiverStats s(1, 8000, 1);
  const int delays_ms[] = {0, 5, 0, 10};
  const uint32_t expected_reported[] = {0, 2, 4, 9};
  double j = 0;
  double prev_transit = 0;
  for (int i = 0; i < 4; ++i) {
    const auto arrival = at(std::chrono::milliseconds(20 * i + delays_ms[i]));
    ASSERT_TRUE(s.on_packet(static_cast<uint16_t>(i), 160u * i, arrival));
    // The RFC 3550 §6.4.1 formula, step by step, in floating point.
    const double arrival_ticks = (20.0 * i + delays_ms[i]) * 8000 / 1000;
    const double transit = arrival_ticks - 160.0 * i;
    if (i > 0) j += (std::abs(transit - prev_transit) - j) / 16;
    prev_transit = transit;
    EXPECT_EQ(s.jitter(), expected_reported[i]) << "packet " << i;
    EXPECT_NEAR(s.jitter(), j, 1.0) << "packet " << i;
  }
  EXPECT_NEAR(j, 9.541, 0.001);
  EXPECT_EQ(s.make_report_block(at(1s)).jitter, 9u);
}

TEST(ReceiverStats, JitterZeroForPerfectPacing48k) {
  ReceiverStats s(1, 48000, 1);
  for (uint32_t i = 0; i < 100; ++i) {
    s.on_packet(static_cast<uint16_t>(i), 1000 + 960 * i, at(20ms * i + 3s));
  }
  EXPECT_EQ(s.jitter(), 0u);
}

TEST(ReceiverStats, LsrAndDlsrFromReceivedSenderReport) {
  ReceiverStats s(1, 8000, 1);
  feed(s, {1, 2}, 1);
  ReportBlock b = s.make_report_block(at(1s));
  EXPECT_EQ(b.last_sr, 0u);  // no SR yet
  EXPECT_EQ(b.delay_since_last_sr, 0u);
  s.on_sender_report(NtpTime{0xdd3ac1b4, 0x76547171}, at(2s));
  b = s.make_report_block(at(3500ms));
  EXPECT_EQ(b.last_sr, 0xc1b47654u);              // middle 32 bits of the NTP timestamp
  EXPECT_EQ(b.delay_since_last_sr, 0x00018000u);  // 1.5 s in 1/65536 s
}

}  // namespace
}  // namespace tandem::rtp
