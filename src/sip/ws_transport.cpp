#include "sip/ws_transport.hpp"

#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <type_traits>

#include "sip/stateless_reply.hpp"

namespace tandem::sip {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;

namespace {

constexpr const char* kServer = "tandem";

// RFC 6455 §4.2.1: Sec-WebSocket-Protocol lists tokens, possibly over several header lines.
bool offers_sip(const WsUpgradeRequest& request) {
  for (auto it = request.find(http::field::sec_websocket_protocol);
       it != request.end() && it->name() == http::field::sec_websocket_protocol; ++it) {
    std::string_view list(it->value().data(), it->value().size());
    while (!list.empty()) {
      const size_t comma = list.find(',');
      std::string_view token = list.substr(0, comma);
      while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) {
        token.remove_prefix(1);
      }
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
        token.remove_suffix(1);
      if (token == "sip") return true;  // RFC 7118 §4: the registered subprotocol, as written
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  return false;
}

// A WebSocket message that is only CRLFs: the RFC 5626-style keep-alive some clients (SIP.js)
// send over WebSocket too.
bool is_crlf_only(std::string_view bytes) {
  return !bytes.empty() && bytes.find_first_not_of("\r\n") == std::string_view::npos;
}

// RFC 7118 §5: the WebSocket message delimits the SIP message, so Content-Length may be omitted;
// when present it must match the body exactly (as on any stream).
Result<Message> parse_ws_message(std::string_view bytes, const ParserLimits& limits) {
  auto strict = parse_message(bytes, limits, Framing::kStream);
  if (strict) return strict;
  auto relaxed = parse_message(bytes, limits, Framing::kDatagram);
  if (relaxed && !relaxed->has(HeaderId::kContentLength)) return relaxed;
  return strict;
}

}  // namespace

// What the transport sees of a connection, whatever its stream type.
class WsTransport::Connection : public std::enable_shared_from_this<Connection> {
 public:
  virtual ~Connection() = default;
  virtual void start() = 0;
  virtual void write(std::string bytes) = 0;
  virtual void close_gracefully(std::string reason) = 0;
  // Abrupt close: the transport is going away or the connection failed.
  virtual void close() = 0;
  const Flow& flow() const { return flow_; }

 protected:
  Flow flow_;
};

// One WS (Stream = beast::tcp_stream) or WSS (beast::ssl_stream<beast::tcp_stream>) connection.
// Handlers hold a shared_ptr to it; `transport_` is cleared when the transport goes away first,
// so late handlers do nothing.
template <typename Stream>
class WsTransport::StreamConnection final : public WsTransport::Connection {
  static constexpr bool kSecure = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  StreamConnection(WsTransport& transport, tcp::socket socket, uint64_t id, SslContextPtr context)
      : transport_(&transport), id_(id), context_(std::move(context)), ws_(make(socket)) {
    boost::system::error_code ec;
    const auto remote = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
    const auto local = beast::get_lowest_layer(ws_).socket().local_endpoint(ec);
    flow_ = Flow{transport.kind_, PeerAddress{remote.address(), remote.port()},
                 PeerAddress{local.address(), local.port()}, id};
  }

  void start() override {
    beast::get_lowest_layer(ws_).expires_after(transport_->options_.handshake_timeout);
    if constexpr (kSecure) {
      ws_.next_layer().async_handshake(asio::ssl::stream_base::server,
                                       [self = self()](boost::system::error_code ec) {
                                         if (self->transport_ == nullptr) return;
                                         if (ec) return self->fail_handshake();
                                         self->read_upgrade();
                                       });
    } else {
      read_upgrade();
    }
  }

  void write(std::string bytes) override {
    queue_.push_back(std::move(bytes));
    if (open_ && queue_.size() == 1) write_next();
  }

  void close_gracefully(std::string reason) override {
    closing_ = true;
    close_reason_ = std::move(reason);
    if (open_ && queue_.empty()) send_close();
  }

  void close() override {
    transport_ = nullptr;
    open_ = false;
    beast::get_lowest_layer(ws_).close();
  }

 private:
  websocket::stream<Stream> make(tcp::socket& socket) {
    if constexpr (kSecure) {
      return websocket::stream<Stream>(std::move(socket), *context_);
    } else {
      return websocket::stream<Stream>(std::move(socket));
    }
  }

  std::shared_ptr<StreamConnection> self() {
    return std::static_pointer_cast<StreamConnection>(shared_from_this());
  }

  void fail_handshake() {
    ++transport_->stats_.handshake_failures;
    shut_down();
  }

  void read_upgrade() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(transport_->options_.max_upgrade_request_size));
    parser_->body_limit(0);  // an upgrade is a GET: no body
    http::async_read(ws_.next_layer(), buffer_, *parser_,
                     [self = self()](boost::system::error_code ec, size_t) {
                       if (self->transport_ == nullptr) return;
                       if (ec) return self->fail_handshake();
                       self->on_upgrade(self->parser_->release());
                     });
  }

  void on_upgrade(WsUpgradeRequest request) {
    if (!websocket::is_upgrade(request)) {
      return refuse(http::status::bad_request, request,
                    "This is a SIP over WebSocket endpoint (RFC 7118): send a WebSocket upgrade "
                    "with \"Sec-WebSocket-Protocol: sip\".\n");
    }
    if (!offers_sip(request)) {
      return refuse(http::status::bad_request, request,
                    "WebSocket upgrade refused: \"Sec-WebSocket-Protocol: sip\" is required "
                    "(RFC 7118 §4).\n");
    }
    if (const auto& validate = transport_->options_.validate_upgrade) {
      if (auto reason = validate(request)) {
        return refuse(http::status::unauthorized, request, *reason + "\n");
      }
    }
    const WsOptions& options = transport_->options_;
    beast::get_lowest_layer(ws_).expires_never();  // the WebSocket timeouts take over
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = options.handshake_timeout;
    timeout.idle_timeout = options.idle_timeout;
    timeout.keep_alive_pings = options.keepalive_pings;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(http::field::sec_websocket_protocol, "sip");
      response.set(http::field::server, kServer);
    }));
    ws_.read_message_max(options.limits.max_message_size);
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping && transport_ != nullptr) {
        ++transport_->stats_.keepalives;  // Beast answers with the pong itself
      }
    });
    ws_.async_accept(request, [self = self()](boost::system::error_code ec) {
      if (self->transport_ == nullptr) return;
      if (ec) {
        ++self->transport_->stats_.upgrades_refused;  // Beast answered 400/426 itself
        return self->shut_down();
      }
      self->open_ = true;
      if (!self->queue_.empty()) {
        self->write_next();
      } else if (self->closing_) {
        self->send_close();
      }
      self->read();
    });
  }

  void refuse(http::status status, const WsUpgradeRequest& request, std::string body) {
    ++transport_->stats_.upgrades_refused;
    auto response = std::make_shared<http::response<http::string_body>>(status, request.version());
    response->set(http::field::server, kServer);
    response->set(http::field::content_type, "text/plain; charset=utf-8");
    if (status == http::status::unauthorized) {
      response->set(http::field::www_authenticate, "Bearer realm=\"tandem\"");
    }
    response->keep_alive(false);
    response->body() = std::move(body);
    response->prepare_payload();
    http::async_write(ws_.next_layer(), *response,
                      [self = self(), response](boost::system::error_code ec, size_t) {
                        if (self->transport_ == nullptr) return;
                        if (ec) return self->shut_down();
                        self->finish_refusal();
                      });
  }

  // After an HTTP refusal: close_notify on TLS, FIN on TCP, then close (bounded by the timeout).
  void finish_refusal() {
    if constexpr (kSecure) {
      ws_.next_layer().async_shutdown([self = self()](boost::system::error_code) {
        if (self->transport_ != nullptr) self->shut_down();
      });
    } else {
      boost::system::error_code ec;
      beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_send, ec);
      shut_down();
    }
  }

  void read() {
    ws_.async_read(buffer_, [self = self()](boost::system::error_code ec, size_t) {
      if (self->transport_ == nullptr) return;
      if (ec) return self->shut_down();  // closed by the peer (cleanly or not), too big, idle
      self->text_ = self->ws_.got_text();
      const std::string bytes = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      self->deliver(bytes);
      if (self->transport_ != nullptr) self->read();
    });
  }

  void deliver(std::string_view bytes) {
    WsTransport& t = *transport_;
    if (!t.limiter_.admit(flow_.remote.ip, SteadyClock::now())) return shut_down();  // flooding
    if (is_crlf_only(bytes)) {
      ++t.stats_.keepalives;
      if (bytes.size() >= 4) write("\r\n");
      return;
    }
    auto message = parse_ws_message(bytes, t.options_.limits);
    if (!message) {
      ++t.stats_.malformed;  // the next WebSocket message starts afresh: keep the connection
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
    ws_.text(text_);
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = self()](boost::system::error_code ec, size_t) {
                      if (self->transport_ == nullptr) return;
                      if (ec) return self->shut_down();
                      self->queue_.pop_front();
                      if (!self->queue_.empty()) {
                        self->write_next();
                      } else if (self->closing_) {
                        self->send_close();
                      }
                    });
  }

  void send_close() {
    open_ = false;  // nothing more is written
    websocket::close_reason reason(websocket::close_code::normal, close_reason_);
    ws_.async_close(reason, [self = self()](boost::system::error_code) {
      if (self->transport_ != nullptr) self->shut_down();
    });
  }

  void shut_down() {
    if (transport_ == nullptr) return;
    WsTransport* t = transport_;
    close();
    t->forget(id_);
  }

  WsTransport* transport_;
  uint64_t id_;
  SslContextPtr context_;  // WSS: the TLS stream refers to it, so it lives as long as the stream
  websocket::stream<Stream> ws_;
  std::optional<http::request_parser<http::string_body>> parser_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::string close_reason_;
  bool open_ = false;     // the WebSocket handshake is done and no close frame was sent
  bool closing_ = false;  // close once the queue is written
  bool text_ = true;      // answer with the type of message the peer last sent
};

Result<std::unique_ptr<WsTransport>> WsTransport::listen(asio::io_context& io,
                                                         const PeerAddress& local,
                                                         TransportUser& user,
                                                         const WsOptions& options) {
  return open(TransportKind::kWs, io, local, user, nullptr, options);
}

Result<std::unique_ptr<WsTransport>> WsTransport::listen_secure(asio::io_context& io,
                                                                const PeerAddress& local,
                                                                TransportUser& user,
                                                                SslContextPtr server_context,
                                                                const WsOptions& options) {
  if (!server_context)
    return Error{"cannot listen on wss:" + local.to_string() + ": no TLS context"};
  return open(TransportKind::kWss, io, local, user, std::move(server_context), options);
}

Result<std::unique_ptr<WsTransport>> WsTransport::open(TransportKind kind, asio::io_context& io,
                                                       const PeerAddress& local,
                                                       TransportUser& user,
                                                       SslContextPtr server_context,
                                                       const WsOptions& options) {
  const std::string scheme = kind == TransportKind::kWss ? "wss:" : "ws:";
  boost::system::error_code ec;
  tcp::acceptor acceptor(io);
  const tcp::endpoint endpoint(local.ip, local.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{"cannot listen on " + scheme + local.to_string() + ": " + ec.message()};
  auto transport = std::unique_ptr<WsTransport>(
      new WsTransport(kind, std::move(acceptor), user, std::move(server_context), options));
  transport->accept();
  return transport;
}

WsTransport::WsTransport(TransportKind kind, tcp::acceptor acceptor, TransportUser& user,
                         SslContextPtr server_context, const WsOptions& options)
    : kind_(kind),
      acceptor_(std::move(acceptor)),
      user_(user),
      server_context_(std::move(server_context)),
      options_(options),
      limiter_(options.rate_limit) {
  boost::system::error_code ec;
  const tcp::endpoint bound = acceptor_.local_endpoint(ec);
  local_ = PeerAddress{bound.address(), bound.port()};
}

WsTransport::~WsTransport() {
  *alive_ = false;
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (auto& [id, connection] : connections_) connection->close();
}

void WsTransport::accept() {
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
        const uint64_t id = next_id_++;
        std::shared_ptr<Connection> connection;
        if (kind_ == TransportKind::kWss) {
          connection = std::make_shared<StreamConnection<beast::ssl_stream<beast::tcp_stream>>>(
              *this, std::move(socket), id, server_context_);
        } else {
          connection = std::make_shared<StreamConnection<beast::tcp_stream>>(
              *this, std::move(socket), id, nullptr);
        }
        connections_.emplace(id, connection);
        connection->start();
      }
    }
    accept();
  });
}

void WsTransport::forget(uint64_t id) { connections_.erase(id); }

size_t WsTransport::connections_from(const asio::ip::address& ip) const {
  size_t n = 0;
  for (const auto& [id, connection] : connections_) n += connection->flow().remote.ip == ip;
  return n;
}

bool WsTransport::send(std::string_view bytes, const Flow& flow) {
  auto it = connections_.find(flow.connection_id);
  if (it == connections_.end()) return false;
  it->second->write(std::string(bytes));
  ++stats_.messages_out;
  return true;
}

bool WsTransport::close(uint64_t connection_id, std::string_view reason) {
  auto it = connections_.find(connection_id);
  if (it == connections_.end()) return false;
  it->second->close_gracefully(std::string(reason));
  return true;
}

}  // namespace tandem::sip
