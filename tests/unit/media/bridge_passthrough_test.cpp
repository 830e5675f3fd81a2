// Call bridge, Opus passthrough: a real DTLS-SRTP browser (libsrtp2) and a plain UDP PBX on
// loopback. Payloads cross unchanged with each leg's own SSRC, sequence and timestamp space;
// symmetric RTP latches onto where the PBX really sends from; hold stops sending.
#include <gtest/gtest.h>

#include <chrono>

#include "bridge_harness.hpp"
#include "rtp/telephone_event.hpp"

namespace tandem::media::test {
namespace {

using std::chrono::milliseconds;

RtpPacket opus_packet(uint16_t seq, uint32_t ts, uint8_t tag) {
  RtpPacket p;
  p.payload_type = 111;
  p.sequence = seq;
  p.timestamp = ts;
  p.ssrc = 0xB0B0B0B0;
  p.payload = {tag, 0x11, 0x22, 0x33, 0x44, tag};
  return p;
}

TEST(BridgePassthrough, BytesCrossBothWaysWithRewrittenHeaders) {
  BridgedCall c;
  c.connect(bridge_params(c.browser, BridgeCodec::kOpus, c.pbx.port()));
  std::vector<RtpPacket> at_pbx;
  for (uint8_t i = 0; i < 5; ++i) {
    c.browser.send_rtp(opus_packet(static_cast<uint16_t>(65534 + i), 1000 + 960u * i, i));
    auto d = c.pbx.receive(milliseconds(2000));
    ASSERT_TRUE(d);
    at_pbx.push_back(*RtpPacket::parse(d->data(), d->size()));
  }
  for (size_t i = 0; i < at_pbx.size(); ++i) {
    EXPECT_EQ(at_pbx[i].payload_type, 107);
    EXPECT_NE(at_pbx[i].ssrc, 0xB0B0B0B0u);
    EXPECT_EQ(at_pbx[i].ssrc, at_pbx[0].ssrc);
    EXPECT_EQ(at_pbx[i].payload, opus_packet(0, 0, static_cast<uint8_t>(i)).payload);
    EXPECT_EQ(static_cast<uint16_t>(at_pbx[i].sequence - at_pbx[0].sequence), i);
    EXPECT_EQ(at_pbx[i].timestamp - at_pbx[0].timestamp, 960u * i);
  }

  std::vector<RtpPacket> at_browser;
  for (uint8_t i = 0; i < 5; ++i) {
    RtpPacket p = opus_packet(static_cast<uint16_t>(7 + i), 90000 + 960u * i, 0x80 | i);
    p.payload_type = 107;
    p.ssrc = 0xFEEDFEED;
    c.pbx.send_to(p.serialize(), c.info.pbx_port);
    auto r = c.browser.receive_rtp(milliseconds(2000));
    ASSERT_TRUE(r);
    at_browser.push_back(*r);
  }
  for (size_t i = 0; i < at_browser.size(); ++i) {
    EXPECT_EQ(at_browser[i].payload_type, 111);
    EXPECT_NE(at_browser[i].ssrc, 0xFEEDFEEDu);
    EXPECT_EQ(at_browser[i].payload[0], 0x80 | i);
    EXPECT_EQ(static_cast<uint16_t>(at_browser[i].sequence - at_browser[0].sequence), i);
    EXPECT_EQ(at_browser[i].timestamp - at_browser[0].timestamp, 960u * i);
  }
}

TEST(BridgePassthrough, LatchesOntoWhereThePbxSendsFrom) {
  BridgedCall c;
  TestSocket real_pbx;  // the SDP names c.pbx; the PBX really sends from real_pbx
  c.connect(bridge_params(c.browser, BridgeCodec::kOpus, c.pbx.port()));
  c.browser.send_rtp(opus_packet(1, 960, 1));
  ASSERT_TRUE(c.pbx.receive(milliseconds(2000)));  // before latching: the SDP address

  RtpPacket from_pbx = opus_packet(50, 100, 9);
  from_pbx.payload_type = 107;
  real_pbx.send_to(from_pbx.serialize(), c.info.pbx_port);
  ASSERT_TRUE(c.browser.receive_rtp(milliseconds(2000)));

  c.browser.send_rtp(opus_packet(2, 1920, 2));
  EXPECT_TRUE(real_pbx.receive(milliseconds(2000)));
  EXPECT_FALSE(c.pbx.receive(milliseconds(200)));
  const auto stats = c.fixture.bridge_stats(c.info.id);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->pbx_latches, 1u);
  EXPECT_EQ(stats->pbx_destination, "127.0.0.1:" + std::to_string(real_pbx.port()));
}

TEST(BridgePassthrough, HoldStopsSendingAndResumeRestarts) {
  BridgedCall c;
  BridgeParams params = bridge_params(c.browser, BridgeCodec::kOpus, c.pbx.port());
  c.connect(params);
  params.pbx_send = false;
  params.browser_send = false;
  ASSERT_TRUE(c.fixture.configure(c.info.id, params).ok());
  c.browser.send_rtp(opus_packet(1, 960, 1));
  EXPECT_FALSE(c.pbx.receive(milliseconds(300)));
  RtpPacket from_pbx = opus_packet(50, 100, 9);
  from_pbx.payload_type = 107;
  c.pbx.send_to(from_pbx.serialize(), c.info.pbx_port);
  EXPECT_FALSE(c.browser.receive_rtp(milliseconds(300)));

  params.pbx_send = true;
  params.browser_send = true;
  ASSERT_TRUE(c.fixture.configure(c.info.id, params).ok());
  c.browser.send_rtp(opus_packet(2, 1920, 2));
  EXPECT_TRUE(c.pbx.receive(milliseconds(2000)));
  from_pbx.sequence = 51;
  c.pbx.send_to(from_pbx.serialize(), c.info.pbx_port);
  EXPECT_TRUE(c.browser.receive_rtp(milliseconds(2000)));
}

TEST(BridgePassthrough, PbxPacketsOfOtherPayloadTypesAreDropped) {
  BridgedCall c;
  c.connect(bridge_params(c.browser, BridgeCodec::kOpus, c.pbx.port()));
  RtpPacket junk = opus_packet(1, 1, 1);
  junk.payload_type = 13;  // CN: not negotiated
  c.pbx.send_to(junk.serialize(), c.info.pbx_port);
  c.pbx.send_to({1, 2, 3}, c.info.pbx_port);  // not RTP
  EXPECT_FALSE(c.browser.receive_rtp(milliseconds(300)));
}

TEST(BridgePassthrough, BrowserHeaderExtensionsDoNotReachThePbx) {
  BridgedCall c;
  c.connect(bridge_params(c.browser, BridgeCodec::kOpus, c.pbx.port()));
  RtpPacket p = opus_packet(1, 960, 7);
  p.extension = {0x10, 0xAB, 0x22, 0x01, 0x02, 0x03};  // mid "\xAB", abs-send-time
  c.browser.send_rtp(p);
  auto d = c.pbx.receive(milliseconds(2000));
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)[0] & 0x10, 0);  // no X bit
  auto at_pbx = RtpPacket::parse(d->data(), d->size());
  ASSERT_TRUE(at_pbx);
  EXPECT_EQ(d->size(), 12 + p.payload.size());
  EXPECT_EQ(at_pbx->payload, p.payload);
}

TEST(BridgePassthrough, TelephoneEventsChangePayloadTypeAndClock) {
  BridgedCall c;
  BridgeParams params = bridge_params(c.browser, BridgeCodec::kOpus, c.pbx.port());
  params.pbx_dtmf_clock_rate = 8000;  // a PBX with telephone-event/8000 beside Opus
  c.connect(params);
  RtpPacket e = opus_packet(1, 960, 0);
  e.payload_type = 126;
  e.marker = true;
  e.payload.resize(4);
  rtp::TelephoneEvent{9, false, 10, 1920}.write(e.payload);
  c.browser.send_rtp(e);
  auto d = c.pbx.receive(milliseconds(2000));
  ASSERT_TRUE(d);
  auto at_pbx = RtpPacket::parse(d->data(), d->size());
  EXPECT_EQ(at_pbx->payload_type, 101);
  EXPECT_TRUE(at_pbx->marker);
  EXPECT_EQ(rtp::TelephoneEvent::parse(at_pbx->payload)->duration, 320);

  RtpPacket q = opus_packet(5, 100, 0);
  q.payload_type = 101;
  q.payload.resize(4);
  rtp::TelephoneEvent{4, true, 10, 400}.write(q.payload);
  c.pbx.send_to(q.serialize(), c.info.pbx_port);
  auto r = c.browser.receive_rtp(milliseconds(2000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->payload_type, 126);
  auto be = rtp::TelephoneEvent::parse(r->payload);
  EXPECT_EQ(be->event, 4);
  EXPECT_TRUE(be->end);
  EXPECT_EQ(be->duration, 2400);
}

TEST(BridgePassthrough, GeneratedDigitKeepsOneSequenceWithTheAudio) {
  BridgedCall c;
  c.connect(bridge_params(c.browser, BridgeCodec::kOpus, c.pbx.port()));
  std::vector<RtpPacket> at_pbx;
  auto collect = [&](milliseconds wait) {
    while (auto d = c.pbx.receive(wait)) at_pbx.push_back(*RtpPacket::parse(d->data(), d->size()));
  };
  for (uint16_t i = 0; i < 3; ++i) c.browser.send_rtp(opus_packet(i, 960u * i, 1));
  collect(milliseconds(200));
  c.fixture.worker().send_dtmf(c.info.id, '*', milliseconds(60));
  collect(milliseconds(400));
  for (uint16_t i = 3; i < 6; ++i) c.browser.send_rtp(opus_packet(i, 960u * i, 1));
  collect(milliseconds(200));
  ASSERT_EQ(at_pbx.size(), 12u);  // 3 audio, 3 updates + end x3, 3 audio
  for (size_t i = 1; i < at_pbx.size(); ++i) {
    EXPECT_EQ(static_cast<uint16_t>(at_pbx[i].sequence - at_pbx[i - 1].sequence), 1) << i;
    EXPECT_EQ(at_pbx[i].ssrc, at_pbx[0].ssrc);
  }
  EXPECT_EQ(at_pbx[3].payload_type, 101);
  EXPECT_TRUE(at_pbx[3].marker);
  EXPECT_EQ(rtp::TelephoneEvent::parse(at_pbx[3].payload)->event, 10);
  // The event starts after the audio before it and the audio after it continues past the event.
  EXPECT_GT(at_pbx[3].timestamp - at_pbx[2].timestamp, 0u);
  EXPECT_LT(at_pbx[3].timestamp - at_pbx[2].timestamp, 0x80000000u);
  EXPECT_GT(at_pbx[9].timestamp - at_pbx[8].timestamp, 0u);
  EXPECT_LT(at_pbx[9].timestamp - at_pbx[8].timestamp, 0x80000000u);
  EXPECT_EQ(at_pbx[9].payload_type, 107);
}

// Regression (e2e call-control): browser audio arriving between the end repeats moved them to new
// timestamps, and the PBX counted every repeat as another digit ("***" for "*").
TEST(BridgePassthrough, GeneratedDigitKeepsItsTimestampWhileTheBrowserTalks) {
  BridgedCall c;
  c.connect(bridge_params(c.browser, BridgeCodec::kOpus, c.pbx.port()));
  std::vector<RtpPacket> at_pbx;
  c.fixture.worker().send_dtmf(c.info.id, '*', milliseconds(60));
  // A browser packet every ~10 ms, so some arrive between the end repeats (20 ms apart).
  for (uint16_t i = 0; i < 40; ++i) {
    c.browser.send_rtp(opus_packet(i, 480u * i, 1));
    const auto until = std::chrono::steady_clock::now() + milliseconds(10);
    while (std::chrono::steady_clock::now() < until) {
      if (auto d = c.pbx.receive(milliseconds(2))) {
        at_pbx.push_back(*RtpPacket::parse(d->data(), d->size()));
      }
    }
  }
  while (auto d = c.pbx.receive(milliseconds(50))) {
    at_pbx.push_back(*RtpPacket::parse(d->data(), d->size()));
  }
  std::vector<RtpPacket> events;
  for (const auto& p : at_pbx) {
    if (p.payload_type == 101) events.push_back(p);
  }
  ASSERT_EQ(events.size(), 6u);  // 3 updates + end x3
  size_t ends = 0;
  for (const auto& e : events) {
    EXPECT_EQ(e.timestamp, events.front().timestamp);
    ends += rtp::TelephoneEvent::parse(e.payload)->end ? 1 : 0;
  }
  EXPECT_EQ(ends, 3u);
}

TEST(BridgePassthrough, WorksWithUsAsTheDtlsClient) {
  BridgedCall c;
  TestBrowser server(dtls::Role::kServer);  // the browser answered setup:passive
  BridgeParams params = bridge_params(server, BridgeCodec::kOpus, c.pbx.port());
  params.dtls_client = true;
  auto info = c.fixture.allocate();
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(c.fixture.configure(info->id, params).ok());
  server.start(*info);
  ASSERT_TRUE(server.wait_connected(milliseconds(5000)));
  server.send_rtp(opus_packet(1, 960, 3));
  EXPECT_TRUE(c.pbx.receive(milliseconds(2000)));
  RtpPacket from_pbx = opus_packet(50, 100, 9);
  from_pbx.payload_type = 107;
  c.pbx.send_to(from_pbx.serialize(), info->pbx_port);
  EXPECT_TRUE(server.receive_rtp(milliseconds(2000)));
}

TEST(BridgePassthrough, NewBrowserFingerprintMeansANewHandshake) {
  BridgedCall c;
  c.connect(bridge_params(c.browser, BridgeCodec::kOpus, c.pbx.port()));
  c.browser.send_rtp(opus_packet(1, 960, 1));
  ASSERT_TRUE(c.pbx.receive(milliseconds(2000)));
  // A re-offer with a new certificate (RFC 5763 §5), from a new address.
  TestBrowser renewed;
  ASSERT_TRUE(
      c.fixture.configure(c.info.id, bridge_params(renewed, BridgeCodec::kOpus, c.pbx.port()))
          .ok());
  renewed.start(c.info);
  ASSERT_TRUE(renewed.wait_connected(milliseconds(5000)));
  renewed.send_rtp(opus_packet(2, 1920, 2));
  EXPECT_TRUE(c.pbx.receive(milliseconds(2000)));
}

}  // namespace
}  // namespace tandem::media::test
