#include "sip/tcp_transport.hpp"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <deque>

#include "sip/stateless_reply.hpp"
#include "sip/stream_framer.hpp"

namespace tandem::sip {

namespace asio = boost::asio;
using asio::ip::tcp;

// One TCP connection. Handlers hold a shared_ptr to it; `transport_` is cleared when the
// transport goes away first, so late handlers do nothing.
class TcpTransport::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(TcpTransport& transport, tcp::socket socket, uint64_t id, bool accepted)
      : transport_(&transport),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        framer_(accepted ? StreamFramer::Role::kAccepted : StreamFramer::Role::kConnected,
                transport.options_.limits),
        id_(id) {
    boost::system::error_code ec;
    const auto remote = socket_.remote_endpoint(ec);
    const auto local = socket_.local_endpoint(ec);
    flow_ = Flow{TransportKind::kTcp, PeerAddress{remote.address(), remote.port()},
                 PeerAddress{local.address(), local.port()}, id};
  }

  void start() {
    read();
    arm_idle_timer();
  }
  const Flow& flow() const { return flow_; }

  void write(std::string bytes) {
    queue_.push_back(std::move(bytes));
    if (queue_.size() == 1) write_next();
  }

  void close() {
    transport_ = nullptr;
    boost::system::error_code ec;
    timer_.cancel();
    socket_.close(ec);
  }

 private:
  void read() {
    socket_.async_read_some(asio::buffer(buffer_),
                            [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                              if (self->transport_ == nullptr) return;
                              if (ec) return self->shut_down();
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
    TcpTransport& t = *transport_;
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
    asio::async_write(socket_, asio::buffer(queue_.front()),
                      [self = shared_from_this()](boost::system::error_code ec, size_t) {
                        if (self->transport_ == nullptr) return;
                        if (ec) return self->shut_down();
                        self->active_ = true;
                        self->queue_.pop_front();
                        if (!self->queue_.empty()) self->write_next();
                      });
  }

  void arm_idle_timer() {
    timer_.expires_after(transport_->options_.idle_timeout);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->transport_ == nullptr) return;
      if (!self->active_) return self->shut_down();
      self->active_ = false;
      self->arm_idle_timer();
    });
  }

  void shut_down() {
    if (transport_ == nullptr) return;
    TcpTransport* t = transport_;
    close();
    t->forget(id_);
  }

  TcpTransport* transport_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  StreamFramer framer_;
  uint64_t id_;
  Flow flow_;
  bool active_ = false;
  std::array<char, 16384> buffer_{};
  std::deque<std::string> queue_;
};

Result<std::unique_ptr<TcpTransport>> TcpTransport::listen(asio::io_context& io,
                                                           const PeerAddress& local,
                                                           TransportUser& user,
                                                           const TcpOptions& options) {
  boost::system::error_code ec;
  tcp::acceptor acceptor(io);
  const tcp::endpoint endpoint(local.ip, local.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{"cannot listen on tcp:" + local.to_string() + ": " + ec.message()};
  auto transport =
      std::unique_ptr<TcpTransport>(new TcpTransport(io, std::move(acceptor), user, options));
  transport->accept();
  return transport;
}

TcpTransport::TcpTransport(asio::io_context& io, tcp::acceptor acceptor, TransportUser& user,
                           const TcpOptions& options)
    : io_(io),
      acceptor_(std::move(acceptor)),
      user_(user),
      options_(options),
      limiter_(options.rate_limit) {
  const tcp::endpoint bound = acceptor_.local_endpoint();
  local_ = PeerAddress{bound.address(), bound.port()};
}

TcpTransport::~TcpTransport() {
  *alive_ = false;
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (auto& [id, connection] : connections_) connection->close();
}

void TcpTransport::accept() {
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
        adopt(std::move(socket), true);
      }
    }
    accept();
  });
}

std::shared_ptr<TcpTransport::Connection> TcpTransport::adopt(tcp::socket socket, bool accepted) {
  const uint64_t id = next_id_++;
  auto connection = std::make_shared<Connection>(*this, std::move(socket), id, accepted);
  connections_.emplace(id, connection);
  connection->start();
  return connection;
}

void TcpTransport::forget(uint64_t id) { connections_.erase(id); }

size_t TcpTransport::connections_from(const asio::ip::address& ip) const {
  size_t n = 0;
  for (const auto& [id, connection] : connections_) n += connection->flow().remote.ip == ip;
  return n;
}

bool TcpTransport::send(std::string_view bytes, const Flow& flow) {
  if (flow.connection_id == 0) {
    send_to(flow.remote, std::string(bytes), [](const Result<Flow>&) {});
    return true;
  }
  auto it = connections_.find(flow.connection_id);
  if (it == connections_.end()) return false;
  it->second->write(std::string(bytes));
  ++stats_.messages_out;
  return true;
}

void TcpTransport::send_to(const PeerAddress& remote, std::string bytes,
                           std::function<void(Result<Flow>)> done) {
  for (const auto& [id, connection] : connections_) {
    if (connection->flow().remote == remote) {
      connection->write(std::move(bytes));
      ++stats_.messages_out;
      return done(connection->flow());
    }
  }
  auto socket = std::make_shared<tcp::socket>(io_);
  socket->async_connect(
      tcp::endpoint(remote.ip, remote.port),
      [this, alive = alive_, socket, remote, bytes = std::move(bytes),
       done = std::move(done)](boost::system::error_code ec) mutable {
        if (!*alive) return;
        if (ec)
          return done(Error{"cannot connect to tcp:" + remote.to_string() + ": " + ec.message()});
        auto connection = adopt(std::move(*socket), false);
        connection->write(std::move(bytes));
        ++stats_.messages_out;
        done(connection->flow());
      });
}

}  // namespace tandem::sip
