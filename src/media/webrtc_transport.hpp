// One browser session on a media worker: ICE-lite (responder), DTLS-SRTP as the DTLS server
// (we answer the browser's actpass with setup:passive), inbound and outbound SRTP sessions and
// RTCP termination, all over the worker's shared UDP port. In echo mode every RTP packet the
// browser sends is decrypted, accounted, given our SSRC for its stream, re-encrypted and sent
// back on the ICE-selected path. In bridge mode (create_bridge) decrypted RTP goes to a
// BrowserRtpHandler instead and the bridge sends with send_rtp(); the browser's transport
// parameters arrive later (configure_bridge): ICE-lite answers checks on our credentials alone
// meanwhile, and the DTLS handshake waits for the browser's fingerprint (a ClientHello that
// arrives first is kept and replayed), so the certificate is always checked against it.
// Worker-thread only; the packet path is noexcept, lock-free and
// allocation-free (packets are transformed in the caller's buffer, which has SRTP tail room).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "dtls/dtls_context.hpp"
#include "dtls/dtls_listener.hpp"
#include "dtls/dtls_transport.hpp"
#include "ice/endpoint.hpp"
#include "ice/ice_listener.hpp"
#include "ice/ice_lite_agent.hpp"
#include "ice/stun_view.hpp"
#include "media/datagram_sink.hpp"
#include "media/rtcp_terminator.hpp"
#include "media/session_params.hpp"
#include "rtp/ntp_time.hpp"
#include "rtp/rtp_packet_view.hpp"
#include "srtp/srtp_session.hpp"

namespace tandem::media {

// Where a bridge session's decrypted browser RTP goes (the packet is in a buffer with SRTP tail
// room behind it and may be modified in place).
class BrowserRtpHandler {
 public:
  virtual void on_browser_rtp(rtp::RtpPacketView& packet, TimePoint now) noexcept = 0;

 protected:
  ~BrowserRtpHandler() = default;
};

class WebRtcTransport final : public ice::IceListener, public dtls::DtlsListener {
 public:
  // Bytes the packet path may append to a packet in place (SRTP/SRTCP trailer).
  static constexpr size_t kTailRoom = srtp::SrtpSession::kMaxTrailer;
  static constexpr Duration kRtcpInterval{1000};
  // Bridge mode: from configure_bridge to ICE connected (the ringing time before it is free).
  static constexpr Duration kBridgeConnectTimeout{30000};

  struct Credentials {
    std::string ufrag;
    std::string pwd;
  };

  // `context`, `sink` and `clock` must outlive the transport.
  static Result<std::unique_ptr<WebRtcTransport>> create(SessionId id, const SessionParams& params,
                                                         Credentials local,
                                                         const dtls::DtlsContext& context,
                                                         DatagramSink& sink,
                                                         const rtp::NtpClock& clock, TimePoint now);
  // A bridge session: no browser parameters yet, nothing echoed.
  static Result<std::unique_ptr<WebRtcTransport>> create_bridge(SessionId id, Credentials local,
                                                                const dtls::DtlsContext& context,
                                                                DatagramSink& sink,
                                                                const rtp::NtpClock& clock,
                                                                TimePoint now);
  ~WebRtcTransport() override;
  WebRtcTransport(const WebRtcTransport&) = delete;
  WebRtcTransport& operator=(const WebRtcTransport&) = delete;

  // A STUN datagram whose USERNAME named this session. Returns true when it was a valid check,
  // i.e. `from` now reaches this session and the worker should route its datagrams here.
  bool on_stun(const ice::StunView& message, const ice::Endpoint& from, TimePoint now) noexcept;
  void on_dtls(std::span<const uint8_t> datagram, const ice::Endpoint& from,
               TimePoint now) noexcept;
  // An SRTP or SRTCP packet at buffer[0..length); buffer.size() >= length + kTailRoom for the
  // echo to be sent. The buffer is modified in place.
  void on_rtp(std::span<uint8_t> buffer, size_t length, const ice::Endpoint& from,
              TimePoint now) noexcept;
  void on_rtcp(std::span<uint8_t> buffer, size_t length, const ice::Endpoint& from,
               TimePoint now) noexcept;
  // Bridge mode: applies the browser's parameters (again on every re-negotiation). The first
  // call starts DTLS in `role`; a new fingerprint starts a new handshake (RFC 5763 §5).
  Status configure_bridge(const SessionParams& params, dtls::Role role, TimePoint now);
  void set_rtp_handler(BrowserRtpHandler* handler) noexcept { handler_ = handler; }
  // Bridge mode: protects the RTP packet at the start of `buffer` (packet views it; tail room
  // behind) and sends it on the selected path; false when media cannot flow yet.
  bool send_rtp(std::span<uint8_t> buffer, const rtp::RtpPacketView& packet,
                TimePoint now) noexcept;
  // Sends DTLS close_notify when connected (the browser then sees the transport close).
  void close() noexcept;
  Duration age(TimePoint now) const noexcept {
    return std::chrono::duration_cast<Duration>(now - created_);
  }
  // Timers: ICE consent, DTLS retransmission, periodic RTCP. Cheap when nothing is due.
  void on_tick(TimePoint now) noexcept;

  // Terminal: ICE failed or lost consent, DTLS failed or closed. The worker then destroys it.
  bool finished() const noexcept { return !finish_reason_.empty(); }
  std::string_view finish_reason() const noexcept { return finish_reason_; }
  SessionId id() const noexcept { return id_; }
  const ice::IceLiteAgent& ice() const noexcept { return *ice_; }
  bool media_ready() const noexcept { return srtp_.has_value(); }
  bool is_bridge() const noexcept { return bridge_; }
  SessionStats stats(TimePoint now) const;

  // ice::IceListener
  void on_ice_state_changed(ice::IceState state) noexcept override;
  void on_ice_selected_path_changed(const ice::Endpoint& path) noexcept override;
  // dtls::DtlsListener
  void on_dtls_send(std::span<const uint8_t> datagram) override;
  void on_dtls_connected(const dtls::SrtpKeyMaterial& keys,
                         dtls::SrtpSessionPair sessions) override;
  void on_dtls_failed(std::string_view reason) override;
  void on_dtls_closed() override;

 private:
  WebRtcTransport(SessionId id, const SessionParams& params, DatagramSink& sink,
                  const rtp::NtpClock& clock, TimePoint now);
  void send_rtcp(std::span<uint8_t> buffer, size_t length) noexcept;
  Status start_dtls(const SessionParams& params, dtls::Role role, TimePoint now);
  void send_report(TimePoint now) noexcept;
  void finish(std::string_view reason) noexcept;

  SessionId id_;
  DatagramSink& sink_;
  // What on_rtp reads and writes per packet, kept together: a worker with hundreds of sessions
  // meets each one's state cold, so every extra cache line touched is a miss. The path is the
  // agent's, copied by the listener callbacks so the packet path does not reach into the agent.
  std::optional<ice::Endpoint> selected_path_;
  bool ice_connected_ = false;
  uint64_t datagrams_received_ = 0;
  uint64_t datagrams_sent_ = 0;
  uint64_t srtp_failures_ = 0;
  std::optional<dtls::SrtpSessionPair> srtp_;
  std::optional<RtcpTerminator> rtcp_;  // a bridge's comes with configure_bridge
  BrowserRtpHandler* handler_ = nullptr;
  // The rest is touched at set-up, on timers and by STUN/DTLS/RTCP.
  TimePoint created_;
  std::optional<ice::IceLiteAgent> ice_;
  std::unique_ptr<dtls::DtlsTransport> dtls_;
  std::optional<Duration> connect_time_;
  TimePoint now_{};                         // of the call in progress, for listener callbacks
  std::optional<ice::Endpoint> dtls_peer_;  // where DTLS came from before ICE selected a path
  TimePoint next_rtcp_{};
  std::string finish_reason_;
  // Bridge mode: set-up before the browser's parameters are known.
  bool bridge_ = false;
  const dtls::DtlsContext* context_ = nullptr;
  const rtp::NtpClock& clock_;
  bool dtls_start_pending_ = false;         // a DTLS client starts once ICE has selected a path
  std::optional<TimePoint> configured_at_;  // the ICE connect timeout runs from here
  bool ever_connected_ = false;
  std::string remote_fingerprint_;
  std::array<uint8_t, 1500> early_dtls_{};  // a ClientHello that came before the fingerprint
  size_t early_dtls_size_ = 0;
  uint64_t rtcp_received_ = 0;
  uint64_t rtcp_sent_ = 0;
  // Our own RTCP is built here: an MTU plus SRTCP trailer, allocated once.
  std::array<uint8_t, 1500 + kTailRoom> rtcp_buffer_{};
};

}  // namespace tandem::media
