#include "media/webrtc_transport.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "rtp/rtp_packet_view.hpp"
#include "srtp/profile.hpp"

namespace tandem::media {

namespace {
constexpr size_t kMaxKeyFrameRequests = 4;
}

WebRtcTransport::WebRtcTransport(SessionId id, const SessionParams& params, DatagramSink& sink,
                                 const rtp::NtpClock& clock, TimePoint now)
    : id_(id),
      sink_(sink),
      rtcp_(std::in_place, params, clock),
      created_(now),
      next_rtcp_(now),
      clock_(clock) {}

WebRtcTransport::~WebRtcTransport() = default;

Result<std::unique_ptr<WebRtcTransport>> WebRtcTransport::create(
    SessionId id, const SessionParams& params, Credentials local, const dtls::DtlsContext& context,
    DatagramSink& sink, const rtp::NtpClock& clock, TimePoint now) {
  if (params.remote_fingerprint.empty()) return Error{"the offer has no a=fingerprint"};
  if (params.streams.empty()) return Error{"no accepted media stream"};
  std::unique_ptr<WebRtcTransport> transport(new WebRtcTransport(id, params, sink, clock, now));
  ice::IceLiteConfig config;
  config.local_ufrag = std::move(local.ufrag);
  config.local_pwd = std::move(local.pwd);
  config.remote_ufrag = params.remote_ufrag;
  auto agent = ice::IceLiteAgent::create(config, transport.get(), now);
  if (!agent) return Error{"ICE agent: " + agent.error().reason};
  transport->ice_.emplace(std::move(agent.value()));
  // RFC 5763 §5: we answered setup:passive, so we are the DTLS server.
  transport->dtls_ = std::make_unique<dtls::DtlsTransport>(context, dtls::Role::kServer,
                                                           params.remote_fingerprint_alg,
                                                           params.remote_fingerprint, *transport);
  transport->now_ = now;
  transport->dtls_->start(now);
  if (transport->dtls_->state() == dtls::State::kFailed) {
    return Error{"DTLS: " + transport->dtls_->failure_reason()};
  }
  return transport;
}

Result<std::unique_ptr<WebRtcTransport>> WebRtcTransport::create_bridge(
    SessionId id, Credentials local, const dtls::DtlsContext& context, DatagramSink& sink,
    const rtp::NtpClock& clock, TimePoint now) {
  std::unique_ptr<WebRtcTransport> transport(
      new WebRtcTransport(id, SessionParams{}, sink, clock, now));
  transport->rtcp_.reset();
  transport->bridge_ = true;
  transport->context_ = &context;
  ice::IceLiteConfig config;
  config.local_ufrag = std::move(local.ufrag);
  config.local_pwd = std::move(local.pwd);
  // No connect timeout before configure_bridge: a ringing browser has not started ICE yet.
  config.connect_timeout = std::chrono::hours(24);
  auto agent = ice::IceLiteAgent::create(config, transport.get(), now);
  if (!agent) return Error{"ICE agent: " + agent.error().reason};
  transport->ice_.emplace(std::move(agent.value()));
  return transport;
}

Status WebRtcTransport::configure_bridge(const SessionParams& params, dtls::Role role,
                                         TimePoint now) {
  if (!bridge_) return Error{"media: not a bridge session"};
  if (params.remote_fingerprint.empty()) return Error{"media: no browser DTLS fingerprint"};
  now_ = now;
  if (!params.remote_ufrag.empty()) ice_->set_remote_ufrag(params.remote_ufrag);
  rtcp_.emplace(params, clock_);
  if (!configured_at_) configured_at_ = now;
  if (dtls_ && params.remote_fingerprint == remote_fingerprint_) return Ok{};
  return start_dtls(params, role, now);
}

Status WebRtcTransport::start_dtls(const SessionParams& params, dtls::Role role, TimePoint now) {
  srtp_.reset();  // a new fingerprint: a new handshake and new keys (RFC 5763 §5)
  dtls_ = std::make_unique<dtls::DtlsTransport>(*context_, role, params.remote_fingerprint_alg,
                                                params.remote_fingerprint, *this);
  remote_fingerprint_ = params.remote_fingerprint;
  try {
    // A client's ClientHello needs a path to go to; a server waits for the browser's.
    dtls_start_pending_ = role == dtls::Role::kClient && !ice_->selected_path();
    if (!dtls_start_pending_) dtls_->start(now);
    if (dtls_->state() == dtls::State::kFailed) {
      return Error{"DTLS: " + dtls_->failure_reason()};
    }
    if (early_dtls_size_ > 0) {
      const size_t n = std::exchange(early_dtls_size_, 0);
      dtls_->on_datagram(std::span<const uint8_t>(early_dtls_.data(), n), now);
    }
  } catch (const std::exception& e) {
    return Error{std::string("DTLS: ") + e.what()};
  }
  return Ok{};
}

bool WebRtcTransport::send_rtp(std::span<uint8_t> buffer, const rtp::RtpPacketView& packet,
                               TimePoint now) noexcept {
  if (!srtp_ || !ice_connected_ || !selected_path_) return false;
  const uint32_t ssrc = packet.ssrc();
  const uint32_t timestamp = packet.timestamp();
  const size_t payload_size = packet.payload().size();
  size_t size = packet.size();
  if (srtp_->outbound.protect_rtp(buffer, size) != srtp::SrtpStatus::kOk) {
    ++srtp_failures_;
    return false;
  }
  sink_.send_datagram(buffer.first(size), *selected_path_);
  ++datagrams_sent_;
  if (rtcp_) rtcp_->on_rtp_sent(ssrc, timestamp, payload_size, now);
  return true;
}

bool WebRtcTransport::on_stun(const ice::StunView& message, const ice::Endpoint& from,
                              TimePoint now) noexcept {
  ++datagrams_received_;
  now_ = now;
  std::array<uint8_t, ice::IceLiteAgent::kMaxResponseSize> response{};
  const uint64_t valid_before = ice_->counters().valid_checks;
  const size_t n = ice_->handle_stun(message, from, now, response);
  if (n > 0) {
    sink_.send_datagram(std::span<const uint8_t>(response.data(), n), from);
    ++datagrams_sent_;
  }
  return ice_->counters().valid_checks != valid_before;
}

void WebRtcTransport::on_dtls(std::span<const uint8_t> datagram, const ice::Endpoint& from,
                              TimePoint now) noexcept {
  ++datagrams_received_;
  now_ = now;
  if (!ice_->selected_path()) dtls_peer_ = from;
  if (!dtls_) {
    // Bridge mode before the browser's fingerprint: keep the latest flight for the handshake.
    if (datagram.size() <= early_dtls_.size()) {
      std::copy(datagram.begin(), datagram.end(), early_dtls_.begin());
      early_dtls_size_ = datagram.size();
    }
    return;
  }
  try {
    dtls_->on_datagram(datagram, now);
  } catch (...) {
    finish("DTLS: internal error");
  }
}

void WebRtcTransport::on_rtp(std::span<uint8_t> buffer, size_t length, const ice::Endpoint& from,
                             TimePoint now) noexcept {
  (void)from;
  ++datagrams_received_;
  if (!srtp_) return;
  size_t size = length;
  if (srtp_->inbound.unprotect_rtp(buffer, size) != srtp::SrtpStatus::kOk) {
    ++srtp_failures_;
    return;
  }
  auto view = rtp::RtpPacketView::parse(buffer.first(size));
  if (!view || !rtcp_) return;
  const auto echo_ssrc = rtcp_->on_rtp_received(view->ssrc(), view->payload_type(),
                                                view->sequence(), view->timestamp(), now);
  if (bridge_) {
    if (handler_ != nullptr) handler_->on_browser_rtp(*view, now);
    return;
  }
  if (!echo_ssrc) return;
  // Echo: same payload type, sequence numbers, timestamps and header extensions (the answer
  // mirrors the offer's payload types and MID extension id); only the SSRC becomes ours.
  view->set_ssrc(*echo_ssrc);
  (void)send_rtp(buffer, *view, now);
}

void WebRtcTransport::on_rtcp(std::span<uint8_t> buffer, size_t length, const ice::Endpoint& from,
                              TimePoint now) noexcept {
  (void)from;
  ++datagrams_received_;
  if (!srtp_) return;
  size_t size = length;
  if (srtp_->inbound.unprotect_rtcp(buffer, size) != srtp::SrtpStatus::kOk) {
    ++srtp_failures_;
    return;
  }
  ++rtcp_received_;
  if (!rtcp_) return;
  std::array<uint32_t, kMaxKeyFrameRequests> requests{};
  const size_t n = rtcp_->on_rtcp_received(buffer.first(size), now, requests);
  for (size_t i = 0; i < n; ++i) {
    const size_t pli = rtcp_->build_pli(rtcp_buffer_, requests[i]);
    if (pli > 0) send_rtcp(rtcp_buffer_, pli);
  }
}

void WebRtcTransport::send_rtcp(std::span<uint8_t> buffer, size_t length) noexcept {
  if (!srtp_ || !ice_->can_send() || !ice_->selected_path()) return;
  size_t size = length;
  if (srtp_->outbound.protect_rtcp(buffer, size) != srtp::SrtpStatus::kOk) {
    ++srtp_failures_;
    return;
  }
  sink_.send_datagram(buffer.first(size), *ice_->selected_path());
  ++datagrams_sent_;
  ++rtcp_sent_;
}

void WebRtcTransport::send_report(TimePoint now) noexcept {
  next_rtcp_ = now + kRtcpInterval;
  if (!rtcp_) return;
  const size_t n = rtcp_->build_report(rtcp_buffer_, now);
  if (n > 0) send_rtcp(rtcp_buffer_, n);
}

void WebRtcTransport::on_tick(TimePoint now) noexcept {
  now_ = now;
  ice_->on_tick(now);
  if (bridge_) {
    ever_connected_ = ever_connected_ || ice_connected_;
    if (!ever_connected_ && configured_at_ && now - *configured_at_ >= kBridgeConnectTimeout) {
      finish("ICE failed: no nomination in time");
    }
  }
  if (finished() || !dtls_) return;
  try {
    const auto deadline = dtls_->next_deadline();
    if (deadline && *deadline <= now) dtls_->on_tick(now);
  } catch (...) {
    finish("DTLS: internal error");
  }
  if (srtp_ && now >= next_rtcp_) send_report(now);
}

void WebRtcTransport::close() noexcept {
  try {
    if (dtls_ && dtls_->state() == dtls::State::kConnected) dtls_->close();
  } catch (...) {
    finish("DTLS: internal error");
  }
}

void WebRtcTransport::finish(std::string_view reason) noexcept {
  if (finish_reason_.empty()) {
    try {
      finish_reason_ = reason;
    } catch (...) {
      finish_reason_ = "?";
    }
  }
}

void WebRtcTransport::on_ice_state_changed(ice::IceState state) noexcept {
  ice_connected_ = state == ice::IceState::kConnected;  // IceLiteAgent::can_send()
  if (state == ice::IceState::kFailed && !bridge_) finish("ICE failed: no nomination in time");
  if (state == ice::IceState::kDisconnected) finish("ICE consent expired");
}

void WebRtcTransport::on_ice_selected_path_changed(const ice::Endpoint& path) noexcept {
  selected_path_ = path;  // the agent's selected_path(), for the packet path
  if (dtls_start_pending_ && dtls_) {
    dtls_start_pending_ = false;
    try {
      dtls_->start(now_);
    } catch (...) {
      finish("DTLS: internal error");
    }
  }
}

void WebRtcTransport::on_dtls_send(std::span<const uint8_t> datagram) {
  const auto& path = ice_->selected_path() ? ice_->selected_path() : dtls_peer_;
  if (!path) return;
  sink_.send_datagram(datagram, *path);
  ++datagrams_sent_;
}

void WebRtcTransport::on_dtls_connected(const dtls::SrtpKeyMaterial& keys,
                                        dtls::SrtpSessionPair sessions) {
  (void)keys;
  srtp_.emplace(std::move(sessions));
  connect_time_ = std::chrono::duration_cast<Duration>(now_ - created_);
  next_rtcp_ = now_;
}

void WebRtcTransport::on_dtls_failed(std::string_view reason) {
  std::string text = "DTLS failed: ";
  text += reason;
  finish(text);
}

void WebRtcTransport::on_dtls_closed() { finish("DTLS closed by the browser"); }

SessionStats WebRtcTransport::stats(TimePoint now) const {
  SessionStats s;
  s.id = id_;
  s.ice_state = std::string(ice::to_string(ice_->state()));
  s.dtls_state = dtls_ ? std::string(dtls::to_string(dtls_->state())) : "waiting";
  if (auto profile = dtls_ ? dtls_->srtp_profile() : std::nullopt) {
    s.srtp_profile = std::string(srtp::profile_info(*profile).dtls_name);
  }
  if (ice_->selected_path()) {
    s.selected_path = ice_->selected_path()->to_string();
    s.selected_transport = ice_->selected_path()->is_tcp() ? "tcp" : "udp";
  }
  s.age_s = std::chrono::duration<double>(now - created_).count();
  if (connect_time_) s.connect_ms = static_cast<double>(connect_time_->count());
  s.datagrams_received = datagrams_received_;
  s.datagrams_sent = datagrams_sent_;
  s.rtcp_received = rtcp_received_;
  s.rtcp_sent = rtcp_sent_;
  s.srtp_failures = srtp_failures_;
  if (srtp_) {
    const srtp::Stats& in = srtp_->inbound.stats();
    s.srtp_replays = in.replays + in.too_old;
    s.srtp_auth_failures = in.auth_failures;
  }
  if (rtcp_) rtcp_->fill_stats(s.streams);
  return s;
}

}  // namespace tandem::media
