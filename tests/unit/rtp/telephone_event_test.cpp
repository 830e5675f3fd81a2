// RFC 4733 telephone-event payload and clock-rate mapping.
#include "rtp/telephone_event.hpp"

#include <gtest/gtest.h>

#include <array>

namespace tandem::rtp {
namespace {

TEST(TelephoneEvent, AnnotatedRoundTrip) {
  const std::array<uint8_t, 4> payload = {
      0x0b,        // event 11: '#'
      0x8a,        // E=1 R=0 volume=10 (-10 dBm0)
      0x03, 0x20,  // duration 800 (100 ms at 8 kHz)
  };
  auto e = TelephoneEvent::parse(payload);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->event, 11);
  EXPECT_TRUE(e->end);
  EXPECT_EQ(e->volume, 10);
  EXPECT_EQ(e->duration, 800);
  EXPECT_EQ(dtmf_char(e->event), '#');
  std::array<uint8_t, 4> out{};
  EXPECT_EQ(e->write(out), 4u);
  EXPECT_EQ(out, payload);
}

TEST(TelephoneEvent, ReservedBitIgnoredAndShortPayloadRejected) {
  const std::array<uint8_t, 4> with_r = {0x01, 0x40 | 0x3f, 0x00, 0xa0};
  auto e = TelephoneEvent::parse(with_r);
  ASSERT_TRUE(e.has_value());
  EXPECT_FALSE(e->end);
  EXPECT_EQ(e->volume, 63);
  EXPECT_EQ(e->duration, 160);
  const std::array<uint8_t, 3> short_payload = {1, 2, 3};
  EXPECT_FALSE(TelephoneEvent::parse(short_payload).has_value());
  std::array<uint8_t, 3> small{};
  EXPECT_EQ(e->write(small), 0u);
}

TEST(TelephoneEvent, DurationMapping48kTo8k) {
  EXPECT_EQ(rescale_event_duration(960, 48000, 8000), 160);   // 20 ms
  EXPECT_EQ(rescale_event_duration(4800, 48000, 8000), 800);  // 100 ms
  EXPECT_EQ(rescale_event_duration(963, 48000, 8000), 161);   // 160.5 rounds to nearest
  EXPECT_EQ(rescale_event_duration(800, 8000, 48000), 4800);
  EXPECT_EQ(rescale_event_duration(20000, 8000, 48000), 0xffff);  // saturates the 16-bit field
  EXPECT_EQ(rescale_event_duration(5, 0, 8000), 0);
  EXPECT_EQ(rescale_timestamp_delta(48000, 48000, 8000), 8000u);
  EXPECT_EQ(rescale_timestamp_delta(8000, 8000, 16000), 16000u);
}

TEST(TelephoneEvent, DtmfCharacters) {
  EXPECT_EQ(dtmf_char(0), '0');
  EXPECT_EQ(dtmf_char(10), '*');
  EXPECT_EQ(dtmf_char(15), 'D');
  EXPECT_EQ(dtmf_char(16), '\0');
  EXPECT_EQ(dtmf_event('7'), 7);
  EXPECT_EQ(dtmf_event('*'), 10);
  EXPECT_EQ(dtmf_event('#'), 11);
  EXPECT_EQ(dtmf_event('a'), 12);
  EXPECT_EQ(dtmf_event('D'), 15);
  EXPECT_FALSE(dtmf_event('x').has_value());
}

}  // namespace
}  // namespace tandem::rtp
