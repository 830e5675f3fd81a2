// What SIP over TCP, TLS, WS and WSS share (RFC 3261 §18, RFC 7118): a listening socket whose
// accepted connections pass an admission check (connections per source address and the
// per-source rate limiter), a registry of connections by id and by peer for reuse (§18.1.1), a
// bounded send queue per connection, the per-message rate check that cuts a flooding source
// off, parsing, stateless answers to malformed requests and received/rport stamping. The
// per-stream parts (TLS handshake, byte-stream framing, WebSocket upgrade and messages) live in
// the connection classes of each transport.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "sip/message_parser.hpp"
#include "sip/rate_limiter.hpp"
#include "sip/transport.hpp"

namespace tandem::sip {

struct StreamOptions {
  ParserLimits limits;
  Duration idle_timeout{std::chrono::minutes(10)};  // no bytes either way for this long: close
  // TLS handshake, and for WS/WSS the upgrade request and WebSocket handshake. Unused by TCP.
  Duration handshake_timeout{std::chrono::seconds(10)};
  size_t max_connections_per_source = 64;
  // Per-source message rate (connection attempts count too); a source beyond it is disconnected.
  RateLimit rate_limit;
  // Bytes waiting to be written to one peer; a peer that reads slower is disconnected rather
  // than let its queue grow without bound.
  size_t max_send_queue_bytes = 1 << 20;
  // Called (posted) after a connection closed for any reason but the transport's destruction.
  std::function<void(const Flow&)> on_connection_closed;
  // The clock the rate limiter reads; injectable for tests.
  std::function<TimePoint()> clock = [] { return SteadyClock::now(); };
};

struct StreamStats : TransportStats {
  uint64_t handshake_failures = 0;    // TLS handshake or WebSocket upgrade request not completed
  uint64_t upgrades_refused = 0;      // WS: HTTP 400/401/403... or a failed WebSocket handshake
  uint64_t flood_disconnects = 0;     // connections closed for exceeding the rate limit
  uint64_t send_queue_overflows = 0;  // connections closed because their peer did not read
};

class StreamTransport;

// One connection, whatever its stream. Handlers hold a shared_ptr to it; `transport_` is cleared
// when it closes or the transport goes away first, so late handlers do nothing.
class StreamConnection : public std::enable_shared_from_this<StreamConnection> {
 public:
  StreamConnection(StreamTransport& transport, uint64_t id);
  virtual ~StreamConnection() = default;
  StreamConnection(const StreamConnection&) = delete;
  StreamConnection& operator=(const StreamConnection&) = delete;

  // Starts an accepted connection (handshake, upgrade or reading).
  virtual void start() = 0;
  // Queues one message; written once the connection is ready. False (and the connection closed)
  // when it is closed or its queue would exceed max_send_queue_bytes.
  bool write(std::string bytes);
  // Closes after what is queued is written (WebSocket closing handshake); else at once.
  virtual void close_gracefully(std::string_view reason);
  // Abrupt close without telling the transport: it is going away or forgets us itself.
  void close();
  const Flow& flow() const { return flow_; }
  uint64_t id() const { return flow_.connection_id; }

 protected:
  // Starts writing `bytes` (queue_.front()); the completion calls on_written().
  virtual void write_front(const std::string& bytes) = 0;
  // Closes the underlying socket.
  virtual void close_stream() = 0;
  // The queue became empty after a write.
  virtual void on_queue_drained() {}

  void set_flow(const boost::asio::ip::tcp::socket::lowest_layer_type& socket, TransportKind kind);
  // Writes start (now if anything is queued) or stop.
  void set_writable(bool writable);
  void on_written(boost::system::error_code ec);
  // The per-source rate check for one received message: false when the source is over its
  // budget, in which case the connection has been closed.
  bool admit_message();
  // A parsed (or rejected) message: malformed requests are answered statelessly and counted,
  // requests get received/rport, and the message goes to the transport's user.
  void deliver(Result<Message> message, std::string_view raw);
  // Closes and unregisters from the transport. Safe to call more than once.
  void shut_down();
  bool is_open() const { return transport_ != nullptr; }
  StreamTransport& transport() { return *transport_; }
  StreamStats& transport_stats();
  bool writable() const { return writable_; }
  bool queue_empty() const { return queue_.empty(); }

 private:
  StreamTransport* transport_;
  Flow flow_;
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  bool writable_ = false;
  bool writing_ = false;
};

// The base of TcpTransport, TlsTransport and WsTransport.
class StreamTransport : public Transport {
 public:
  ~StreamTransport() override;
  StreamTransport(const StreamTransport&) = delete;
  StreamTransport& operator=(const StreamTransport&) = delete;

  TransportKind kind() const override { return kind_; }
  PeerAddress local_address() const override { return local_; }
  // Sends on the flow's connection. False when that connection no longer exists (or just
  // closed because its send queue overflowed).
  bool send(std::string_view bytes, const Flow& flow) override;

  const StreamStats& stats() const { return stats_; }
  const RateLimiter& rate_limiter() const { return limiter_; }
  size_t connection_count() const { return connections_.size(); }
  size_t connections_from(const boost::asio::ip::address& ip) const;
  const StreamOptions& stream_options() const { return options_; }

 protected:
  StreamTransport(TransportKind kind, boost::asio::ip::tcp::acceptor acceptor, TransportUser& user,
                  const StreamOptions& options);
  // An open, bound, listening acceptor on `local`; `scheme` names it in errors ("tcp").
  static Result<boost::asio::ip::tcp::acceptor> bind(boost::asio::io_context& io,
                                                     const PeerAddress& local,
                                                     std::string_view scheme);
  // Starts the accept loop; call once the derived transport is constructed.
  void start_accepting();
  // A connection object for an accepted socket (not started).
  virtual std::shared_ptr<StreamConnection> make_accepted(boost::asio::ip::tcp::socket socket,
                                                          uint64_t id) = 0;
  uint64_t next_connection_id() { return next_id_++; }
  void add(const std::shared_ptr<StreamConnection>& connection);
  StreamConnection* find(uint64_t id) const;
  // An open connection to `remote` (§18.1.1 connection reuse), or null.
  StreamConnection* find_by_remote(const PeerAddress& remote) const;
  // Forgets a connection that never became usable, without the closed callback.
  void drop(uint64_t id) { connections_.erase(id); }
  boost::asio::any_io_executor executor() { return acceptor_.get_executor(); }
  StreamStats& mutable_stats() { return stats_; }
  // Completion handlers may run after the transport is gone; they check this first.
  const std::shared_ptr<bool>& alive() const { return alive_; }

 private:
  friend class StreamConnection;

  void accept();
  // Admission of an accepted socket: the per-source connection cap and rate limit.
  void admit(boost::asio::ip::tcp::socket socket);
  void forget(uint64_t id);

  TransportKind kind_;
  boost::asio::ip::tcp::acceptor acceptor_;
  TransportUser& user_;
  StreamOptions options_;
  PeerAddress local_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::shared_ptr<StreamConnection>> connections_;
  StreamStats stats_;
  RateLimiter limiter_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::sip
