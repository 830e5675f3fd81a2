// One accepted HTTP/1.1 connection (Boost.Beast) on the signaling io_context: reads requests
// (bounded header and body sizes, an idle timeout), hands each to the handler and writes its
// reply, keeping the connection alive when the client asks. Requests on one connection are
// answered in order: the next is read only after the reply was written.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>

#include "http/http_types.hpp"

namespace tandem::http {

struct HttpLimits {
  size_t max_body = 64 * 1024;  // an SDP offer is ~6 KB
  size_t max_header = 16 * 1024;
  std::chrono::seconds idle_timeout{30};
};

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(boost::asio::ip::tcp::socket socket, std::shared_ptr<const Handler> handler,
                 HttpLimits limits);
  void start();
  void close();

 private:
  void read();
  void on_read(boost::beast::error_code ec);
  void write(HttpResponse response);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  std::shared_ptr<const Handler> handler_;
  HttpLimits limits_;
  std::string remote_;
  bool keep_alive_ = false;
};

}  // namespace tandem::http
