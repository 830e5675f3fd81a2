#include "http/http_connection.hpp"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/version.hpp>
#include <utility>

#include "http/beast_messages.hpp"

namespace tandem::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

HttpConnection::HttpConnection(boost::asio::ip::tcp::socket socket,
                               std::shared_ptr<const Handler> handler, HttpLimits limits)
    : stream_(std::move(socket)), handler_(std::move(handler)), limits_(limits) {
  boost::system::error_code ec;
  const auto peer = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = peer.address().to_string() + ":" + std::to_string(peer.port());
}

void HttpConnection::start() { read(); }

void HttpConnection::close() {
  boost::system::error_code ec;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  stream_.close();
}

void HttpConnection::read() {
  parser_.emplace();
  parser_->body_limit(limits_.max_body);
  parser_->header_limit(static_cast<uint32_t>(limits_.max_header));
  stream_.expires_after(limits_.idle_timeout);
  bhttp::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
}

void HttpConnection::on_read(beast::error_code ec) {
  if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
    keep_alive_ = false;
    write(HttpResponse::json(413, "{\"error\": \"request too large\"}"));
    return;
  }
  if (ec) {
    close();  // end of stream, timeout or a malformed request: nothing more to say
    return;
  }
  const auto& req = parser_->get();
  keep_alive_ = req.keep_alive();
  HttpRequest request = to_http_request(req, remote_);
  stream_.expires_never();  // the reply may wait for a media worker
  (*handler_)(request, [self = shared_from_this()](HttpResponse response) {
    self->write(std::move(response));
  });
}

void HttpConnection::write(HttpResponse response) {
  response_ = to_beast_response(std::move(response));
  response_.keep_alive(keep_alive_);
  response_.prepare_payload();
  stream_.expires_after(limits_.idle_timeout);
  bhttp::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec || !self->keep_alive_) {
      self->close();
      return;
    }
    self->read();
  });
}

}  // namespace tandem::http
