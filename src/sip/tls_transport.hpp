// SIP over TLS (RFC 3261 §18, §26.3.1): accepted and opened connections on asio::ssl, framed by
// Content-Length like TCP, with RFC 5626 CRLF keep-alives, handshake and idle timeouts, and a cap
// on connections per source address. TLS 1.2 or later; the server presents a TlsIdentity.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "sip/message_parser.hpp"
#include "sip/rate_limiter.hpp"
#include "sip/tls_identity.hpp"
#include "sip/transport.hpp"

namespace tandem::sip {

struct TlsOptions {
  ParserLimits limits;
  Duration idle_timeout{std::chrono::minutes(10)};       // no bytes either way for this long: close
  Duration handshake_timeout{std::chrono::seconds(10)};  // TCP accepted/connected to TLS ready
  size_t max_connections_per_source = 64;
  // Per-source message rate (connection attempts count too); a source beyond it is disconnected.
  RateLimit rate_limit;
  // For connections we open (send_to). Null: verify peers against the system's trust store.
  SslContextPtr client_context;
};

class TlsTransport final : public Transport {
 public:
  // Listens on `local` (port 0 picks a free one), presenting `server_context`'s certificate
  // (make_tls_server_context). `user` must outlive this.
  static Result<std::unique_ptr<TlsTransport>> listen(boost::asio::io_context& io,
                                                      const PeerAddress& local, TransportUser& user,
                                                      SslContextPtr server_context,
                                                      const TlsOptions& options = {});
  ~TlsTransport() override;

  TransportKind kind() const override { return TransportKind::kTls; }
  PeerAddress local_address() const override { return local_; }
  bool send(std::string_view bytes, const Flow& flow) override;
  // Sends on an open connection to `remote`, or opens one first (§18.1.1 connection reuse) and
  // sends once the handshake is done. The peer's certificate must match `server_name` (a host
  // name, also sent as SNI, or an IP address; empty: the remote IP) unless the client context
  // does not verify. `done` gets the flow used, or why it failed.
  void send_to(const PeerAddress& remote, std::string bytes, std::function<void(Result<Flow>)> done,
               const std::string& server_name = {});

  const TransportStats& stats() const { return stats_; }
  size_t connection_count() const { return connections_.size(); }
  const RateLimiter& rate_limiter() const { return limiter_; }
  uint64_t handshake_failures() const { return handshake_failures_; }

 private:
  class Connection;
  friend class Connection;

  TlsTransport(boost::asio::io_context& io, boost::asio::ip::tcp::acceptor acceptor,
               TransportUser& user, SslContextPtr server_context, const TlsOptions& options);
  void accept();
  std::shared_ptr<Connection> adopt(boost::asio::ip::tcp::socket socket, bool accepted);
  void forget(uint64_t id);
  size_t connections_from(const boost::asio::ip::address& ip) const;
  Result<SslContextPtr> client_context();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  TransportUser& user_;
  SslContextPtr server_context_;
  TlsOptions options_;
  PeerAddress local_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> connections_;
  TransportStats stats_;
  uint64_t handshake_failures_ = 0;
  RateLimiter limiter_;
  // Completion handlers may run after this transport is gone; they check this first.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::sip
