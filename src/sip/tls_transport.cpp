#include "sip/tls_transport.hpp"

#include <openssl/ssl.h>

#include <array>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <deque>

#include "sip/stateless_reply.hpp"
#include "sip/stream_framer.hpp"

namespace tandem::sip {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using asio::ip::tcp;

// One TLS connection: the TCP connection's pattern (framer, write queue, idle timer) behind a TLS
// handshake. Handlers hold a shared_ptr to it; `transport_` is cleared when the transport goes
// away first, so late handlers do nothing.
class TlsTransport::Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Ready = std::function<void(Result<Flow>)>;

  Connection(TlsTransport& transport, tcp::socket socket, SslContextPtr context, uint64_t id,
             bool accepted)
      : transport_(&transport),
        context_(std::move(context)),
        stream_(std::move(socket), *context_),
        timer_(stream_.get_executor()),
        framer_(accepted ? StreamFramer::Role::kAccepted : StreamFramer::Role::kConnected,
                transport.options_.limits),
        id_(id),
        accepted_(accepted) {
    boost::system::error_code ec;
    const auto remote = stream_.lowest_layer().remote_endpoint(ec);
    const auto local = stream_.lowest_layer().local_endpoint(ec);
    flow_ = Flow{TransportKind::kTls, PeerAddress{remote.address(), remote.port()},
                 PeerAddress{local.address(), local.port()}, id};
  }

  // Client side: SNI for a host name, and (when `verify`) the name or IP address the peer's
  // certificate must carry (RFC 5922 §7.1 in spirit: subjectAltName). False when OpenSSL refuses.
  bool expect_server_name(const std::string& name, bool verify) {
    boost::system::error_code ec;
    asio::ip::make_address(name, ec);
    const bool is_ip = !ec;
    if (!is_ip && SSL_set_tlsext_host_name(stream_.native_handle(), name.c_str()) != 1) {
      return false;
    }
    if (!verify) return true;
    stream_.set_verify_callback(ssl::host_name_verification(name), ec);
    return !ec;
  }

  void start(Ready ready = {}) {
    ready_ = std::move(ready);
    arm_timer(transport_->options_.handshake_timeout);
    stream_.async_handshake(
        accepted_ ? ssl::stream_base::server : ssl::stream_base::client,
        [self = shared_from_this()](boost::system::error_code ec) { self->on_handshake(ec); });
  }
  const Flow& flow() const { return flow_; }

  void write(std::string bytes) {
    queue_.push_back(std::move(bytes));
    if (ready_for_writes_ && queue_.size() == 1) write_next();
  }

  void close() {
    transport_ = nullptr;
    boost::system::error_code ec;
    timer_.cancel();
    stream_.lowest_layer().close(ec);
  }

 private:
  void on_handshake(boost::system::error_code ec) {
    if (transport_ == nullptr) return;
    if (ec) {
      ++transport_->handshake_failures_;
      if (ready_) {
        std::exchange(ready_, nullptr)(
            Error{"TLS handshake with " + flow_.remote.to_string() + " failed: " + ec.message()});
      }
      return shut_down();
    }
    handshaken_ = true;
    ready_for_writes_ = true;
    arm_timer(transport_->options_.idle_timeout);
    if (ready_) std::exchange(ready_, nullptr)(flow_);
    if (transport_ == nullptr) return;  // the callback may have destroyed the transport
    if (!queue_.empty()) write_next();
    read();
  }

  void read() {
    stream_.async_read_some(asio::buffer(buffer_),
                            [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                              if (self->transport_ == nullptr) return;
                              if (ec) return self->shut_down();  // closed, truncated or broken
                              self->active_ = true;
                              self->framer_.append(std::string_view(self->buffer_.data(), n));
                              if (self->drain()) self->read();
                            });
  }

  // Delivers every complete frame; false when the stream broke and the connection is closed.
  bool drain() {
    while (transport_ != nullptr) {
      auto frame = framer_.next();
      if (!frame) return shut_down(), false;  // cannot resynchronise: close (RFC 3261 §18.3)
      if (!frame->has_value()) return true;
      const auto& f = **frame;
      if (f.kind == StreamFramer::Frame::Kind::kPing) {
        ++transport_->stats_.keepalives;
        write("\r\n");  // RFC 5626 §4.4.1 pong
      } else if (f.kind == StreamFramer::Frame::Kind::kMessage) {
        deliver(f.bytes);
      }
    }
    return false;
  }

  void deliver(std::string_view bytes) {
    TlsTransport& t = *transport_;
    if (!t.limiter_.admit(flow_.remote.ip, SteadyClock::now())) return shut_down();  // flooding
    auto message = parse_message(bytes, t.options_.limits, Framing::kStream);
    if (!message) {
      ++t.stats_.malformed;
      if (auto reply = stateless_error_response(bytes, message.error())) write(*reply);
      return;
    }
    ++t.stats_.messages_in;
    if (message->is_request()) {
      stamp_top_via(*message, flow_.remote.ip.to_string(), flow_.remote.port);
    }
    t.user_.on_message(std::move(*message), flow_);
  }

  void write_next() {
    asio::async_write(stream_, asio::buffer(queue_.front()),
                      [self = shared_from_this()](boost::system::error_code ec, size_t) {
                        if (self->transport_ == nullptr) return;
                        if (ec) return self->shut_down();
                        self->active_ = true;
                        self->queue_.pop_front();
                        if (!self->queue_.empty()) self->write_next();
                      });
  }

  // Before the handshake completes the timer bounds it; afterwards it is the idle timer.
  void arm_timer(Duration after) {
    timer_.expires_after(after);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->transport_ == nullptr) return;
      if (!self->handshaken_) {
        if (self->ready_) {
          std::exchange(self->ready_, nullptr)(
              Error{"TLS handshake with " + self->flow_.remote.to_string() + " timed out"});
          if (self->transport_ == nullptr) return;
        }
        ++self->transport_->handshake_failures_;
        return self->shut_down();
      }
      if (!self->active_) return self->shut_down();
      self->active_ = false;
      self->arm_timer(self->transport_->options_.idle_timeout);
    });
  }

  void shut_down() {
    if (transport_ == nullptr) return;
    TlsTransport* t = transport_;
    close();
    t->forget(id_);
  }

  TlsTransport* transport_;
  SslContextPtr context_;  // the stream refers to it: keep it alive as long as the stream
  ssl::stream<tcp::socket> stream_;
  asio::steady_timer timer_;
  StreamFramer framer_;
  uint64_t id_;
  bool accepted_;
  Flow flow_;
  Ready ready_;
  bool handshaken_ = false;
  bool ready_for_writes_ = false;
  bool active_ = false;
  std::array<char, 16384> buffer_{};
  std::deque<std::string> queue_;
};

Result<std::unique_ptr<TlsTransport>> TlsTransport::listen(asio::io_context& io,
                                                           const PeerAddress& local,
                                                           TransportUser& user,
                                                           SslContextPtr server_context,
                                                           const TlsOptions& options) {
  if (!server_context)
    return Error{"cannot listen on tls:" + local.to_string() + ": no TLS context"};
  boost::system::error_code ec;
  tcp::acceptor acceptor(io);
  const tcp::endpoint endpoint(local.ip, local.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{"cannot listen on tls:" + local.to_string() + ": " + ec.message()};
  auto transport = std::unique_ptr<TlsTransport>(
      new TlsTransport(io, std::move(acceptor), user, std::move(server_context), options));
  transport->accept();
  return transport;
}

TlsTransport::TlsTransport(asio::io_context& io, tcp::acceptor acceptor, TransportUser& user,
                           SslContextPtr server_context, const TlsOptions& options)
    : io_(io),
      acceptor_(std::move(acceptor)),
      user_(user),
      server_context_(std::move(server_context)),
      options_(options),
      limiter_(options.rate_limit) {
  boost::system::error_code ec;
  const tcp::endpoint bound = acceptor_.local_endpoint(ec);
  local_ = PeerAddress{bound.address(), bound.port()};
}

TlsTransport::~TlsTransport() {
  *alive_ = false;
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (auto& [id, connection] : connections_) connection->close();
}

void TlsTransport::accept() {
  acceptor_.async_accept([this, alive = alive_](boost::system::error_code ec, tcp::socket socket) {
    if (!*alive || ec == asio::error::operation_aborted) return;
    if (!ec) {
      boost::system::error_code peer_ec;
      const auto remote = socket.remote_endpoint(peer_ec);
      if (!peer_ec && (connections_from(remote.address()) >= options_.max_connections_per_source ||
                       !limiter_.admit(remote.address(), SteadyClock::now()))) {
        ++stats_.connections_refused;  // one source may not starve everyone else
        socket.close(peer_ec);
      } else if (!peer_ec) {
        adopt(std::move(socket), true)->start();
      }
    }
    accept();
  });
}

std::shared_ptr<TlsTransport::Connection> TlsTransport::adopt(tcp::socket socket, bool accepted) {
  const uint64_t id = next_id_++;
  SslContextPtr context = accepted ? server_context_ : options_.client_context;
  auto connection =
      std::make_shared<Connection>(*this, std::move(socket), std::move(context), id, accepted);
  connections_.emplace(id, connection);
  return connection;
}

void TlsTransport::forget(uint64_t id) { connections_.erase(id); }

size_t TlsTransport::connections_from(const asio::ip::address& ip) const {
  size_t n = 0;
  for (const auto& [id, connection] : connections_) n += connection->flow().remote.ip == ip;
  return n;
}

Result<SslContextPtr> TlsTransport::client_context() {
  if (!options_.client_context) {
    auto context = make_tls_client_context();
    if (!context) return context;
    options_.client_context = std::move(*context);
  }
  return options_.client_context;
}

bool TlsTransport::send(std::string_view bytes, const Flow& flow) {
  auto it = connections_.find(flow.connection_id);
  if (it == connections_.end()) return false;
  it->second->write(std::string(bytes));
  ++stats_.messages_out;
  return true;
}

void TlsTransport::send_to(const PeerAddress& remote, std::string bytes,
                           std::function<void(Result<Flow>)> done, const std::string& server_name) {
  for (const auto& [id, connection] : connections_) {
    if (connection->flow().remote == remote) {
      connection->write(std::move(bytes));  // queued until its handshake is done
      ++stats_.messages_out;
      return done(connection->flow());
    }
  }
  if (auto context = client_context(); !context) return done(context.error());
  auto socket = std::make_shared<tcp::socket>(io_);
  socket->async_connect(
      tcp::endpoint(remote.ip, remote.port),
      [this, alive = alive_, socket, remote,
       name = server_name.empty() ? remote.ip.to_string() : server_name, bytes = std::move(bytes),
       done = std::move(done)](boost::system::error_code ec) mutable {
        if (!*alive) return;
        if (ec)
          return done(Error{"cannot connect to tls:" + remote.to_string() + ": " + ec.message()});
        auto connection = adopt(std::move(*socket), false);
        const bool verify =
            SSL_CTX_get_verify_mode(options_.client_context->native_handle()) != SSL_VERIFY_NONE;
        if (!connection->expect_server_name(name, verify)) {
          connection->close();
          forget(connection->flow().connection_id);
          return done(Error{"cannot verify tls:" + remote.to_string() + " as \"" + name + "\""});
        }
        connection->write(std::move(bytes));
        ++stats_.messages_out;
        connection->start(std::move(done));
      });
}

}  // namespace tandem::sip
