// The service endpoint on real loopback sockets against a peer written here. The received tone
// is decoded by third-party decoders (spandsp's G.711, libopus's C API) and measured; the echo's
// payloads must come back unchanged; digits are reported once per press.
#include "service_media/service_media_endpoint.hpp"

#include <gtest/gtest.h>
#include <opus/opus.h>

#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "codec/tone_analyzer.hpp"
#include "common/byte_io.hpp"
#include "rtp/telephone_event.hpp"
#include "support/allocation_counter.hpp"

// clang-format off
extern "C" {
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>
}
// clang-format on

namespace tandem::pbx {
namespace {

using boost::asio::ip::udp;
using namespace std::chrono_literals;

struct Received {
  std::vector<uint8_t> bytes;
  udp::endpoint from;
  uint8_t pt() const { return bytes[1] & 0x7F; }
  bool marker() const { return (bytes[1] & 0x80) != 0; }
  uint16_t seq() const { return load_be16(&bytes[2]); }
  uint32_t ts() const { return load_be32(&bytes[4]); }
  uint32_t ssrc() const { return load_be32(&bytes[8]); }
  std::span<const uint8_t> payload() const { return std::span(bytes).subspan(12); }
};

// The far end: a plain UDP socket on 127.0.0.1, polled while the io_context runs.
class Peer {
 public:
  explicit Peer(boost::asio::io_context& io) : socket_(io, udp::endpoint(localhost(), 0)) {
    socket_.non_blocking(true);
  }
  static boost::asio::ip::address localhost() { return boost::asio::ip::make_address("127.0.0.1"); }
  uint16_t port() const { return socket_.local_endpoint().port(); }

  void send_rtp(uint16_t to_port, uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
                std::span<const uint8_t> payload, bool marker = false) {
    std::vector<uint8_t> p(12);
    p[0] = 0x80;
    p[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | pt);
    store_be16(&p[2], seq);
    store_be32(&p[4], ts);
    store_be32(&p[8], ssrc);
    p.insert(p.end(), payload.begin(), payload.end());
    socket_.send_to(boost::asio::buffer(p), udp::endpoint(localhost(), to_port));
  }
  void send_raw(uint16_t to_port, std::span<const uint8_t> bytes) {
    socket_.send_to(boost::asio::buffer(bytes.data(), bytes.size()),
                    udp::endpoint(localhost(), to_port));
  }
  void drain() {
    std::array<uint8_t, 2048> buf{};
    udp::endpoint from;
    boost::system::error_code ec;
    for (;;) {
      const size_t n = socket_.receive_from(boost::asio::buffer(buf), from, 0, ec);
      if (ec) return;
      received.push_back(Received{std::vector<uint8_t>(buf.begin(), buf.begin() + n), from});
    }
  }

  std::vector<Received> received;

 private:
  udp::socket socket_;
};

template <typename Pred>
bool run_until(boost::asio::io_context& io, Peer& peer, Pred pred,
               std::chrono::milliseconds timeout = 5s) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    io.run_for(5ms);
    peer.drain();
    if (pred()) return true;
  }
  return false;
}

ServiceMediaPlan plan_for(ServiceCodec codec, uint16_t remote_port) {
  ServiceMediaPlan plan;
  plan.codec = codec;
  plan.payload_type = codec == ServiceCodec::kPcmu ? 0 : codec == ServiceCodec::kPcma ? 8 : 111;
  plan.clock_rate = codec == ServiceCodec::kOpus ? 48000 : 8000;
  plan.telephone_event_pt = 101;
  plan.telephone_event_rate = plan.clock_rate;
  plan.remote_address = "127.0.0.1";
  plan.remote_port = remote_port;
  return plan;
}

std::vector<int16_t> decode_third_party(ServiceCodec codec, const std::vector<Received>& packets) {
  std::vector<int16_t> pcm;
  int err = 0;
  OpusDecoder* opus = codec == ServiceCodec::kOpus ? opus_decoder_create(48000, 1, &err) : nullptr;
  std::vector<int16_t> frame(5760);
  for (const Received& r : packets) {
    for (uint8_t b : r.payload()) {
      if (codec == ServiceCodec::kPcmu) pcm.push_back(ulaw_to_linear(b));
      if (codec == ServiceCodec::kPcma) pcm.push_back(alaw_to_linear(b));
    }
    if (opus != nullptr) {
      const int n =
          opus_decode(opus, r.payload().data(), static_cast<opus_int32>(r.payload().size()),
                      frame.data(), static_cast<int>(frame.size()), 0);
      EXPECT_EQ(n, 960);
      if (n > 0) pcm.insert(pcm.end(), frame.begin(), frame.begin() + n);
    }
  }
  if (opus != nullptr) opus_decoder_destroy(opus);
  return pcm;
}

class ToneCodecs : public testing::TestWithParam<ServiceCodec> {};

TEST_P(ToneCodecs, SendsContinuousThousandHertz) {
  const ServiceCodec codec = GetParam();
  boost::asio::io_context io;
  Peer peer(io);
  ServiceEndpointConfig config;
  config.behaviour = ServiceBehaviour::kTone;
  config.plan = plan_for(codec, peer.port());  // sends to the SDP address before any latch
  auto ep = ServiceMediaEndpoint::create(io, config);
  ASSERT_TRUE(ep.ok()) << ep.error().reason;
  (*ep)->start();
  ASSERT_TRUE(run_until(io, peer, [&] { return peer.received.size() >= 60; }));
  (*ep)->stop();

  const auto& pk = peer.received;
  const uint32_t step = codec == ServiceCodec::kOpus ? 960 : 160;
  EXPECT_TRUE(pk[0].marker());
  for (size_t i = 0; i < pk.size(); ++i) {
    EXPECT_EQ(pk[i].pt(), config.plan.payload_type);
    EXPECT_EQ(pk[i].ssrc(), (*ep)->local_ssrc());
    EXPECT_EQ(pk[i].from.port(), (*ep)->local_port());  // symmetric: sent from our RTP port
    if (i > 0) {
      EXPECT_FALSE(pk[i].marker());
      EXPECT_EQ(static_cast<uint16_t>(pk[i].seq() - pk[i - 1].seq()), 1) << i;
      EXPECT_EQ(pk[i].ts() - pk[i - 1].ts(), step) << i;
    }
    if (codec != ServiceCodec::kOpus) {
      EXPECT_EQ(pk[i].payload().size(), 160u);
    }
  }
  const uint32_t rate = codec == ServiceCodec::kOpus ? 48000 : 8000;
  const auto pcm = decode_third_party(codec, pk);
  ASSERT_GE(pcm.size(), rate);
  // Skip the first 200 ms (Opus encoder start-up); 1 s of stream after that.
  const auto m = codec::measure_tone(std::span(pcm).subspan(rate / 5, rate), rate, 50, 3900);
  EXPECT_GE(m.frequency_hz, 990.0);
  EXPECT_LE(m.frequency_hz, 1010.0);
  EXPECT_NEAR(m.frequency_hz, 1000.0, 0.5);                              // what we actually achieve
  EXPECT_NEAR(20 * std::log10(m.amplitude), 20 * std::log10(0.5), 1.0);  // -6 dBFS peak
  EXPECT_GT(m.purity, 0.95);
  std::printf("tone %s: %zu packets, %.3f Hz, peak %.4f FS, %.2f dBFS rms, purity %.5f\n",
              std::string(to_string(codec)).c_str(), pk.size(), m.frequency_hz, m.amplitude,
              m.rms_dbfs, m.purity);
}

INSTANTIATE_TEST_SUITE_P(Codecs, ToneCodecs,
                         testing::Values(ServiceCodec::kPcmu, ServiceCodec::kPcma,
                                         ServiceCodec::kOpus));

TEST(ServiceMediaEndpoint, ToneLatchesToWhereTheCallerReallySends) {
  boost::asio::io_context io;
  Peer sdp_peer(io);
  Peer real_peer(io);
  ServiceEndpointConfig config;
  config.behaviour = ServiceBehaviour::kTone;
  config.plan = plan_for(ServiceCodec::kPcmu, sdp_peer.port());
  auto ep = ServiceMediaEndpoint::create(io, config);
  ASSERT_TRUE(ep.ok());
  (*ep)->start();
  ASSERT_TRUE(run_until(io, sdp_peer, [&] { return sdp_peer.received.size() >= 3; }));
  // The caller's media actually comes from another address (NAT): the tone follows it.
  const std::array<uint8_t, 160> silence{};
  real_peer.send_rtp((*ep)->local_port(), 0, 1, 0, 0x1234, silence);
  ASSERT_TRUE(run_until(io, real_peer, [&] { return real_peer.received.size() >= 5; }));
  ASSERT_TRUE((*ep)->latched_remote().has_value());
  EXPECT_EQ((*ep)->latched_remote()->port(), real_peer.port());
  sdp_peer.received.clear();
  run_until(
      io, sdp_peer, [] { return false; }, 100ms);
  EXPECT_TRUE(sdp_peer.received.empty());
}

TEST(ServiceMediaEndpoint, EchoReturnsPayloadsUnchangedUnderOwnSsrc) {
  for (ServiceCodec codec : {ServiceCodec::kPcmu, ServiceCodec::kOpus}) {
    boost::asio::io_context io;
    Peer peer(io);
    Peer intruder(io);
    ServiceEndpointConfig config;
    config.behaviour = ServiceBehaviour::kEcho;
    config.plan = plan_for(codec, 0);  // no SDP address: must latch
    auto ep = ServiceMediaEndpoint::create(io, config);
    ASSERT_TRUE(ep.ok());
    (*ep)->start();
    const uint8_t pt = config.plan.payload_type;
    const uint32_t step = codec == ServiceCodec::kOpus ? 960 : 160;
    std::vector<std::vector<uint8_t>> sent;
    for (uint16_t i = 0; i < 20; ++i) {
      std::vector<uint8_t> payload(codec == ServiceCodec::kOpus ? 40 + i : 160);
      for (size_t k = 0; k < payload.size(); ++k) payload[k] = static_cast<uint8_t>(k * 7 + i);
      // Skip seq 10 (lost) to see the gap preserved.
      if (i == 10) continue;
      peer.send_rtp((*ep)->local_port(), pt, static_cast<uint16_t>(65530 + i), 1000 + i * step,
                    0xCAFEF00D, payload, i == 0);
      sent.push_back(payload);
      // Someone else hitting the port after the latch gets nothing.
      if (i == 5) intruder.send_rtp((*ep)->local_port(), pt, 1, 1, 0xBAD, payload);
      io.run_for(1ms);
    }
    // A telephone-event is echoed too; RTCP and junk are not.
    const std::array<uint8_t, 4> ev = {5, 0x8a, 0, 160};
    peer.send_rtp((*ep)->local_port(), 101, 7, 50000, 0xCAFEF00D, ev);
    const std::array<uint8_t, 8> rtcp_bye = {0x81, 203, 0, 1, 0xCA, 0xFE, 0xF0, 0x0D};
    peer.send_raw((*ep)->local_port(), rtcp_bye);
    peer.send_rtp((*ep)->local_port(), 99, 8, 1, 0xCAFEF00D, ev);  // not negotiated
    ASSERT_TRUE(run_until(io, peer, [&] { return peer.received.size() >= sent.size() + 1; }));
    run_until(
        io, intruder, [] { return false; }, 50ms);
    peer.drain();
    ASSERT_EQ(peer.received.size(), sent.size() + 1);
    EXPECT_TRUE(intruder.received.empty());
    for (size_t i = 0; i < sent.size(); ++i) {
      const Received& r = peer.received[i];
      EXPECT_EQ(std::vector<uint8_t>(r.payload().begin(), r.payload().end()), sent[i]) << i;
      EXPECT_EQ(r.pt(), pt);
      EXPECT_EQ(r.ssrc(), (*ep)->local_ssrc());
      EXPECT_NE(r.ssrc(), 0xCAFEF00Du);
      EXPECT_EQ(r.marker(), i == 0);
    }
    // Sequence and timestamp spacing kept, the loss included (10 is missing: 9 → 11).
    EXPECT_EQ(static_cast<uint16_t>(peer.received[9].seq() - peer.received[8].seq()), 1);
    EXPECT_EQ(static_cast<uint16_t>(peer.received[10].seq() - peer.received[9].seq()), 2);
    EXPECT_EQ(peer.received[10].ts() - peer.received[9].ts(), 2 * step);
    EXPECT_EQ(peer.received.back().pt(), 101);
    const auto& st = (*ep)->stats();
    EXPECT_EQ(st.foreign_source, 1u);
    EXPECT_EQ(st.malformed, 1u);
    EXPECT_EQ(st.unknown_payload, 1u);
    (*ep)->stop();
  }
}

TEST(ServiceMediaEndpoint, DtmfReportsRtpAndSipInfoDigits) {
  boost::asio::io_context io;
  Peer peer(io);
  std::string digits;
  std::vector<DigitReport> reports;
  ServiceEndpointConfig config;
  config.behaviour = ServiceBehaviour::kDtmf;
  config.plan = plan_for(ServiceCodec::kPcmu, peer.port());
  auto ep = ServiceMediaEndpoint::create(io, config, [&](const DigitReport& r) {
    digits += r.digit;
    reports.push_back(r);
  });
  ASSERT_TRUE(ep.ok());
  (*ep)->start();
  uint16_t seq = 100;
  auto press = [&](char c, uint32_t ts, bool send_end) {
    const uint8_t code = *rtp::dtmf_event(c);
    for (uint16_t d = 160; d <= 800; d += 160) {
      std::array<uint8_t, 4> p{};
      rtp::TelephoneEvent{code, false, 10, d}.write(p);
      peer.send_rtp((*ep)->local_port(), 101, seq++, ts, 0x77, p, d == 160);
    }
    for (int i = 0; i < 3 && send_end; ++i) {
      std::array<uint8_t, 4> p{};
      rtp::TelephoneEvent{code, true, 10, 960}.write(p);
      peer.send_rtp((*ep)->local_port(), 101, seq, ts, 0x77, p);
    }
    ++seq;
  };
  press('1', 8000, true);
  press('#', 16000, true);
  press('9', 24000, false);  // end packets lost: reported after the flush delay
  ASSERT_TRUE(run_until(io, peer, [&] { return digits.size() >= 3; }));
  EXPECT_EQ(digits, "1#9");
  EXPECT_EQ(reports[0].duration_ms, 120u);  // 960 ticks at 8 kHz
  EXPECT_EQ(reports[0].source, DigitSource::kRtpEvent);
  EXPECT_TRUE((*ep)->on_sip_info_digit('4', 250));
  EXPECT_EQ(digits, "1#94");
  EXPECT_EQ(reports.back().source, DigitSource::kSipInfo);
  // The DTMF service only listens.
  EXPECT_TRUE(peer.received.empty());
  (*ep)->stop();
}

// Once running, neither the echo path nor the tone path (Opus encoding included) touches the heap:
// counted with a process-wide malloc hook while the endpoint works and the peer only sends.
TEST(ServiceMediaEndpoint, PacketPathsAllocateNothing) {
  if (!test::malloc_counting_available()) GTEST_SKIP() << "no malloc hook";
  for (ServiceBehaviour behaviour : {ServiceBehaviour::kEcho, ServiceBehaviour::kTone}) {
    boost::asio::io_context io;
    Peer peer(io);
    ServiceEndpointConfig config;
    config.behaviour = behaviour;
    config.plan = plan_for(ServiceCodec::kOpus, peer.port());
    auto ep = ServiceMediaEndpoint::create(io, config);
    ASSERT_TRUE(ep.ok());
    (*ep)->start();
    const std::array<uint8_t, 60> payload{};
    // Warm up: the first receive and timer wait allocate Asio's recycled handler memory.
    peer.send_rtp((*ep)->local_port(), 111, 1, 960, 0x42, payload);
    ASSERT_TRUE(run_until(io, peer, [&] { return !peer.received.empty(); }));
    peer.received.clear();
    const long hook_check = test::malloc_calls();
    peer.received.reserve(1000);
    ASSERT_GT(test::malloc_calls(), hook_check);  // the hook does see allocations
    std::array<uint8_t, 72> packet{};
    packet[0] = 0x80;
    packet[1] = 111;
    const long before = test::malloc_calls();
    for (uint16_t i = 2; i < 102; ++i) {
      store_be16(&packet[2], i);
      store_be32(&packet[4], 960u * i);
      store_be32(&packet[8], 0x42);
      peer.send_raw((*ep)->local_port(), packet);
      io.run_for(2ms);
    }
    io.run_for(200ms);
    const long during = test::malloc_calls() - before;
    peer.drain();
    EXPECT_EQ(during, 0) << (behaviour == ServiceBehaviour::kEcho ? "echo" : "tone");
    EXPECT_GE(peer.received.size(), behaviour == ServiceBehaviour::kEcho ? 100u : 10u);
    (*ep)->stop();
  }
}

TEST(ServiceMediaEndpoint, PortRange) {
  boost::asio::io_context io;
  // Find two free adjacent even ports by letting the OS pick, then use that small range.
  udp::socket probe(io, udp::endpoint(Peer::localhost(), 0));
  uint16_t base = probe.local_endpoint().port() & ~1;
  probe.close();
  ServiceEndpointConfig config;
  config.plan = plan_for(ServiceCodec::kPcmu, 0);
  config.port_min = base;
  config.port_max = static_cast<uint16_t>(base + 3);
  auto a = ServiceMediaEndpoint::create(io, config);
  auto b = ServiceMediaEndpoint::create(io, config);
  if (!a.ok() || !b.ok()) GTEST_SKIP() << "ports " << base << "-" << base + 3 << " in use";
  EXPECT_NE((*a)->local_port(), (*b)->local_port());
  for (auto* ep : {&a, &b}) {
    const uint16_t port = (**ep)->local_port();
    EXPECT_EQ(port % 2, 0);
    EXPECT_GE(port, config.port_min);
    EXPECT_LE(port, config.port_max);
  }
  auto c = ServiceMediaEndpoint::create(io, config);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().reason.find("no free UDP port"), std::string::npos);
  config.port_min = 10;
  config.port_max = 5;
  EXPECT_FALSE(ServiceMediaEndpoint::create(io, config).ok());
}

}  // namespace
}  // namespace tandem::pbx
