// SIP over WebSocket and secure WebSocket (RFC 7118) on Boost.Beast, the server side browsers
// connect to: an HTTP upgrade that must offer the `sip` subprotocol (else HTTP 400) and may be
// refused by an authorizer (HTTP 401/403 with a short body: the gateway's token check), whose
// identity then stays with the connection; then one SIP message per WebSocket message, text or
// binary. Other HTTP requests on the same port may be served by a fallback handler (the gateway's
// HTTP API). Ping/pong keep-alives and the idle timeout are WebSocket control frames; admission,
// the flood cut-off and the send queue bound are StreamTransport's.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "sip/stream_transport.hpp"
#include "sip/tls_identity.hpp"
#include "sip/ws_upgrade.hpp"

namespace tandem::sip {

struct WsOptions : StreamOptions {
  // max_message_size of `limits` also caps each WebSocket message (close code 1009). Nothing
  // received for idle_timeout, not even a pong, closes the connection; with keep-alive pings on,
  // an idle but live peer is pinged at half that time and stays connected. handshake_timeout
  // bounds the TLS handshake (WSS), the upgrade request and WebSocket handshake, and the closing
  // handshake.
  WsOptions() { idle_timeout = std::chrono::seconds(120); }

  bool keepalive_pings = true;
  size_t max_upgrade_request_size = 8192;  // HTTP request line and headers
  WsUpgradeValidator validate_upgrade;     // empty: no check (runs before `authorize`)
  WsUpgradeAuthorizer authorize;           // empty: accept every `sip` upgrade, no identity
  // Requests that are not WebSocket upgrades go here instead of being refused with 400; keep-alive
  // connections may send several. Bodies up to max_http_body (larger: 413).
  WsHttpHandler http_fallback;
  size_t max_http_body = size_t{64} * 1024;
};

class WsTransport final : public StreamTransport {
 public:
  // WS: listens on `local` (port 0 picks a free one). `user` must outlive this.
  static Result<std::unique_ptr<WsTransport>> listen(boost::asio::io_context& io,
                                                     const PeerAddress& local, TransportUser& user,
                                                     const WsOptions& options = {});
  // WSS: the same behind TLS, presenting `server_context` (make_tls_server_context).
  static Result<std::unique_ptr<WsTransport>> listen_secure(boost::asio::io_context& io,
                                                            const PeerAddress& local,
                                                            TransportUser& user,
                                                            SslContextPtr server_context,
                                                            const WsOptions& options = {});

  // send(): one WebSocket message on the flow's connection, of the type the peer last sent (text
  // at first). Starts the WebSocket closing handshake (1000, `reason`) after queued messages are
  // written.
  bool close(uint64_t connection_id, std::string_view reason = {});
  // The identity the authorizer gave the connection; null for an unknown connection or when no
  // authorizer is set.
  const WsIdentity* identity(uint64_t connection_id) const;

  using Stats = StreamStats;

 private:
  class Connection;
  template <typename Stream>
  class TypedConnection;

  WsTransport(TransportKind kind, boost::asio::ip::tcp::acceptor acceptor, TransportUser& user,
              SslContextPtr server_context, const WsOptions& options);
  static Result<std::unique_ptr<WsTransport>> open(TransportKind kind, boost::asio::io_context& io,
                                                   const PeerAddress& local, TransportUser& user,
                                                   SslContextPtr server_context,
                                                   const WsOptions& options);
  std::shared_ptr<StreamConnection> make_accepted(boost::asio::ip::tcp::socket socket,
                                                  uint64_t id) override;

  SslContextPtr server_context_;  // null for WS
  WsOptions options_;
};

}  // namespace tandem::sip
