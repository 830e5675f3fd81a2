// Call bridge, transcoding: a tone sent by the browser as Opus reaches the PBX as PCMU/PCMA of
// the same frequency, and the reverse; browser loss still gives the PBX one packet per 20 ms;
// RFC 4733 events are rescaled between 48 kHz and 8 kHz both ways; MediaPlane-style generated
// digits reach the PBX (3+ updates, end x3).
#include <gtest/gtest.h>

#include <cmath>

#include "bridge_harness.hpp"
#include "codec/g711.hpp"
#include "codec/opus_codec.hpp"
#include "codec/tone_analyzer.hpp"
#include "codec/tone_generator.hpp"
#include "rtp/telephone_event.hpp"

namespace tandem::media::test {
namespace {

using std::chrono::milliseconds;

// Sends `count` 20 ms Opus packets of a tone from the browser, skipping the sequence numbers in
// `lost`; returns the RTP packets the PBX received.
std::vector<RtpPacket> browser_tone_to_pbx(BridgedCall& c, uint32_t hz, int count,
                                           std::vector<int> lost = {}, int pause_before = -1,
                                           uint32_t pause_ticks = 0, int start = 0) {
  codec::OpusEncoderConfig config;
  config.sample_rate = 48000;
  auto encoder = codec::OpusAudioEncoder::create(config).value();
  auto tone = codec::ToneGenerator::create(hz, 48000, 0.5).value();
  std::vector<RtpPacket> received;
  for (int i = 0; i < count; ++i) {
    std::vector<int16_t> pcm(960);
    tone.generate(pcm);
    std::vector<uint8_t> out(codec::kOpusMaxPacketSize);
    const auto n = encoder.encode(pcm, out);
    if (std::find(lost.begin(), lost.end(), i) != lost.end()) continue;
    RtpPacket p;
    p.payload_type = 111;
    p.sequence = static_cast<uint16_t>(100 + start + i);
    p.timestamp = 4000 + 960u * static_cast<uint32_t>(start + i) +
                  (pause_before >= 0 && i >= pause_before ? pause_ticks : 0);
    p.ssrc = 0x1234;
    p.payload.assign(out.begin(), out.begin() + static_cast<long>(*n));
    c.browser.send_rtp(p);
    while (auto d = c.pbx.receive(milliseconds(i + 1 == count ? 500 : 5))) {
      received.push_back(*RtpPacket::parse(d->data(), d->size()));
    }
  }
  return received;
}

std::vector<int16_t> g711_pcm(const std::vector<RtpPacket>& packets, bool ulaw) {
  std::vector<int16_t> pcm;
  for (const RtpPacket& p : packets) {
    std::vector<int16_t> frame(p.payload.size());
    if (ulaw) {
      codec::ulaw_decode(p.payload, frame);
    } else {
      codec::alaw_decode(p.payload, frame);
    }
    pcm.insert(pcm.end(), frame.begin(), frame.end());
  }
  return pcm;
}

void expect_continuous(const std::vector<RtpPacket>& packets, uint8_t pt, uint32_t ticks) {
  for (size_t i = 1; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].payload_type, pt);
    EXPECT_EQ(static_cast<uint16_t>(packets[i].sequence - packets[i - 1].sequence), 1);
    EXPECT_EQ(packets[i].timestamp - packets[i - 1].timestamp, ticks);
    EXPECT_EQ(packets[i].ssrc, packets[0].ssrc);
  }
}

TEST(BridgeTranscode, OpusToneReachesThePbxAsPcmuOfTheSameFrequency) {
  BridgedCall c;
  c.connect(BridgeCodec::kPcmu);
  const auto packets = browser_tone_to_pbx(c, 1000, 50);
  ASSERT_EQ(packets.size(), 50u);
  expect_continuous(packets, 0, 160);
  EXPECT_EQ(packets[0].payload.size(), 160u);
  const auto pcm = g711_pcm(packets, true);
  const auto m = codec::measure_tone(std::span(pcm).subspan(1600), 8000);
  EXPECT_NEAR(m.frequency_hz, 1000, 5);
  EXPECT_GT(m.purity, 0.9);
}

TEST(BridgeTranscode, OpusToneReachesThePbxAsPcma) {
  BridgedCall c;
  c.connect(BridgeCodec::kPcma);
  const auto packets = browser_tone_to_pbx(c, 700, 40);
  ASSERT_EQ(packets.size(), 40u);
  expect_continuous(packets, 8, 160);
  const auto pcm = g711_pcm(packets, false);
  EXPECT_NEAR(codec::measure_tone(std::span(pcm).subspan(1600), 8000).frequency_hz, 700, 5);
}

TEST(BridgeTranscode, BrowserLossStillGivesThePbxOnePacketPer20ms) {
  BridgedCall c;
  c.connect(BridgeCodec::kPcmu);
  const auto packets = browser_tone_to_pbx(c, 1000, 50, {20, 21, 22, 35});
  ASSERT_EQ(packets.size(), 50u);  // 46 received + 4 concealed (FEC/PLC)
  expect_continuous(packets, 0, 160);
  const auto pcm = g711_pcm(packets, true);
  EXPECT_NEAR(codec::measure_tone(std::span(pcm).subspan(1600), 8000).frequency_hz, 1000, 10);
}

TEST(BridgeTranscode, DtxPauseIsFilledEvery20ms) {
  BridgedCall c;
  c.connect(BridgeCodec::kPcmu);
  // The browser stops sending for 100 ms without a sequence gap (DTX): 5 more frames.
  const auto packets = browser_tone_to_pbx(c, 1000, 30, {}, 20, 5 * 960);
  ASSERT_EQ(packets.size(), 35u);
  expect_continuous(packets, 0, 160);
}

TEST(BridgeTranscode, TenMillisecondPcmuPacketsMakeTwentyMillisecondOpus) {
  BridgedCall c;
  c.connect(BridgeCodec::kPcmu);
  std::vector<RtpPacket> received;
  for (int i = 0; i < 20; ++i) {
    RtpPacket p;
    p.payload_type = 0;
    p.sequence = static_cast<uint16_t>(i);
    p.timestamp = 80u * static_cast<uint32_t>(i);
    p.payload.assign(80, 0xFF);
    c.pbx.send_to(p.serialize(), c.info.pbx_port);
    while (auto r = c.browser.receive_rtp(milliseconds(i == 19 ? 500 : 5))) received.push_back(*r);
  }
  ASSERT_EQ(received.size(), 10u);
  expect_continuous(received, 111, 960);
}

TEST(BridgeTranscode, ReconfiguringFromPassthroughToPcmaSwitchesTheAudioPath) {
  BridgedCall c;
  c.connect(BridgeCodec::kOpus);
  const auto before = browser_tone_to_pbx(c, 1000, 3);
  ASSERT_EQ(before.size(), 3u);
  EXPECT_EQ(before[0].payload_type, 107);  // Opus passed through
  ASSERT_TRUE(
      c.fixture.configure(c.info.id, bridge_params(c.browser, BridgeCodec::kPcma, c.pbx.port()))
          .ok());
  const auto after = browser_tone_to_pbx(c, 600, 30, {}, -1, 0, 3);
  ASSERT_EQ(after.size(), 30u);
  expect_continuous(after, 8, 160);
  EXPECT_EQ(after[0].ssrc, before[0].ssrc);  // the PBX leg keeps its SSRC
  const auto pcm = g711_pcm(after, false);
  EXPECT_NEAR(codec::measure_tone(std::span(pcm).subspan(1600), 8000).frequency_hz, 600, 5);
}

TEST(BridgeTranscode, GarbageFromEitherSideIsDroppedAndTheCallGoesOn) {
  BridgedCall c;
  c.connect(BridgeCodec::kPcmu);
  RtpPacket junk;
  junk.payload_type = 111;
  junk.sequence = 50;
  junk.timestamp = 960;
  junk.payload = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x01};  // not a valid Opus packet
  c.browser.send_rtp(junk);
  junk.sequence = 51;
  junk.payload.clear();  // empty payload: concealed like a loss
  c.browser.send_rtp(junk);
  c.pbx.send_to({0x80, 0x00, 0x00}, c.info.pbx_port);  // truncated RTP header
  RtpPacket odd;
  odd.payload_type = 0;
  odd.sequence = 1;
  odd.payload = {1, 2, 3};  // 3 bytes of G.711: buffered toward a frame
  c.pbx.send_to(odd.serialize(), c.info.pbx_port);
  while (c.pbx.receive(milliseconds(200))) {
  }
  const auto packets = browser_tone_to_pbx(c, 1000, 30, {}, -1, 0, 50);
  ASSERT_GE(packets.size(), 30u);
  const auto pcm = g711_pcm(packets, true);
  EXPECT_NEAR(codec::measure_tone(std::span(pcm).subspan(1600), 8000).frequency_hz, 1000, 5);
}

TEST(BridgeTranscode, PcmuToneFromThePbxReachesTheBrowserAsOpus) {
  BridgedCall c;
  c.connect(BridgeCodec::kPcmu);
  auto tone = codec::ToneGenerator::create(440, 8000, 0.5).value();
  auto decoder = codec::OpusAudioDecoder::create(48000).value();
  std::vector<RtpPacket> received;
  for (int i = 0; i < 50; ++i) {
    std::vector<int16_t> pcm(160);
    tone.generate(pcm);
    RtpPacket p;
    p.payload_type = 0;
    p.sequence = static_cast<uint16_t>(9 + i);
    p.timestamp = 160u * static_cast<uint32_t>(i);
    p.ssrc = 0xABCD;
    p.payload.resize(160);
    codec::ulaw_encode(pcm, p.payload);
    c.pbx.send_to(p.serialize(), c.info.pbx_port);
    while (auto r = c.browser.receive_rtp(milliseconds(i == 49 ? 500 : 5))) received.push_back(*r);
  }
  ASSERT_EQ(received.size(), 50u);
  expect_continuous(received, 111, 960);
  std::vector<int16_t> pcm;
  for (const RtpPacket& p : received) {
    std::vector<int16_t> frame(codec::kOpusMaxFrameSamples);
    const auto n = decoder.decode(p.payload, frame);
    ASSERT_TRUE(n.ok());
    pcm.insert(pcm.end(), frame.begin(), frame.begin() + static_cast<long>(*n));
  }
  const auto m = codec::measure_tone(std::span(pcm).subspan(9600), 48000);
  EXPECT_NEAR(m.frequency_hz, 440, 5);
}

TEST(BridgeTranscode, PcmuLossGivesTheBrowserOnePacketPer20ms) {
  BridgedCall c;
  c.connect(BridgeCodec::kPcmu);
  std::vector<RtpPacket> received;
  for (int i = 0; i < 20; ++i) {
    if (i == 8 || i == 9) continue;
    RtpPacket p;
    p.payload_type = 0;
    p.sequence = static_cast<uint16_t>(65530 + i);
    p.timestamp = 160u * static_cast<uint32_t>(i);
    p.payload.assign(160, 0xFF);
    c.pbx.send_to(p.serialize(), c.info.pbx_port);
    while (auto r = c.browser.receive_rtp(milliseconds(i == 19 ? 500 : 5))) received.push_back(*r);
  }
  ASSERT_EQ(received.size(), 20u);
  expect_continuous(received, 111, 960);
}

TEST(BridgeTranscode, TelephoneEventsAreRescaledBothWays) {
  BridgedCall c;
  c.connect(BridgeCodec::kPcmu);
  (void)browser_tone_to_pbx(c, 1000, 3);  // audio first: events are placed on its timeline
  rtp::TelephoneEvent e{7, false, 10, 2880};
  RtpPacket p;
  p.payload_type = 126;
  p.marker = true;
  p.sequence = 103;
  p.timestamp = 4000 + 960 * 3;
  p.ssrc = 0x1234;
  p.payload.resize(4);
  e.write(p.payload);
  c.browser.send_rtp(p);
  auto d = c.pbx.receive(milliseconds(2000));
  ASSERT_TRUE(d);
  auto at_pbx = RtpPacket::parse(d->data(), d->size());
  EXPECT_EQ(at_pbx->payload_type, 101);
  EXPECT_TRUE(at_pbx->marker);
  auto pe = rtp::TelephoneEvent::parse(at_pbx->payload);
  ASSERT_TRUE(pe);
  EXPECT_EQ(pe->event, 7);
  EXPECT_EQ(pe->duration, 480);  // 2880 at 48 kHz

  RtpPacket q;
  q.payload_type = 101;
  q.sequence = 1;
  q.timestamp = 8000;
  q.ssrc = 0x99;
  q.payload.resize(4);
  rtp::TelephoneEvent{3, true, 10, 800}.write(q.payload);
  c.pbx.send_to(q.serialize(), c.info.pbx_port);
  auto r = c.browser.receive_rtp(milliseconds(2000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->payload_type, 126);
  auto be = rtp::TelephoneEvent::parse(r->payload);
  ASSERT_TRUE(be);
  EXPECT_EQ(be->event, 3);
  EXPECT_TRUE(be->end);
  EXPECT_EQ(be->duration, 4800);  // 800 at 8 kHz
}

TEST(BridgeTranscode, GeneratedDigitReachesThePbxAsRfc4733) {
  BridgedCall c;
  c.connect(BridgeCodec::kPcmu);
  c.fixture.worker().send_dtmf(c.info.id, '5', milliseconds(100));
  std::vector<RtpPacket> events;
  while (auto d = c.pbx.receive(milliseconds(500))) {
    auto p = RtpPacket::parse(d->data(), d->size());
    if (p && p->payload_type == 101) events.push_back(*p);
  }
  ASSERT_EQ(events.size(), 8u);  // 5 updates (100 ms / 20 ms) + end x3
  EXPECT_TRUE(events[0].marker);
  for (size_t i = 0; i < events.size(); ++i) {
    auto e = rtp::TelephoneEvent::parse(events[i].payload);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->event, 5);
    EXPECT_EQ(events[i].timestamp, events[0].timestamp);
    EXPECT_EQ(e->end, i >= 5);
    EXPECT_EQ(e->duration, std::min<size_t>(i + 1, 5) * 160);
    if (i > 0) {
      EXPECT_FALSE(events[i].marker);
      EXPECT_EQ(static_cast<uint16_t>(events[i].sequence - events[i - 1].sequence), 1);
    }
  }
}

}  // namespace
}  // namespace tandem::media::test
