// SIP over WebSocket and secure WebSocket (RFC 7118) on Boost.Beast, the server side browsers
// connect to: an HTTP upgrade that must offer the `sip` subprotocol (else HTTP 400) and may be
// refused by a validator (HTTP 401, the future token check); then one SIP message per WebSocket
// message, text or binary. Ping/pong keep-alives and the idle timeout are WebSocket control
// frames; a cap on connections per source and on the message size protect the signaling thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "sip/message_parser.hpp"
#include "sip/rate_limiter.hpp"
#include "sip/tls_identity.hpp"
#include "sip/transport.hpp"

namespace tandem::sip {

using WsUpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;
// Looks at an upgrade request that offers `sip`: an empty optional accepts it, a reason refuses
// it with HTTP 401 and that reason as the body (say why; never echo the token).
using WsUpgradeValidator = std::function<std::optional<std::string>(const WsUpgradeRequest&)>;

struct WsOptions {
  ParserLimits limits;  // max_message_size also caps each WebSocket message (close code 1009)
  // Nothing received for this long, not even a pong, closes the connection. With keep-alive
  // pings on, an idle but live peer is pinged at half this time and stays connected.
  Duration idle_timeout{std::chrono::seconds(120)};
  bool keepalive_pings = true;
  // TLS handshake (WSS), upgrade request and WebSocket handshake; also the closing handshake.
  Duration handshake_timeout{std::chrono::seconds(10)};
  size_t max_connections_per_source = 64;
  // Per-source message rate (connection attempts count too); a source beyond it is disconnected.
  RateLimit rate_limit;
  size_t max_upgrade_request_size = 8192;  // HTTP request line and headers
  WsUpgradeValidator validate_upgrade;     // empty: accept every `sip` upgrade
};

class WsTransport final : public Transport {
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
  ~WsTransport() override;

  TransportKind kind() const override { return kind_; }
  PeerAddress local_address() const override { return local_; }
  // One WebSocket message on the flow's connection, of the type the peer last sent (text at
  // first). False when that connection no longer exists.
  bool send(std::string_view bytes, const Flow& flow) override;
  // Starts the WebSocket closing handshake (1000, `reason`) after queued messages are written.
  bool close(uint64_t connection_id, std::string_view reason = {});

  struct Stats : TransportStats {
    uint64_t upgrades_refused = 0;    // HTTP 400/401 or a failed WebSocket handshake
    uint64_t handshake_failures = 0;  // TLS handshake or upgrade request never completed
  };
  const Stats& stats() const { return stats_; }
  size_t connection_count() const { return connections_.size(); }
  const RateLimiter& rate_limiter() const { return limiter_; }

 private:
  class Connection;
  template <typename Stream>
  class StreamConnection;
  friend class Connection;
  template <typename Stream>
  friend class StreamConnection;

  WsTransport(TransportKind kind, boost::asio::ip::tcp::acceptor acceptor, TransportUser& user,
              SslContextPtr server_context, const WsOptions& options);
  static Result<std::unique_ptr<WsTransport>> open(TransportKind kind, boost::asio::io_context& io,
                                                   const PeerAddress& local, TransportUser& user,
                                                   SslContextPtr server_context,
                                                   const WsOptions& options);
  void accept();
  void forget(uint64_t id);
  size_t connections_from(const boost::asio::ip::address& ip) const;

  TransportKind kind_;
  boost::asio::ip::tcp::acceptor acceptor_;
  TransportUser& user_;
  SslContextPtr server_context_;  // null for WS
  WsOptions options_;
  PeerAddress local_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> connections_;
  Stats stats_;
  RateLimiter limiter_;
  // Completion handlers may run after this transport is gone; they check this first.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::sip
