// Call bridge set-up: port exhaustion is a clear error; an inbound call's allocate-then-configure
// with the browser's fingerprint arriving after its ClientHello still connects; a wrong fingerprint
// fails the session and fires the ended notification; the PBX leg reports by RTCP; and the bridge
// packet path allocates nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "bridge_harness.hpp"
#include "codec/opus_codec.hpp"
#include "codec/tone_generator.hpp"
#include "common/byte_io.hpp"
#include "support/allocation_counter.hpp"

namespace tandem::media::test {
namespace {

using std::chrono::milliseconds;

RtpPacket opus_packet(uint16_t seq) {
  RtpPacket p;
  p.payload_type = 111;
  p.sequence = seq;
  p.timestamp = 960u * seq;
  p.ssrc = 0x5150;
  p.payload = {1, 2, 3, 4, 5, 6, 7, 8};
  return p;
}

TEST(BridgeSetup, PortExhaustionIsAClearError) {
  const PortRange pair = free_port_pair();
  WorkerFixture fixture(pair);  // one pair
  auto first = fixture.allocate();
  ASSERT_TRUE(first.ok()) << first.error().reason;
  EXPECT_EQ(first->pbx_port, pair.first);
  auto second = fixture.allocate();
  ASSERT_FALSE(second.ok());
  const std::string range = std::to_string(pair.first) + "-" + std::to_string(pair.last);
  EXPECT_NE(second.error().reason.find("no free RTP port pair in " + range), std::string::npos)
      << second.error().reason;
  fixture.worker().release_bridge(first->id);
  auto third = fixture.allocate();  // the released pair is free again
  EXPECT_TRUE(third.ok());
}

TEST(BridgeSetup, PortSlicesOfWorkersAreDisjoint) {
  auto a = rtp_port_slice(20001, 20100, 0, 3);
  auto b = rtp_port_slice(20001, 20100, 1, 3);
  auto c = rtp_port_slice(20001, 20100, 2, 3);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->first, 20002);
  EXPECT_EQ(a->first % 2, 0);
  EXPECT_EQ(b->first, a->last + 1);
  EXPECT_EQ(c->first, b->last + 1);
  EXPECT_LE(c->last, 20100);
  EXPECT_EQ(a->pairs(), c->pairs());
  EXPECT_FALSE(rtp_port_slice(20000, 20003, 0, 3).ok());  // 2 pairs for 3 workers
  EXPECT_FALSE(rtp_port_slice(20010, 20000, 0, 1).ok());
}

TEST(BridgeSetup, FingerprintArrivingAfterTheClientHelloStillConnects) {
  WorkerFixture fixture;
  TestBrowser browser;
  TestSocket pbx;
  auto info = fixture.allocate();  // inbound call: we offer before the browser has answered
  ASSERT_TRUE(info.ok());
  browser.start(*info);  // ICE check + ClientHello before the answer reaches the worker
  EXPECT_FALSE(browser.wait_connected(milliseconds(300)));
  ASSERT_TRUE(
      fixture.configure(info->id, bridge_params(browser, BridgeCodec::kOpus, pbx.port())).ok());
  ASSERT_TRUE(browser.wait_connected(milliseconds(3000)));  // the kept ClientHello: no 1 s retry
  browser.send_rtp(opus_packet(1));
  EXPECT_TRUE(pbx.receive(milliseconds(2000)));
}

TEST(BridgeSetup, WrongFingerprintFailsTheSessionAndFiresEnded) {
  WorkerFixture fixture;
  TestBrowser browser;
  TestBrowser other;
  TestSocket pbx;
  std::optional<std::pair<SessionId, std::string>> ended;
  fixture.worker().set_ended_handler(
      fixture.io().get_executor(),
      [&ended](SessionId id, std::string reason) { ended.emplace(id, std::move(reason)); });
  auto info = fixture.allocate();
  ASSERT_TRUE(info.ok());
  browser.start(*info);
  // The answer carries another certificate's fingerprint than the one the browser presents.
  ASSERT_TRUE(
      fixture.configure(info->id, bridge_params(other, BridgeCodec::kOpus, pbx.port())).ok());
  EXPECT_FALSE(browser.wait_connected(milliseconds(1000)));
  fixture.run_until([&] { return ended.has_value(); }, std::chrono::seconds(5));
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->first, info->id);
  EXPECT_NE(ended->second.find("fingerprint"), std::string::npos) << ended->second;
  // The session is gone: configuring it again fails.
  EXPECT_FALSE(
      fixture.configure(info->id, bridge_params(browser, BridgeCodec::kOpus, pbx.port())).ok());
}

TEST(BridgeSetup, BrowserClosingDtlsFiresEndedAndFreesThePorts) {
  const PortRange pair = free_port_pair();
  WorkerFixture fixture(pair);
  TestBrowser browser;
  TestSocket pbx;
  std::optional<std::pair<SessionId, std::string>> ended;
  fixture.worker().set_ended_handler(
      fixture.io().get_executor(),
      [&ended](SessionId id, std::string reason) { ended.emplace(id, std::move(reason)); });
  auto info = fixture.allocate();
  ASSERT_TRUE(info.ok());
  browser.start(*info);
  ASSERT_TRUE(
      fixture.configure(info->id, bridge_params(browser, BridgeCodec::kPcma, pbx.port())).ok());
  ASSERT_TRUE(browser.wait_connected(milliseconds(3000)));
  browser.close();
  fixture.run_until([&] { return ended.has_value(); }, std::chrono::seconds(5));
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->first, info->id);
  EXPECT_EQ(ended->second, "DTLS closed by the browser");
  EXPECT_TRUE(fixture.allocate().ok());  // the one port pair is free again
}

TEST(BridgeSetup, ConfigureRejectsBadInput) {
  WorkerFixture fixture;
  TestBrowser browser;
  auto info = fixture.allocate();
  ASSERT_TRUE(info.ok());
  BridgeParams params = bridge_params(browser, BridgeCodec::kOpus, 40000);
  params.pbx_address = "not-an-address";
  EXPECT_FALSE(fixture.configure(info->id, params).ok());
  params = bridge_params(browser, BridgeCodec::kOpus, 40000);
  params.pbx_address = "::1";  // our SIP-side media address is IPv4
  EXPECT_FALSE(fixture.configure(info->id, params).ok());
  params = bridge_params(browser, BridgeCodec::kOpus, 0);
  EXPECT_FALSE(fixture.configure(info->id, params).ok());
  params = bridge_params(browser, BridgeCodec::kOpus, 40000);
  params.remote_fingerprint.clear();
  EXPECT_FALSE(fixture.configure(info->id, params).ok());
  EXPECT_FALSE(fixture.configure(info->id + 100, params).ok());
}

TEST(BridgeSetup, PbxLegSendsRtcpReports) {
  BridgedCall c;
  TestSocket pbx_rtcp(static_cast<uint16_t>(c.pbx.port() + 1));
  c.connect(BridgeCodec::kOpus);
  c.browser.send_rtp(opus_packet(1));
  ASSERT_TRUE(c.pbx.receive(milliseconds(2000)));
  auto report = pbx_rtcp.receive(milliseconds(7000));  // every 5 s
  ASSERT_TRUE(report);
  ASSERT_GE(report->size(), 28u);
  EXPECT_EQ((*report)[1], 200);  // SR: we have sent
  // The PBX answers with an RR about our stream (LSR from our SR): terminated here, and it gives
  // us the round trip.
  std::vector<uint8_t> rr(32, 0);
  rr[0] = 0x81;
  rr[1] = 201;
  rr[3] = 7;  // length in words - 1
  store_be32(&rr[4], 0x0BBB0BBB);
  std::copy(report->begin() + 4, report->begin() + 8, rr.begin() + 8);     // SSRC of our SR
  std::copy(report->begin() + 10, report->begin() + 14, rr.begin() + 24);  // LSR
  pbx_rtcp.send_to(rr, static_cast<uint16_t>(c.info.pbx_port + 1));
  std::optional<BridgeStats> stats;
  c.fixture.run_until(
      [&] {
        stats = c.fixture.bridge_stats(c.info.id);
        return stats && stats->pbx_rtcp_received == 1;
      },
      std::chrono::seconds(3));
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->pbx_rtcp_received, 1u);
  EXPECT_GE(stats->pbx_rtcp_sent, 1u);
  EXPECT_TRUE(stats->pbx_rtt_ms.has_value());
}

TEST(BridgeSetup, BridgePathAllocatesNothing) {
  if (!tandem::test::malloc_counting_available()) GTEST_SKIP() << "no malloc counting here";
  BridgedCall c;
  c.connect(BridgeCodec::kPcmu);
  // Real Opus packets, protected by libsrtp2 up front so that the test thread allocates nothing
  // while the worker decrypts, transcodes and sends them (and the PBX's G.711 back).
  codec::OpusEncoderConfig config;
  auto encoder = codec::OpusAudioEncoder::create(config).value();
  auto tone = codec::ToneGenerator::create(1000, 48000, 0.5).value();
  std::vector<std::vector<uint8_t>> wire;
  for (uint16_t i = 0; i < 100; ++i) {
    std::vector<int16_t> pcm(960);
    tone.generate(pcm);
    std::vector<uint8_t> out(codec::kOpusMaxPacketSize);
    RtpPacket p = opus_packet(i);
    p.payload.assign(out.begin(), out.begin() + static_cast<long>(*encoder.encode(pcm, out)));
    wire.push_back(c.browser.protect(p));
  }
  std::vector<std::vector<uint8_t>> from_pbx;
  for (uint16_t i = 0; i < 100; ++i) {
    RtpPacket p;
    p.payload_type = 0;
    p.sequence = i;
    p.timestamp = 160u * i;
    p.payload.assign(160, static_cast<uint8_t>(0x10 + i % 64));
    from_pbx.push_back(p.serialize());
  }
  auto run = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      c.browser.send_raw(wire[i]);
      c.pbx.send_to(from_pbx[i], c.info.pbx_port);
      std::this_thread::sleep_for(milliseconds(2));
    }
    std::this_thread::sleep_for(milliseconds(200));
  };
  run(0, 30);  // warm-up: asio's handler memory, the first packets' one-time set-up
  const long before = tandem::test::malloc_calls();
  run(30, 100);
  const long after = tandem::test::malloc_calls();
  EXPECT_EQ(after - before, 0);
  size_t received = 0;
  while (c.pbx.receive(milliseconds(100))) ++received;
  EXPECT_GE(received, 95u);  // the bridge really worked during the measurement
}

}  // namespace
}  // namespace tandem::media::test
