// WorkerMediaPlane over two real media workers: placement, the allocation's transports, a whole
// call's media (browser DTLS-SRTP by libsrtp2, PBX on a UDP socket), send_dtmf, release, and the
// ended notification when the browser's certificate does not match.
#include "gateway/worker_media_plane.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "rtp/telephone_event.hpp"
#include "unit/media/bridge_harness.hpp"

namespace tandem::gateway {
namespace {

using media::test::RtpPacket;
using media::test::TestBrowser;
using media::test::TestSocket;
using std::chrono::milliseconds;

class WorkerMediaPlaneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (uint32_t i = 0; i < 2; ++i) {
      media::MediaWorkerConfig config;
      config.index = i;
      config.port = 0;
      config.pbx_ports = media::rtp_port_slice(41200, 41279, i, 2).value();
      auto worker = media::MediaWorker::create(config, certificate_);
      ASSERT_TRUE(worker.ok());
      workers_.push_back(std::move(worker.value()));
      workers_.back()->start();
    }
    plane_ = std::make_unique<WorkerMediaPlane>(
        std::vector<media::MediaWorker*>{workers_[0].get(), workers_[1].get()}, io_.get_executor());
    plane_->set_ended_handler([this](const MediaEnded& e) { ended_.push_back(e); });
  }
  void TearDown() override {
    plane_.reset();
    for (auto& w : workers_) w->stop();
  }

  template <typename F>
  void run_until(F&& done, milliseconds timeout = milliseconds(5000)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < end) io_.run_one_for(milliseconds(10));
  }
  MediaAllocation allocate() {
    std::optional<Result<MediaAllocation>> out;
    plane_->allocate([&out](Result<MediaAllocation> r) { out = std::move(r); });
    run_until([&] { return out.has_value(); });
    EXPECT_TRUE(out && out->ok());
    return out && out->ok() ? out->value() : MediaAllocation{};
  }
  Status configure(MediaId id, const BridgeMode& mode) {
    std::optional<Status> out;
    plane_->configure(id, mode, [&out](Status s) { out = std::move(s); });
    run_until([&] { return out.has_value(); });
    return out ? *out : Status(Error{"no reply"});
  }
  static media::BridgeInfo info_of(const MediaAllocation& a) {
    media::BridgeInfo info;
    info.local_ufrag = a.browser.ufrag;
    info.local_pwd = a.browser.pwd;
    info.fingerprint_sha256 = a.browser.fingerprint_sha256;
    info.candidates.push_back(
        *ice::Endpoint::parse(a.browser.address + ":" + std::to_string(a.browser.port)));
    return info;
  }
  static BridgeMode mode_for(const TestBrowser& browser, uint16_t pbx_port) {
    BridgeMode mode;
    mode.pbx_codec = PbxCodec::kPcmu;
    mode.pbx_pt = 0;
    mode.browser_pt = 111;
    mode.browser_dtmf_pt = 126;
    mode.pbx_dtmf_pt = 101;
    mode.pbx_address = "127.0.0.1";
    mode.pbx_port = pbx_port;
    mode.remote_ufrag = "brws";
    mode.remote_pwd = "browserpasswordbrowserp";
    mode.remote_fingerprint_alg = "sha-256";
    mode.remote_fingerprint = browser.fingerprint();
    return mode;
  }

  dtls::DtlsCertificate certificate_ = dtls::DtlsCertificate::generate("plane-test").value();
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_ =
      boost::asio::make_work_guard(io_);
  std::vector<std::unique_ptr<media::MediaWorker>> workers_;
  std::unique_ptr<WorkerMediaPlane> plane_;
  std::vector<MediaEnded> ended_;
};

TEST_F(WorkerMediaPlaneTest, PlacesCallsOnTheLeastLoadedWorkerWithTheirTransports) {
  const MediaAllocation a = allocate();
  const MediaAllocation b = allocate();
  EXPECT_NE(a.id, b.id);
  // One per worker: their PBX ports come from the two disjoint slices.
  EXPECT_NE(a.pbx.port < 41240, b.pbx.port < 41240);
  for (const MediaAllocation* m : {&a, &b}) {
    EXPECT_GE(m->pbx.port, 41200);
    EXPECT_LE(m->pbx.port, 41278);
    EXPECT_EQ(m->pbx.port % 2, 0);
    EXPECT_EQ(m->pbx.address, "127.0.0.1");
    EXPECT_EQ(m->pbx.address_type, "IP4");
    EXPECT_FALSE(m->browser.ufrag.empty());
    EXPECT_GE(m->browser.pwd.size(), 22u);
    EXPECT_EQ(m->browser.fingerprint_sha256, certificate_.fingerprint_sha256());
    ASSERT_EQ(m->browser.candidates.size(), 1u);
    EXPECT_EQ(m->browser.candidates[0].address, "127.0.0.1");
    EXPECT_EQ(m->browser.candidates[0].port, m->browser.port);
    EXPECT_EQ(m->browser.address, "127.0.0.1");
  }
  EXPECT_EQ(plane_->calls(), 2u);
  plane_->release(a.id);
  plane_->release(a.id);  // unknown now: ignored
  EXPECT_EQ(plane_->calls(), 1u);
  EXPECT_FALSE(configure(a.id, BridgeMode{}).ok());
}

TEST_F(WorkerMediaPlaneTest, BridgesACallAndSendsDtmf) {
  TestBrowser browser;
  TestSocket pbx;
  const MediaAllocation a = allocate();
  EXPECT_FALSE(plane_->send_dtmf(a.id, '1', milliseconds(100)));  // not configured yet
  browser.start(info_of(a));
  ASSERT_TRUE(configure(a.id, mode_for(browser, pbx.port())).ok());
  ASSERT_TRUE(browser.wait_connected(milliseconds(3000)));

  RtpPacket from_pbx;
  from_pbx.payload_type = 0;
  from_pbx.payload.assign(160, 0xFF);
  pbx.send_to(from_pbx.serialize(), a.pbx.port);
  auto r = browser.receive_rtp(milliseconds(2000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->payload_type, 111);

  EXPECT_FALSE(plane_->send_dtmf(a.id, 'x', milliseconds(100)));
  EXPECT_TRUE(plane_->send_dtmf(a.id, '#', milliseconds(60)));
  size_t events = 0;
  while (auto d = pbx.receive(milliseconds(500))) {
    auto p = RtpPacket::parse(d->data(), d->size());
    if (!p || p->payload_type != 101) continue;
    ++events;
    EXPECT_EQ(rtp::TelephoneEvent::parse(p->payload)->event, 11);
  }
  EXPECT_EQ(events, 6u);  // 3 updates + end x3

  BridgeMode no_dtmf = mode_for(browser, pbx.port());
  no_dtmf.pbx_dtmf_pt.reset();
  ASSERT_TRUE(configure(a.id, no_dtmf).ok());
  EXPECT_FALSE(plane_->send_dtmf(a.id, '1', milliseconds(100)));  // the caller relays INFO
  plane_->release(a.id);
  EXPECT_TRUE(ended_.empty());
}

TEST_F(WorkerMediaPlaneTest, WrongBrowserCertificateEndsTheCall) {
  TestBrowser browser;
  TestBrowser impostor;
  TestSocket pbx;
  const MediaAllocation a = allocate();
  browser.start(info_of(a));
  ASSERT_TRUE(configure(a.id, mode_for(impostor, pbx.port())).ok());
  EXPECT_FALSE(browser.wait_connected(milliseconds(1000)));  // the handshake reaches the check
  run_until([&] { return !ended_.empty(); });
  ASSERT_EQ(ended_.size(), 1u);
  EXPECT_EQ(ended_[0].id, a.id);
  EXPECT_NE(ended_[0].reason.find("fingerprint"), std::string::npos) << ended_[0].reason;
  EXPECT_EQ(plane_->calls(), 0u);
}

TEST(ToBridgeParams, CarriesTheModeAcross) {
  BridgeMode mode;
  mode.pbx_codec = PbxCodec::kPcma;
  mode.pbx_pt = 8;
  mode.pbx_dtmf_pt = 101;
  mode.browser_direction = sdp::Direction::kRecvOnly;
  mode.pbx_direction = sdp::Direction::kSendOnly;
  mode.local_setup = sdp::Setup::kActive;
  mode.pbx_address = "192.0.2.1";
  mode.pbx_port = 30000;
  const media::BridgeParams p = to_bridge_params(mode);
  EXPECT_EQ(p.pbx_codec, media::BridgeCodec::kPcma);
  EXPECT_EQ(p.pbx_pt, 8);
  EXPECT_EQ(p.pbx_dtmf_pt, 101);
  EXPECT_FALSE(p.browser_send);
  EXPECT_TRUE(p.pbx_send);
  EXPECT_TRUE(p.dtls_client);
  EXPECT_EQ(p.pbx_address, "192.0.2.1");
  EXPECT_EQ(p.pbx_port, 30000);
}

}  // namespace
}  // namespace tandem::gateway
