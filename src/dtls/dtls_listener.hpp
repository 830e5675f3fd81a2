// What a DtlsTransport reports to its owner (the WebRtcTransport of a media worker). Callbacks
// run synchronously inside start/on_datagram/on_tick/close/send_application_data; they must not
// destroy the transport. Spans are valid only during the call.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "dtls/srtp_key_material.hpp"

namespace tandem::dtls {

class DtlsListener {
 public:
  virtual ~DtlsListener() = default;

  // One DTLS datagram (at most the MTU) to send to the peer over the selected ICE pair.
  virtual void on_dtls_send(std::span<const uint8_t> datagram) = 0;
  // Handshake done and the peer's certificate matched the SDP fingerprint. keys.profile() is
  // the negotiated SRTP profile; keys is wiped after the call, sessions are ready to use.
  virtual void on_dtls_connected(const SrtpKeyMaterial& keys, SrtpSessionPair sessions) = 0;
  // Terminal: fingerprint mismatch, fatal alert, handshake timeout, protocol error.
  virtual void on_dtls_failed(std::string_view reason) = 0;
  // Terminal: the peer sent close_notify (RFC 5246 §7.2.1). Not called for our own close().
  virtual void on_dtls_closed() = 0;
  // Application data records (the SCTP association of data channels, RFC 8261).
  virtual void on_dtls_application_data(std::span<const uint8_t> data) { (void)data; }
};

}  // namespace tandem::dtls
