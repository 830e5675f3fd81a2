#include "http/http_server.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <utility>

namespace tandem::http {

namespace asio = boost::asio;
using asio::ip::tcp;

HttpServer::HttpServer(asio::io_context& io, Handler handler, HttpLimits limits)
    : acceptor_(io),
      handler_(std::make_shared<const Handler>(std::move(handler))),
      limits_(limits) {}

Result<std::unique_ptr<HttpServer>> HttpServer::create(asio::io_context& io,
                                                       const std::string& listen, Handler handler,
                                                       HttpLimits limits) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Error{"http: expected address:port, got '" + listen + "'"};
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  const std::string_view port_text = std::string_view(listen).substr(colon + 1);
  const auto [end, ec_port] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec_port != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    return Error{"http: bad port in '" + listen + "'"};
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return Error{"http: bad address in '" + listen + "'"};
  std::unique_ptr<HttpServer> server(new HttpServer(io, std::move(handler), limits));
  const tcp::endpoint endpoint(address, static_cast<uint16_t>(port));
  server->acceptor_.open(endpoint.protocol(), ec);
  if (!ec) server->acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) server->acceptor_.bind(endpoint, ec);
  if (!ec) server->acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{"http: cannot listen on " + listen + ": " + ec.message()};
  return server;
}

void HttpServer::start() { accept(); }

void HttpServer::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

tcp::endpoint HttpServer::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void HttpServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) std::make_shared<HttpConnection>(std::move(socket), handler_, limits_)->start();
    accept();
  });
}

}  // namespace tandem::http
