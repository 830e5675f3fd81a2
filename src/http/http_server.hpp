// The HTTP listener of the signaling thread: binds at construction (so "address in use" is a
// start-up error), accepts on the caller's io_context and runs one HttpConnection per client.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "http/http_connection.hpp"
#include "http/http_types.hpp"

namespace tandem::http {

class HttpServer {
 public:
  // listen: "127.0.0.1:8088" or "[::1]:8088".
  static Result<std::unique_ptr<HttpServer>> create(boost::asio::io_context& io,
                                                    const std::string& listen, Handler handler,
                                                    HttpLimits limits = {});
  void start();
  // Stops accepting; connections in progress finish on their own.
  void stop();
  boost::asio::ip::tcp::endpoint local_endpoint() const;

 private:
  HttpServer(boost::asio::io_context& io, Handler handler, HttpLimits limits);
  void accept();

  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<const Handler> handler_;
  HttpLimits limits_;
};

}  // namespace tandem::http
