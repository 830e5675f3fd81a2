// SIP over TCP (RFC 3261 §18): accepted and opened connections, framed by Content-Length, with
// RFC 5626 CRLF keep-alives, an idle timeout, and a cap on connections per source address.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <unordered_map>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "sip/message_parser.hpp"
#include "sip/rate_limiter.hpp"
#include "sip/transport.hpp"

namespace tandem::sip {

struct TcpOptions {
  ParserLimits limits;
  Duration idle_timeout{std::chrono::minutes(10)};  // no bytes either way for this long: close
  size_t max_connections_per_source = 64;
  // Per-source message rate (connection attempts count too); a source beyond it is disconnected.
  RateLimit rate_limit;
};

class TcpTransport final : public Transport {
 public:
  // Listens on `local` (port 0 picks a free one). `user` must outlive this.
  static Result<std::unique_ptr<TcpTransport>> listen(boost::asio::io_context& io,
                                                      const PeerAddress& local, TransportUser& user,
                                                      const TcpOptions& options = {});
  ~TcpTransport() override;

  TransportKind kind() const override { return TransportKind::kTcp; }
  PeerAddress local_address() const override { return local_; }
  // A flow without a connection (connection_id 0) goes like send_to(flow.remote, ...).
  bool send(std::string_view bytes, const Flow& flow) override;
  // Sends on an open connection to `remote`, or opens one first (§18.1.1 connection reuse).
  // `done` gets the flow used, or why it failed.
  void send_to(const PeerAddress& remote, std::string bytes,
               std::function<void(Result<Flow>)> done);

  const TransportStats& stats() const { return stats_; }
  const RateLimiter& rate_limiter() const { return limiter_; }
  size_t connection_count() const { return connections_.size(); }

 private:
  class Connection;
  friend class Connection;

  TcpTransport(boost::asio::io_context& io, boost::asio::ip::tcp::acceptor acceptor,
               TransportUser& user, const TcpOptions& options);
  void accept();
  std::shared_ptr<Connection> adopt(boost::asio::ip::tcp::socket socket, bool accepted);
  void forget(uint64_t id);
  size_t connections_from(const boost::asio::ip::address& ip) const;

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  TransportUser& user_;
  TcpOptions options_;
  PeerAddress local_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> connections_;
  TransportStats stats_;
  RateLimiter limiter_;
  // Completion handlers may run after this transport is gone; they check this first.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::sip
