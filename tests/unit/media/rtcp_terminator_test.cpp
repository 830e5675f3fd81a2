#include "media/rtcp_terminator.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>

#include "rtp/rtcp_builder.hpp"
#include "rtp/rtcp_packet.hpp"
#include "rtp/rtcp_report.hpp"

namespace tandem::media {
namespace {

using std::chrono::milliseconds;

constexpr uint32_t kBrowserAudio = 0x1111;
constexpr uint32_t kBrowserVideo = 0x2222;
constexpr uint32_t kEchoAudio = 0xA0A0;
constexpr uint32_t kEchoVideo = 0xB0B0;

SessionParams params() {
  SessionParams p;
  p.streams.push_back({"0", MediaKind::kAudio, 48000, {111}, {kBrowserAudio}, kEchoAudio, true});
  p.streams.push_back({"1", MediaKind::kVideo, 90000, {96}, {}, kEchoVideo, true});
  return p;
}

class RtcpTerminatorTest : public ::testing::Test {
 protected:
  TimePoint t0 = TimePoint{} + std::chrono::hours(1);
  rtp::NtpClock clock{t0, rtp::NtpTime{3'900'000'000u, 0}};
  RtcpTerminator term{params(), clock};
};

TEST_F(RtcpTerminatorTest, MapsBrowserSsrcsToEchoSsrcs) {
  EXPECT_EQ(term.on_rtp_received(kBrowserAudio, 111, 1, 960, t0), kEchoAudio);
  // Video was not signaled: bound by payload type on its first packet.
  EXPECT_EQ(term.on_rtp_received(kBrowserVideo, 96, 1, 3000, t0), kEchoVideo);
  EXPECT_EQ(term.on_rtp_received(kBrowserVideo, 96, 2, 6000, t0), kEchoVideo);
  // Unknown payload type, or a third SSRC when every stream is bound: not echoed.
  EXPECT_FALSE(term.on_rtp_received(0x3333, 111, 1, 0, t0));
  EXPECT_FALSE(term.on_rtp_received(0x4444, 100, 1, 0, t0));
}

TEST_F(RtcpTerminatorTest, NothingToReportBeforeMedia) {
  std::array<uint8_t, 512> out{};
  EXPECT_EQ(term.build_report(out, t0), 0u);
}

TEST_F(RtcpTerminatorTest, SenderReportCarriesBlockAboutBrowserStream) {
  for (uint16_t seq = 1; seq <= 50; ++seq) {
    const TimePoint at = t0 + milliseconds(20 * seq);
    ASSERT_TRUE(term.on_rtp_received(kBrowserAudio, 111, seq, 960u * seq, at));
    term.on_rtp_sent(kEchoAudio, 960u * seq, 80, at);
  }
  std::array<uint8_t, 512> out{};
  const size_t n = term.build_report(out, t0 + milliseconds(1100));
  ASSERT_GT(n, 0u);
  auto compound = rtp::RtcpCompound::parse(std::span<const uint8_t>(out.data(), n));
  ASSERT_TRUE(compound.ok());
  auto it = compound->begin();
  ASSERT_TRUE((*it).is(rtp::RtcpType::kSenderReport));
  auto sr = rtp::SenderReportView::parse(*it);
  ASSERT_TRUE(sr.ok());
  EXPECT_EQ(sr->ssrc(), kEchoAudio);
  EXPECT_EQ(sr->sender_info().packet_count, 50u);
  EXPECT_EQ(sr->sender_info().octet_count, 50u * 80u);
  ASSERT_EQ(sr->report_blocks().size(), 1u);
  EXPECT_EQ(sr->report_blocks()[0].ssrc, kBrowserAudio);
  EXPECT_EQ(sr->report_blocks()[0].cumulative_lost, 0);
  EXPECT_EQ(sr->report_blocks()[0].extended_highest_sequence, 50u);
  ++it;
  EXPECT_TRUE((*it).is(rtp::RtcpType::kSdes));
}

TEST_F(RtcpTerminatorTest, ReceiverReportFromBrowserGivesRtt) {
  term.on_rtp_received(kBrowserAudio, 111, 1, 960, t0);
  term.on_rtp_sent(kEchoAudio, 960, 80, t0);
  std::array<uint8_t, 512> ours{};
  const TimePoint sr_time = t0 + milliseconds(1000);
  const size_t n = term.build_report(ours, sr_time);
  ASSERT_GT(n, 0u);
  // The browser answers 30 ms later with DLSR 10 ms: RTT = 20 ms.
  rtp::ReportBlock block;
  block.ssrc = kEchoAudio;
  block.last_sr = clock.to_ntp(sr_time).short_format();
  block.delay_since_last_sr = rtp::to_ntp_short(milliseconds(10));
  std::array<uint8_t, 128> theirs{};
  rtp::RtcpBuilder b(theirs);
  ASSERT_TRUE(b.add_receiver_report(kBrowserAudio, std::span<const rtp::ReportBlock>(&block, 1)));
  std::array<uint32_t, 4> requests{};
  EXPECT_EQ(term.on_rtcp_received(b.data(), sr_time + milliseconds(30), requests), 0u);
  std::vector<StreamStats> stats;
  term.fill_stats(stats);
  ASSERT_EQ(stats.size(), 2u);
  ASSERT_TRUE(stats[0].rtt_ms.has_value());
  EXPECT_NEAR(*stats[0].rtt_ms, 20.0, 0.1);
  EXPECT_EQ(stats[0].packets_received, 1u);
  EXPECT_EQ(stats[0].packets_sent, 1u);
}

TEST_F(RtcpTerminatorTest, PliAboutEchoBecomesKeyFrameRequestToBrowser) {
  term.on_rtp_received(kBrowserVideo, 96, 1, 3000, t0);
  std::array<uint8_t, 128> theirs{};
  rtp::RtcpBuilder b(theirs);
  ASSERT_TRUE(b.add_receiver_report(kBrowserVideo, {}));
  ASSERT_TRUE(b.add_pli(kBrowserVideo, kEchoVideo));
  std::array<uint32_t, 4> requests{};
  ASSERT_EQ(term.on_rtcp_received(b.data(), t0, requests), 1u);
  EXPECT_EQ(requests[0], kBrowserVideo);
  std::array<uint8_t, 64> pli{};
  const size_t n = term.build_pli(pli, requests[0]);
  ASSERT_EQ(n, 12u);
  EXPECT_EQ(pli[1], 206);
}

TEST_F(RtcpTerminatorTest, MalformedRtcpIsIgnored) {
  std::array<uint8_t, 8> junk{0x80, 200, 0, 9, 1, 2, 3, 4};
  std::array<uint32_t, 4> requests{};
  EXPECT_EQ(term.on_rtcp_received(junk, t0, requests), 0u);
}

}  // namespace
}  // namespace tandem::media
