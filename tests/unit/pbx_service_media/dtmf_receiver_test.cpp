// RFC 4733 digit reporting: one report per key press, whatever the retransmissions and losses.
#include "service_media/dtmf_receiver.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "rtp/telephone_event.hpp"

namespace tandem::pbx {
namespace {

struct Recorder {
  std::vector<DigitReport> reports;
  DigitCallback callback() {
    return [this](const DigitReport& r) { reports.push_back(r); };
  }
  std::string digits() const {
    std::string s;
    for (const auto& r : reports) s += r.digit;
    return s;
  }
};

std::array<uint8_t, 4> event(uint8_t code, bool end, uint16_t duration) {
  std::array<uint8_t, 4> p{};
  rtp::TelephoneEvent{code, end, 10, duration}.write(p);
  return p;
}

// What SIPp's dtmf_2833_1.pcap carries: 7 progress packets and the end packet three times, all
// with RTP timestamp 13280 (payloads 010a0000 ... 018a08c0).
TEST(DtmfReceiver, SippPcapSequenceReportsOnce) {
  Recorder rec;
  DtmfReceiver rx(8000, rec.callback());
  for (uint16_t d = 0; d <= 1920; d += 320) rx.on_event_packet(13280, event(1, false, d));
  for (int i = 0; i < 3; ++i) rx.on_event_packet(13280, event(1, true, 2240));
  ASSERT_EQ(rec.digits(), "1");
  EXPECT_EQ(rec.reports[0].source, DigitSource::kRtpEvent);
  EXPECT_EQ(rec.reports[0].duration_ms, 280u);
  EXPECT_FALSE(rx.event_pending());
}

TEST(DtmfReceiver, SameDigitTwiceIsTwoPresses) {
  Recorder rec;
  DtmfReceiver rx(8000, rec.callback());
  rx.on_event_packet(1000, event(5, false, 160));
  rx.on_event_packet(1000, event(5, true, 800));
  rx.on_event_packet(3000, event(5, false, 160));
  rx.on_event_packet(3000, event(5, true, 800));
  rx.on_event_packet(3000, event(5, true, 800));
  EXPECT_EQ(rec.digits(), "55");
}

TEST(DtmfReceiver, LostEndPacketsStillReport) {
  Recorder rec;
  DtmfReceiver rx(48000, rec.callback());
  rx.on_event_packet(100, event(10, false, 960));  // '*', end packets all lost
  EXPECT_TRUE(rx.event_pending());
  rx.on_event_packet(9000, event(11, false, 960));  // '#' begins: '*' is over
  EXPECT_EQ(rec.digits(), "*");
  EXPECT_EQ(rec.reports[0].duration_ms, 20u);  // 960 ticks at 48 kHz
  rx.flush();                                  // '#' never ended either
  EXPECT_EQ(rec.digits(), "*#");
  rx.flush();
  EXPECT_EQ(rec.digits(), "*#");
}

TEST(DtmfReceiver, IgnoresNonDtmfAndShortPayloads) {
  Recorder rec;
  DtmfReceiver rx(8000, rec.callback());
  rx.on_event_packet(1, event(16, true, 800));  // flash hook, not a digit
  const std::array<uint8_t, 3> short_payload = {1, 0x80, 0};
  rx.on_event_packet(2, short_payload);
  rx.flush();
  EXPECT_TRUE(rec.reports.empty());
}

TEST(DtmfReceiver, SipInfoDigits) {
  Recorder rec;
  DtmfReceiver rx(8000, rec.callback());
  EXPECT_TRUE(rx.on_sip_info_digit('7', 160));
  EXPECT_TRUE(rx.on_sip_info_digit('d'));
  EXPECT_FALSE(rx.on_sip_info_digit('x'));
  ASSERT_EQ(rec.digits(), "7D");
  EXPECT_EQ(rec.reports[0].source, DigitSource::kSipInfo);
  EXPECT_EQ(rec.reports[0].duration_ms, 160u);
  EXPECT_EQ(rx.digits_reported(), 2u);
}

}  // namespace
}  // namespace tandem::pbx
