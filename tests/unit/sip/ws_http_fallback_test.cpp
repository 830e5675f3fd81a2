// WsOptions::http_fallback over real loopback sockets with Beast's HTTP client: a request that is
// not a WebSocket upgrade goes to the handler (answered later, from the event loop), keep-alive
// serves a second request on the same connection (a POST with a body), a body over the limit gets
// 413 and the connection closes; without a handler such requests are refused (400) as before,
// and upgrades on a port with a handler still work.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <functional>
#include <string>
#include <vector>

#include "sip/ws_transport.hpp"

namespace tandem::sip {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using namespace std::chrono_literals;

struct Recorder final : TransportUser {
  std::vector<Message> messages;
  void on_message(Message message, const Flow&) override { messages.push_back(std::move(message)); }
};

bool run_until(asio::io_context& io, const std::function<bool()>& done) {
  const auto end = std::chrono::steady_clock::now() + 3s;
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.restart();
    io.run_for(5ms);
  }
  return done();
}

const PeerAddress kLoopback{asio::ip::make_address("127.0.0.1"), 0};

struct Seen {
  std::vector<std::string> requests;  // "METHOD target body"
  std::string remote;
};

// Answers from a later turn of the event loop, like a handler waiting for a media worker.
WsOptions serving(asio::io_context& io, Seen& seen) {
  WsOptions o;
  o.max_http_body = 64;
  o.http_fallback = [&io, &seen](const WsUpgradeRequest& request, const std::string& remote,
                                 WsHttpReply reply) {
    seen.requests.push_back(std::string(request.method_string()) + " " +
                            std::string(request.target()) + " " + request.body());
    seen.remote = remote;
    asio::post(io, [reply = std::move(reply), n = seen.requests.size()] {
      WsHttpResponse response(http::status::ok, 11);
      response.set(http::field::content_type, "application/json");
      response.body() = "{\"n\":" + std::to_string(n) + "}";
      reply(std::move(response));
    });
  };
  return o;
}

struct Client {
  Client(asio::io_context& io, const PeerAddress& server) : socket(io) {
    socket.connect({server.ip, server.port});
  }
  std::optional<http::response<http::string_body>> exchange(asio::io_context& io,
                                                            http::request<http::string_body> r) {
    r.set(http::field::host, "127.0.0.1");
    r.prepare_payload();
    http::write(socket, r);
    http::response<http::string_body> response;
    std::optional<boost::system::error_code> done;
    http::async_read(socket, buffer, response,
                     [&](boost::system::error_code ec, size_t) { done = ec; });
    if (!run_until(io, [&] { return done.has_value(); }) || done->failed()) return std::nullopt;
    return response;
  }
  bool closed_by_server(asio::io_context& io) {
    std::array<char, 16> more{};
    std::optional<boost::system::error_code> ec;
    socket.async_read_some(asio::buffer(more),
                           [&](boost::system::error_code e, size_t) { ec = e; });
    return run_until(io, [&] { return ec.has_value(); }) && *ec == asio::error::eof;
  }
  tcp::socket socket;
  beast::flat_buffer buffer;
};

TEST(WsHttpFallback, ServesPlainRequestsWithKeepAlive) {
  asio::io_context io;
  Recorder user;
  Seen seen;
  auto t = WsTransport::listen(io, kLoopback, user, serving(io, seen));
  ASSERT_TRUE(t.ok());
  Client client(io, (*t)->local_address());
  http::request<http::string_body> get(http::verb::get, "/api/ice-servers?token=x", 11);
  auto first = client.exchange(io, get);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->result_int(), 200u);
  EXPECT_EQ(first->body(), "{\"n\":1}");
  EXPECT_EQ((*first)[http::field::server], "tandem");
  EXPECT_TRUE(first->keep_alive());
  http::request<http::string_body> post(http::verb::post, "/api/echo", 11);
  post.body() = "v=0";
  auto second = client.exchange(io, post);  // same connection
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body(), "{\"n\":2}");
  ASSERT_EQ(seen.requests.size(), 2u);
  EXPECT_EQ(seen.requests[0], "GET /api/ice-servers?token=x ");
  EXPECT_EQ(seen.requests[1], "POST /api/echo v=0");
  EXPECT_EQ(seen.remote.rfind("127.0.0.1:", 0), 0u);
  EXPECT_TRUE(user.messages.empty());
  EXPECT_EQ((*t)->stats().upgrades_refused, 0u);

  http::request<http::string_body> last(http::verb::get, "/last", 11);
  last.keep_alive(false);
  auto third = client.exchange(io, last);
  ASSERT_TRUE(third);
  EXPECT_FALSE(third->keep_alive());
  EXPECT_TRUE(client.closed_by_server(io));
}

TEST(WsHttpFallback, OversizeBodyGets413AndClose) {
  asio::io_context io;
  Recorder user;
  Seen seen;
  auto t = WsTransport::listen(io, kLoopback, user, serving(io, seen));
  ASSERT_TRUE(t.ok());
  Client client(io, (*t)->local_address());
  http::request<http::string_body> post(http::verb::post, "/api/echo", 11);
  post.body() = std::string(1000, 'x');
  auto response = client.exchange(io, post);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413u);
  EXPECT_TRUE(seen.requests.empty());
  EXPECT_TRUE(client.closed_by_server(io));
}

TEST(WsHttpFallback, WithoutHandlerPlainRequestsAreRefused) {
  asio::io_context io;
  Recorder user;
  auto t = WsTransport::listen(io, kLoopback, user, WsOptions{});
  ASSERT_TRUE(t.ok());
  Client client(io, (*t)->local_address());
  auto response = client.exchange(io, http::request<http::string_body>(http::verb::get, "/", 11));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400u);
}

TEST(WsHttpFallback, UpgradesStillWork) {
  asio::io_context io;
  Recorder user;
  Seen seen;
  auto t = WsTransport::listen(io, kLoopback, user, serving(io, seen));
  ASSERT_TRUE(t.ok());
  websocket::stream<beast::tcp_stream> ws(io);
  beast::get_lowest_layer(ws).connect(
      tcp::endpoint((*t)->local_address().ip, (*t)->local_address().port));
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::request_type& r) { r.set(http::field::sec_websocket_protocol, "sip"); }));
  const std::string options =
      "OPTIONS sip:pbx@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS 127.0.0.9;branch=z9hG4bK-f1\r\n"
      "From: <sip:c@127.0.0.9>;tag=a\r\nTo: <sip:pbx@127.0.0.1>\r\nCall-ID: f1\r\n"
      "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  ws.async_handshake("127.0.0.1", "/sip", [&](boost::system::error_code ec) {
    if (!ec) ws.async_write(asio::buffer(options), [](boost::system::error_code, size_t) {});
  });
  ASSERT_TRUE(run_until(io, [&] { return user.messages.size() == 1; }));
  EXPECT_TRUE(seen.requests.empty());
}

}  // namespace
}  // namespace tandem::sip
