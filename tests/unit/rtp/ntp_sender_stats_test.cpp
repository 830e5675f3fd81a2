// NTP conversions, RTT from a report block (RFC 3550 §6.4.1's worked example) and SenderStats.
#include <gtest/gtest.h>

#include <chrono>

#include "rtp/ntp_time.hpp"
#include "rtp/sender_stats.hpp"

namespace tandem::rtp {
namespace {

using namespace std::chrono_literals;

TimePoint at(std::chrono::nanoseconds t) { return TimePoint{} + t; }

TEST(NtpTime, ShortFormatAndConversions) {
  EXPECT_EQ((NtpTime{0xdd3ac1b4, 0x76547171}).short_format(), 0xc1b47654u);
  EXPECT_EQ(to_ntp_short(1500ms), 0x00018000u);
  EXPECT_EQ(to_ntp_short(0ms), 0u);
  EXPECT_EQ(to_ntp_short(-5ms), 0u);
  EXPECT_EQ(to_ntp_short(std::chrono::hours(24)), 0xffffffffu);
  EXPECT_EQ(from_ntp_short(0x00054000), 5250ms);
  EXPECT_EQ(ntp_from_unix(0s).seconds, 2208988800u);
  EXPECT_EQ(ntp_from_unix(0s).fraction, 0u);
  EXPECT_EQ(ntp_from_unix(1700000000500ms), (NtpTime{3908988800u, 0x80000000}));
}

TEST(NtpTime, ClockAnchoredOnSteadyTime) {
  const NtpClock clock(at(10s), NtpTime{3908988800u, 0});
  EXPECT_EQ(clock.to_ntp(at(10s)), (NtpTime{3908988800u, 0}));
  EXPECT_EQ(clock.to_ntp(at(11500ms)), (NtpTime{3908988801u, 0x80000000}));
  EXPECT_EQ(clock.to_ntp(at(9500ms)), (NtpTime{3908988799u, 0x80000000}));
}

TEST(NtpTime, RttFromRfc3550Example) {
  // §6.4.1: A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000 (46853.125 s),
  // DLSR = 0x0005:4000 (5.250 s) -> RTT = 0x0006:2000 (6.125 s).
  auto rtt = rtt_from_report(0xb7108000, 0xb7052000, 0x00054000);
  ASSERT_TRUE(rtt.has_value());
  EXPECT_EQ(*rtt, 6125ms);
  EXPECT_FALSE(rtt_from_report(0xb7108000, 0, 0x00054000).has_value());  // no LSR
  EXPECT_FALSE(rtt_from_report(0xb7050000, 0xb7052000, 0).has_value());  // negative
}

TEST(SenderStats, CountsAndExtrapolatedTimestamp) {
  SenderStats s(0x1001, 48000);
  const NtpClock clock(at(0s), NtpTime{3908988800u, 0});
  EXPECT_EQ(s.make_sender_info(at(0s), clock).packet_count, 0u);
  for (uint32_t i = 0; i < 50; ++i) s.on_packet_sent(1000 + 960 * i, 80, at(20ms * i));
  EXPECT_EQ(s.packet_count(), 50u);
  EXPECT_EQ(s.octet_count(), 4000u);
  // Last packet: ts 1000 + 960*49 at 980 ms; the SR at 1000 ms is 20 ms (960 ticks) later.
  const SenderInfo info = s.make_sender_info(at(1000ms), clock);
  EXPECT_EQ(info.rtp_timestamp, 1000u + 960 * 50);
  EXPECT_EQ(info.ntp, (NtpTime{3908988801u, 0}));
  EXPECT_EQ(info.packet_count, 50u);
  EXPECT_EQ(info.octet_count, 4000u);
}

TEST(SenderStats, RttFromReportBlockAboutOurStream) {
  // We send an SR at t=10 s; the peer holds it 250 ms and reports; the report arrives at
  // t=10.4 s, so RTT = 400 - 250 = 150 ms.
  SenderStats s(0x1001, 8000);
  const NtpClock clock(at(0s), NtpTime{3908988800u, 0});
  const NtpTime sr_ntp = clock.to_ntp(at(10s));
  ReportBlock block;
  block.ssrc = 0x1001;
  block.fraction_lost = 26;
  block.cumulative_lost = 3;
  block.jitter = 12;
  block.last_sr = sr_ntp.short_format();
  block.delay_since_last_sr = to_ntp_short(250ms);
  s.on_report_block(block, clock.to_ntp(at(10400ms)));
  ASSERT_TRUE(s.rtt().has_value());
  using Millis = std::chrono::duration<double, std::milli>;
  EXPECT_NEAR(Millis(*s.rtt()).count(), 150.0, 0.05);
  EXPECT_EQ(s.remote_fraction_lost(), 26);
  EXPECT_EQ(s.remote_cumulative_lost(), 3);
  EXPECT_EQ(s.remote_jitter(), 12u);
}

}  // namespace
}  // namespace tandem::rtp
