// One DTLS-SRTP association (RFC 5764) over OpenSSL DTLS 1.2, with no socket inside: the media
// worker feeds received datagrams in and sends what the listener is handed. Time is injected:
// the worker calls on_tick(now) when next_deadline() passes, which drives retransmission
// (RFC 6347 §4.2.4) and the overall handshake timeout.
//
// Retransmission timing: OpenSSL 3.0 keeps its own DTLS timer on gettimeofday() and retransmits
// on its own when a read finds it expired; there is no hook to replace its clock. We set its
// durations with DTLS_set_timer_cb (initial, doubling, capped) and mirror its remaining time
// (DTLSv1_get_timeout) onto the injected clock after every call, so next_deadline() is when
// OpenSSL will want DTLSv1_handle_timeout. Tests shift gettimeofday() with their fake clock.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "dtls/datagram_io.hpp"
#include "dtls/dtls_context.hpp"
#include "dtls/dtls_listener.hpp"
#include "dtls/dtls_types.hpp"
#include "dtls/fingerprint.hpp"
#include "dtls/openssl_ptr.hpp"
#include "srtp/profile.hpp"

namespace tandem::dtls {

struct DtlsStats {
  uint64_t datagrams_received = 0;
  uint64_t datagrams_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t datagrams_dropped = 0;  // not DTLS (RFC 7983), or after close/failure
  uint64_t retransmissions = 0;    // flights resent on timeout
};

class DtlsTransport {
 public:
  // remote_fingerprint_alg/remote_fingerprint: the peer's a=fingerprint (RFC 8122), e.g.
  // "sha-256", "AB:CD:...". An unparsable one makes start() fail with the reason.
  DtlsTransport(const DtlsContext& context, Role role, std::string_view remote_fingerprint_alg,
                std::string_view remote_fingerprint, DtlsListener& listener);
  ~DtlsTransport();
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  // Before start(): a shorter first retransmission timeout, e.g. 2 x the ICE round trip.
  void set_initial_retransmit(Duration timeout) noexcept { initial_retransmit_ = timeout; }

  // Client: sends the ClientHello. Server: waits for it (a ClientHello arriving before start()
  // starts a server implicitly, since the browser may send it before our answer is applied).
  void start(TimePoint now);
  void on_datagram(std::span<const uint8_t> datagram, TimePoint now);
  void on_tick(TimePoint now);
  std::optional<TimePoint> next_deadline() const noexcept;

  // Sends close_notify (RFC 5246 §7.2.1) when connected; the transport is closed afterwards.
  void close();
  // One DTLS record of application data; only when connected.
  Status send_application_data(std::span<const uint8_t> data);
  // RFC 5705 exporter over the completed handshake (tests and diagnostics).
  Status export_keying_material(std::string_view label, std::span<uint8_t> out) const;

  State state() const noexcept { return state_; }
  Role role() const noexcept { return role_; }
  std::optional<srtp::Profile> srtp_profile() const noexcept { return srtp_profile_; }
  // From start() to the handshake's completion, on the injected clock.
  std::optional<Duration> handshake_duration() const noexcept { return handshake_duration_; }
  const std::string& failure_reason() const noexcept { return failure_reason_; }
  const DtlsStats& stats() const noexcept { return stats_; }

  // OpenSSL callbacks, installed on the SSL_CTX by DtlsContext.
  static int verify_certificate_callback(X509_STORE_CTX* store, void* arg);
  static void info_callback(const SSL* ssl, int where, int value);

 private:
  static unsigned int timer_callback(SSL* ssl, unsigned int previous_us);
  static DtlsTransport* from(const SSL* ssl) noexcept;

  void continue_handshake(TimePoint now);
  void complete_handshake(TimePoint now);
  void read_records();
  void on_ssl_error(int ret);
  void peer_closed();
  void fail(std::string reason);
  void flush();
  void update_deadline(TimePoint now);
  std::string error_reason(std::string_view fallback);

  const DtlsContext& context_;
  DtlsListener& listener_;
  Role role_;
  State state_ = State::kNew;
  Duration initial_retransmit_;
  std::optional<Fingerprint> remote_fingerprint_;
  std::string setup_error_;
  DatagramIo io_;
  SslPtr ssl_;
  TimePoint started_at_{};
  std::optional<TimePoint> retransmit_deadline_;
  unsigned int timer_armed_us_ = 0;  // duration of a timer (re)started in the current call
  std::optional<TimePoint> handshake_deadline_;
  std::optional<srtp::Profile> srtp_profile_;
  std::optional<Duration> handshake_duration_;
  bool peer_verified_ = false;
  std::string verify_error_;  // fingerprint mismatch, set by the verify callback
  std::string peer_alert_;    // fatal alert received
  std::string local_alert_;   // fatal alert we sent
  std::string failure_reason_;
  DtlsStats stats_;
};

}  // namespace tandem::dtls
