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
#include <optional>
#include <type_traits>

namespace tandem::sip {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;

namespace {

constexpr const char* kServer = "tandem";

// A WebSocket message that is only CRLFs: the RFC 5626-style keep-alive some clients (SIP.js)
// send over WebSocket too.
bool is_crlf_only(std::string_view bytes) {
  return !bytes.empty() && bytes.find_first_not_of("\r\n") == std::string_view::npos;
}

// RFC 7118 §5: the WebSocket message delimits the SIP message, so Content-Length may be omitted;
// when present it must match the body exactly (as on any stream).
Result<Message> parse_ws_message(std::string_view bytes, const ParserLimits& limits) {
  auto strict = parse_message(bytes, limits, Framing::kStream);
  if (strict) {
    return strict;
  }
  auto relaxed = parse_message(bytes, limits, Framing::kDatagram);
  if (relaxed && !relaxed->has(HeaderId::kContentLength)) {
    return relaxed;
  }
  return strict;
}

WsHttpResponse plain_response(http::status status, unsigned version, std::string body) {
  WsHttpResponse response(status, version);
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::move(body);
  return response;
}

// An authorizer's status, if it is an HTTP error status; else 403.
http::status refusal_status(unsigned status) {
  return status >= 400 && status <= 599 ? static_cast<http::status>(status)
                                        : http::status::forbidden;
}

}  // namespace

// What the transport keeps of a WebSocket connection whatever its stream type: its identity.
class WsTransport::Connection : public sip::StreamConnection {
 public:
  using sip::StreamConnection::StreamConnection;
  const WsIdentity* identity() const { return identity_ ? &*identity_ : nullptr; }

 protected:
  std::optional<WsIdentity> identity_;
};

// One WS (Stream = beast::tcp_stream) or WSS (beast::ssl_stream<beast::tcp_stream>) connection.
template <typename Stream>
class WsTransport::TypedConnection final : public WsTransport::Connection {
  static constexpr bool kSecure = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  TypedConnection(WsTransport& transport, tcp::socket socket, uint64_t id, SslContextPtr context)
      : Connection(transport, id),
        options_(transport.options_),
        context_(std::move(context)),
        ws_(make(socket)) {
    set_flow(beast::get_lowest_layer(ws_).socket(), transport.kind());
  }

  void start() override {
    beast::get_lowest_layer(ws_).expires_after(options_.handshake_timeout);
    if constexpr (kSecure) {
      ws_.next_layer().async_handshake(asio::ssl::stream_base::server,
                                       [self = self()](boost::system::error_code ec) {
                                         if (!self->is_open()) {
                                           return;
                                         }
                                         if (ec) {
                                           return self->fail_handshake();
                                         }
                                         self->read_upgrade();
                                       });
    } else {
      read_upgrade();
    }
  }

  void close_gracefully(std::string_view reason) override {
    closing_ = true;
    close_reason_ = std::string(reason);
    if (writable() && queue_empty()) {
      send_close();
    }
  }

 private:
  websocket::stream<Stream> make(tcp::socket& socket) {
    if constexpr (kSecure) {
      return websocket::stream<Stream>(std::move(socket), *context_);
    } else {
      return websocket::stream<Stream>(std::move(socket));
    }
  }

  std::shared_ptr<TypedConnection> self() {
    return std::static_pointer_cast<TypedConnection>(shared_from_this());
  }

  void fail_handshake() {
    ++transport_stats().handshake_failures;
    shut_down();
  }

  void read_upgrade() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options_.max_upgrade_request_size));
    // An upgrade is a GET without a body; the HTTP fallback may take POST bodies.
    parser_->body_limit(options_.http_fallback ? options_.max_http_body : 0);
    http::async_read(
        ws_.next_layer(), buffer_, *parser_, [self = self()](boost::system::error_code ec, size_t) {
          if (!self->is_open()) {
            return;
          }
          if (ec == http::error::body_limit && self->options_.http_fallback) {
            return self->answer_http(
                plain_response(http::status::payload_too_large, 11, "request body too large\n"),
                false);
          }
          if (ec) {
            return self->fail_handshake();
          }
          WsUpgradeRequest request = self->parser_->release();
          if (!websocket::is_upgrade(request) && self->options_.http_fallback) {
            return self->serve_http(request);
          }
          self->on_upgrade(std::move(request));
        });
  }

  // A plain HTTP request handed to the fallback handler; its reply is written, then the next
  // request is read (keep-alive) or the connection closed.
  void serve_http(const WsUpgradeRequest& request) {
    beast::get_lowest_layer(ws_).expires_never();  // the reply may wait for a media worker
    const bool keep_alive = request.keep_alive();
    const unsigned version = request.version();
    std::weak_ptr<TypedConnection> weak = self();
    options_.http_fallback(request, flow().remote.to_string(),
                           [weak, keep_alive, version](WsHttpResponse response) {
                             auto self = weak.lock();
                             if (!self || !self->is_open()) {
                               return;
                             }
                             response.version(version);
                             self->answer_http(std::move(response), keep_alive);
                           });
  }

  void answer_http(WsHttpResponse response, bool keep_alive) {
    auto shared = std::make_shared<WsHttpResponse>(std::move(response));
    shared->set(http::field::server, kServer);
    shared->keep_alive(keep_alive);
    shared->prepare_payload();
    beast::get_lowest_layer(ws_).expires_after(options_.handshake_timeout);
    http::async_write(ws_.next_layer(), *shared,
                      [self = self(), shared, keep_alive](boost::system::error_code ec, size_t) {
                        if (!self->is_open()) {
                          return;
                        }
                        if (ec) {
                          return self->shut_down();
                        }
                        if (keep_alive) {
                          return self->read_upgrade();  // bounded by handshake_timeout
                        }
                        self->finish_refusal();
                      });
  }

  // The checks before the upgrade: a WebSocket upgrade offering `sip`, then the validator and
  // the authorizer. False when the request was refused (the refusal is under way).
  bool authorized(const WsUpgradeRequest& request) {
    if (!websocket::is_upgrade(request)) {
      refuse(http::status::bad_request, request,
             "This is a SIP over WebSocket endpoint (RFC 7118): send a WebSocket upgrade "
             "with \"Sec-WebSocket-Protocol: sip\".\n");
      return false;
    }
    if (!offers_sip_subprotocol(request)) {
      refuse(http::status::bad_request, request,
             "WebSocket upgrade refused: \"Sec-WebSocket-Protocol: sip\" is required "
             "(RFC 7118 §4).\n");
      return false;
    }
    if (options_.validate_upgrade) {
      if (auto reason = options_.validate_upgrade(request)) {
        refuse(http::status::unauthorized, request, *reason + "\n");
        return false;
      }
    }
    if (options_.authorize) {
      WsUpgradeVerdict verdict = options_.authorize(request);
      if (!is_open()) {
        return false;  // the authorizer closed the transport
      }
      if (!verdict.accepted) {
        refuse(refusal_status(verdict.status), request, std::move(verdict.body));
        return false;
      }
      identity_ = std::move(verdict.identity);
    }
    return true;
  }

  void on_upgrade(WsUpgradeRequest request) {
    if (!authorized(request)) {
      return;
    }
    beast::get_lowest_layer(ws_).expires_never();  // the WebSocket timeouts take over
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = options_.handshake_timeout;
    timeout.idle_timeout = options_.idle_timeout;
    timeout.keep_alive_pings = options_.keepalive_pings;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(http::field::sec_websocket_protocol, "sip");
      response.set(http::field::server, kServer);
    }));
    ws_.read_message_max(options_.limits.max_message_size);
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping && is_open()) {
        ++transport_stats().keepalives;  // Beast answers with the pong itself
      }
    });
    ws_.async_accept(request, [self = self()](boost::system::error_code ec) {
      if (!self->is_open()) {
        return;
      }
      if (ec) {
        ++self->transport_stats().upgrades_refused;  // Beast answered 400/426 itself
        return self->shut_down();
      }
      self->set_writable(true);
      if (self->is_open() && self->queue_empty() && self->closing_) {
        self->send_close();
      }
      if (self->is_open()) {
        self->read();
      }
    });
  }

  void refuse(http::status status, const WsUpgradeRequest& request, std::string body) {
    ++transport_stats().upgrades_refused;
    auto response = std::make_shared<http::response<http::string_body>>(status, request.version());
    response->set(http::field::server, kServer);
    // The gateway's token refusals are JSON ({"error":..,"detail":..}), like /api/ice-servers'.
    response->set(http::field::content_type, !body.empty() && body.front() == '{'
                                                 ? "application/json"
                                                 : "text/plain; charset=utf-8");
    if (status == http::status::unauthorized) {
      response->set(http::field::www_authenticate, "Bearer realm=\"tandem\"");
    }
    response->keep_alive(false);
    response->body() = std::move(body);
    response->prepare_payload();
    http::async_write(ws_.next_layer(), *response,
                      [self = self(), response](boost::system::error_code ec, size_t) {
                        if (!self->is_open()) {
                          return;
                        }
                        if (ec) {
                          return self->shut_down();
                        }
                        self->finish_refusal();
                      });
  }

  // After an HTTP refusal or a last HTTP answer: close_notify on TLS, FIN on TCP, then close
  // (bounded by the timeout).
  void finish_refusal() {
    if constexpr (kSecure) {
      ws_.next_layer().async_shutdown([self = self()](boost::system::error_code) {
        if (self->is_open()) {
          self->shut_down();
        }
      });
    } else {
      boost::system::error_code ec;
      beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_send, ec);
      shut_down();
    }
  }

  void read() {
    ws_.async_read(buffer_, [self = self()](boost::system::error_code ec, size_t) {
      if (!self->is_open()) {
        return;
      }
      if (ec) {
        return self->shut_down();  // closed by the peer (cleanly or not), too big, idle
      }
      self->text_ = self->ws_.got_text();
      const std::string bytes = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      self->on_message(bytes);
      if (self->is_open()) {
        self->read();
      }
    });
  }

  void on_message(std::string_view bytes) {
    if (!admit_message()) {
      return;  // flooding: closed
    }
    if (is_crlf_only(bytes)) {
      ++transport_stats().keepalives;
      if (bytes.size() >= 4) {
        write("\r\n");
      }
      return;
    }
    // A malformed message is answered; the next WebSocket message starts afresh, so the
    // connection stays.
    deliver(parse_ws_message(bytes, options_.limits), bytes);
  }

  void write_front(const std::string& bytes) override {
    ws_.text(text_);
    ws_.async_write(asio::buffer(bytes), [self = self()](boost::system::error_code ec, size_t) {
      self->on_written(ec);
    });
  }

  void on_queue_drained() override {
    if (closing_) {
      send_close();
    }
  }

  void send_close() {
    set_writable(false);  // nothing more is written
    websocket::close_reason reason(websocket::close_code::normal, close_reason_);
    ws_.async_close(reason, [self = self()](boost::system::error_code) {
      if (self->is_open()) {
        self->shut_down();
      }
    });
  }

  void close_stream() override { beast::get_lowest_layer(ws_).close(); }

  const WsOptions& options_;  // the transport's: it outlives every live use
  SslContextPtr context_;     // WSS: the TLS stream refers to it, so it lives as long as the stream
  websocket::stream<Stream> ws_;
  std::optional<http::request_parser<http::string_body>> parser_;
  beast::flat_buffer buffer_;
  std::string close_reason_;
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
  if (!server_context) {
    return Error{"cannot listen on wss:" + local.to_string() + ": no TLS context"};
  }
  return open(TransportKind::kWss, io, local, user, std::move(server_context), options);
}

Result<std::unique_ptr<WsTransport>> WsTransport::open(TransportKind kind, asio::io_context& io,
                                                       const PeerAddress& local,
                                                       TransportUser& user,
                                                       SslContextPtr server_context,
                                                       const WsOptions& options) {
  auto acceptor = bind(io, local, kind == TransportKind::kWss ? "wss" : "ws");
  if (!acceptor) {
    return acceptor.error();
  }
  auto transport = std::unique_ptr<WsTransport>(
      new WsTransport(kind, std::move(*acceptor), user, std::move(server_context), options));
  transport->start_accepting();
  return transport;
}

WsTransport::WsTransport(TransportKind kind, tcp::acceptor acceptor, TransportUser& user,
                         SslContextPtr server_context, const WsOptions& options)
    : StreamTransport(kind, std::move(acceptor), user, options),
      server_context_(std::move(server_context)),
      options_(options) {}

std::shared_ptr<StreamConnection> WsTransport::make_accepted(tcp::socket socket, uint64_t id) {
  if (kind() == TransportKind::kWss) {
    return std::make_shared<TypedConnection<beast::ssl_stream<beast::tcp_stream>>>(
        *this, std::move(socket), id, server_context_);
  }
  return std::make_shared<TypedConnection<beast::tcp_stream>>(*this, std::move(socket), id,
                                                              nullptr);
}

bool WsTransport::close(uint64_t connection_id, std::string_view reason) {
  StreamConnection* connection = find(connection_id);
  if (connection == nullptr) {
    return false;
  }
  connection->close_gracefully(reason);
  return true;
}

const WsIdentity* WsTransport::identity(uint64_t connection_id) const {
  const StreamConnection* connection = find(connection_id);
  return connection == nullptr ? nullptr : static_cast<const Connection*>(connection)->identity();
}

}  // namespace tandem::sip
