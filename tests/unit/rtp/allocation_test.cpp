// The packet path allocates nothing: parse, build, statistics and rewriting loops run under a
// replaced global operator new that counts calls.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <new>

#include "rtp/receiver_stats.hpp"
#include "rtp/rtcp_builder.hpp"
#include "rtp/rtcp_bye.hpp"
#include "rtp/rtcp_sdes.hpp"
#include "rtp/rtp_packet_view.hpp"
#include "rtp/sender_stats.hpp"
#include "rtp/seq_ts_rewriter.hpp"
#include "rtp/telephone_event.hpp"
#include "support/allocation_counter.hpp"

namespace tandem::rtp {
namespace {

using namespace std::chrono_literals;

TEST(Allocation, PacketPathAllocatesNothing) {
  std::array<uint8_t, 64> rtp = {0x90, 0x6f, 0,    0,    0,    0,    0,    0,    0,    0,
                                 0,    9,    0xbe, 0xde, 0x00, 0x01, 0x10, 0x7f, 0x00, 0x00};
  std::array<uint8_t, 1500> rtcp{};
  ReceiverStats receiver(9, 48000);
  SenderStats sender(0x1001, 48000);
  SeqTsRewriter rewriter(0x1001, 1, 1, 48000);
  const NtpClock clock(TimePoint{}, NtpTime{3908988800u, 0});
  long parsed = 0;

  const long before = tandem::test::cxx_allocations();
  for (uint32_t i = 0; i < 10000; ++i) {
    const TimePoint now = TimePoint{} + 20ms * i;
    auto view = RtpPacketView::parse(rtp);
    if (!view) continue;
    view->set_sequence(static_cast<uint16_t>(i));
    view->set_timestamp(960 * i);
    parsed += view->extension(1).size();
    receiver.on_packet(view->sequence(), view->timestamp(), now);
    rewriter.rewrite(*view, now);
    sender.on_packet_sent(view->timestamp(), view->payload().size(), now);
    auto bad = RtpPacketView::parse(std::span<uint8_t>(rtp).first(5));
    parsed += bad.ok();
    parsed += TelephoneEvent::parse(view->payload()).has_value();

    if (i % 50 == 0) {
      RtcpBuilder builder(rtcp);
      const ReportBlock blocks[] = {receiver.make_report_block(now)};
      builder.add_sender_report(0x1001, sender.make_sender_info(now, clock), blocks);
      builder.add_sdes_cname(0x1001, "a-cname-longer-than-small-string-buffer");
      const uint32_t ssrcs[] = {0x1001};
      builder.add_bye(ssrcs, "a reason that is long enough to defeat SSO");
      auto compound = RtcpCompound::parse(builder.data());
      if (!compound) continue;
      for (const RtcpPacket p : *compound) {
        if (auto sr = SenderReportView::parse(p)) {
          receiver.on_sender_report(sr->sender_info().ntp, now);
          sender.on_report_block(sr->report_blocks()[0], clock.to_ntp(now));
        }
        if (auto sdes = SdesView::parse(p)) parsed += sdes->first_cname()->size();
        if (auto bye = ByeView::parse(p)) parsed += bye->reason().size();
      }
    }
  }
  EXPECT_EQ(tandem::test::cxx_allocations() - before, 0);
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace tandem::rtp
