#include "media/call_bridge.hpp"

#include <openssl/rand.h>

#include <utility>

#include "codec/transcoder.hpp"

namespace tandem::media {

namespace {

uint32_t random_u32() noexcept {
  uint32_t v = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) v = 0x2f6b1c3d;
  return v;
}

uint32_t pbx_clock_rate(BridgeCodec codec) noexcept {
  return codec == BridgeCodec::kOpus ? codec::kOpusRtpClockRate : codec::kG711RtpClockRate;
}

rtp::SeqTsRewriter make_rewriter(uint32_t ssrc, uint32_t clock_rate) noexcept {
  // RFC 3550 §5.1: random initial sequence number and timestamp.
  return rtp::SeqTsRewriter(ssrc, static_cast<uint16_t>(random_u32()), random_u32(), clock_rate);
}

// The payload-related part of a negotiation: a change needs a new audio path.
bool same_path(const BridgeParams& a, const BridgeParams& b) noexcept {
  return a.pbx_codec == b.pbx_codec && a.browser_pt == b.browser_pt && a.pbx_pt == b.pbx_pt &&
         a.browser_dtmf_pt == b.browser_dtmf_pt && a.pbx_dtmf_pt == b.pbx_dtmf_pt &&
         a.browser_dtmf_clock_rate == b.browser_dtmf_clock_rate &&
         a.pbx_dtmf_clock_rate == b.pbx_dtmf_clock_rate;
}

}  // namespace

CallBridge::CallBridge(WebRtcTransport& browser, RtpSocketPair pbx_sockets, Ssrcs ssrcs,
                       const rtp::NtpClock& clock)
    : browser_(browser),
      pbx_(std::move(pbx_sockets), ssrcs.pbx, clock),
      ssrcs_(ssrcs),
      to_pbx_(make_rewriter(ssrcs.pbx, codec::kG711RtpClockRate)),
      to_browser_(make_rewriter(ssrcs.browser, codec::kOpusRtpClockRate)) {
  browser_.set_rtp_handler(this);
}

CallBridge::~CallBridge() {
  browser_.set_rtp_handler(nullptr);
  pbx_.close();
}

Status CallBridge::configure(const BridgeParams& params, TimePoint now) {
  SessionParams browser;
  browser.remote_ufrag = params.remote_ufrag;
  browser.remote_pwd = params.remote_pwd;
  browser.remote_fingerprint_alg = params.remote_fingerprint_alg;
  browser.remote_fingerprint = params.remote_fingerprint;
  browser.cname = params.cname;
  StreamParams audio;
  audio.mid = "0";
  audio.payload_types.push_back(params.browser_pt);
  if (params.browser_dtmf_pt) audio.payload_types.push_back(*params.browser_dtmf_pt);
  audio.local_ssrc = ssrcs_.browser;
  audio.echo = false;
  browser.streams.push_back(std::move(audio));
  const auto role = params.dtls_client ? dtls::Role::kClient : dtls::Role::kServer;
  if (auto s = browser_.configure_bridge(browser, role, now); !s) return s.error();
  const uint32_t clock_rate = pbx_clock_rate(params.pbx_codec);
  if (auto s = pbx_.set_remote(params.pbx_address, params.pbx_port, clock_rate); !s) {
    return s.error();
  }
  pbx_.set_cname(params.cname);
  if (path_ == nullptr || !same_path(params, params_)) {
    auto path = make_audio_path(params, *this);
    if (!path) return path.error();
    // The PBX leg's clock follows its codec; the SSRC stays.
    if (path_ == nullptr || params.pbx_codec != params_.pbx_codec) {
      to_pbx_ = make_rewriter(ssrcs_.pbx, clock_rate);
    }
    to_pbx_.reset_source();
    to_browser_.reset_source();
    path_ = std::move(path.value());
  }
  params_ = params;
  return Ok{};
}

bool CallBridge::send_dtmf(char digit, Duration duration) noexcept {
  const auto event = rtp::dtmf_event(digit);
  if (!event || !params_.pbx_dtmf_pt || path_ == nullptr) return false;
  return dtmf_.push(*event, duration, params_.pbx_dtmf_clock_rate);
}

void CallBridge::on_browser_rtp(rtp::RtpPacketView& packet, TimePoint now) noexcept {
  ++counters_.browser_rtp_in;
  if (path_ == nullptr) return;
  const uint8_t pt = packet.payload_type();
  if (pt == params_.browser_pt) {
    path_->browser_audio(packet, now);
  } else if (params_.browser_dtmf_pt && pt == *params_.browser_dtmf_pt) {
    path_->browser_event(packet, now);
  }
}

void CallBridge::on_pbx_rtp(std::span<uint8_t> buffer, size_t length,
                            const boost::asio::ip::udp::endpoint& from, TimePoint now) noexcept {
  auto view = rtp::RtpPacketView::parse(buffer.first(length));
  if (!view || path_ == nullptr) {
    pbx_.on_dropped();
    return;
  }
  const uint8_t pt = view->payload_type();
  const bool audio = pt == params_.pbx_pt;
  const bool event = params_.pbx_dtmf_pt && pt == *params_.pbx_dtmf_pt;
  if (!audio && !event) {
    pbx_.on_dropped();
    return;
  }
  pbx_.on_rtp_received(from, view->ssrc(), view->sequence(), view->timestamp(), now);
  if (audio) {
    path_->pbx_audio(buffer, *view, now);
  } else {
    path_->pbx_event(buffer, *view, now);
  }
}

void CallBridge::on_pbx_rtcp(std::span<const uint8_t> datagram,
                             const boost::asio::ip::udp::endpoint& from, TimePoint now) noexcept {
  pbx_.on_rtcp_received(datagram, from, now);
}

void CallBridge::on_tick(TimePoint now) noexcept {
  if (path_ != nullptr && !dtmf_.idle()) {
    if (auto packet = dtmf_.next(now)) {
      path_->pbx_generated_event(packet->event, packet->start, packet->last, now);
      ++counters_.dtmf_generated;
    }
  }
  pbx_.on_tick(now);
}

void CallBridge::to_pbx(rtp::RtpPacketView& packet, TimePoint now) noexcept {
  if (!params_.pbx_send) {
    ++counters_.held;
    return;
  }
  to_pbx_.rewrite(packet, now);
  pbx_.send_rtp(packet.packet(), packet.timestamp(), packet.payload().size(), now);
}

void CallBridge::to_browser(std::span<uint8_t> buffer, rtp::RtpPacketView& packet,
                            TimePoint now) noexcept {
  if (!params_.browser_send) {
    ++counters_.held;
    return;
  }
  to_browser_.rewrite(packet, now);
  if (browser_.send_rtp(buffer, packet, now)) ++counters_.browser_rtp_out;
}

BridgeStats CallBridge::stats() const {
  BridgeStats s;
  s.pbx_codec = params_.pbx_codec;
  s.pbx_port = pbx_.port();
  if (pbx_.destination()) {
    s.pbx_destination = pbx_.destination()->address().to_string() + ":" +
                        std::to_string(pbx_.destination()->port());
  }
  const PbxLegCounters& leg = pbx_.counters();
  s.browser_rtp_in = counters_.browser_rtp_in;
  s.browser_rtp_out = counters_.browser_rtp_out;
  s.pbx_rtp_in = leg.rtp_received;
  s.pbx_rtp_out = leg.rtp_sent;
  s.pbx_dropped = leg.dropped;
  s.pbx_rtcp_received = leg.rtcp_received;
  s.pbx_rtcp_sent = leg.rtcp_sent;
  s.pbx_latches = leg.latches;
  s.held = counters_.held;
  s.dtmf_generated = counters_.dtmf_generated;
  if (auto rtt = pbx_.sender_stats().rtt()) {
    s.pbx_rtt_ms = std::chrono::duration<double, std::milli>(*rtt).count();
  }
  return s;
}

}  // namespace tandem::media
