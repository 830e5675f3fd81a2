// StreamTransport's shared logic over real loopback sockets: admission (connections per source,
// the rate limiter at accept and per message), idle timeout and keep-alive pongs, the message size
// limit, the bounded send queue, connection reuse, the closed callback; and the WebSocket upgrade
// authorizer driven by Beast's own WebSocket and HTTP clients.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <functional>
#include <string>
#include <vector>

#include "sip/tcp_transport.hpp"
#include "sip/ws_transport.hpp"
#include "sip/ws_upgrade.hpp"

namespace tandem::sip {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using namespace std::chrono_literals;

struct Recorder final : TransportUser {
  std::vector<std::pair<Message, Flow>> messages;
  void on_message(Message message, const Flow& flow) override {
    messages.emplace_back(std::move(message), flow);
  }
};

bool run_until(asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit = 3s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.restart();
    io.run_for(5ms);
  }
  return done();
}

std::string options(int n, std::string_view extra = {}) {
  return "OPTIONS sip:pbx@127.0.0.1 SIP/2.0\r\n"
         "Via: SIP/2.0/TCP 127.0.0.9:5060;branch=z9hG4bK-st" +
         std::to_string(n) +
         "\r\n"
         "From: <sip:c@127.0.0.9>;tag=a\r\nTo: <sip:pbx@127.0.0.1>\r\n"
         "Call-ID: st-" +
         std::to_string(n) + "\r\nCSeq: 1 OPTIONS\r\n" + std::string(extra) +
         "Content-Length: 0\r\n\r\n";
}

// A plain TCP client bound to `source` (127.0.0.x), reading everything the server sends.
struct Client {
  Client(asio::io_context& io, const PeerAddress& server, const std::string& source = "127.0.0.1")
      : socket(io) {
    socket.open(tcp::v4());
    socket.bind({asio::ip::make_address(source), 0});
    socket.connect({server.ip, server.port});
    read();
  }
  void read() {
    socket.async_read_some(asio::buffer(chunk), [this](boost::system::error_code ec, size_t n) {
      if (ec) {
        closed = true;
        return;
      }
      received.append(chunk.data(), n);
      read();
    });
  }
  void send(const std::string& bytes) { asio::write(socket, asio::buffer(bytes)); }

  tcp::socket socket;
  std::array<char, 4096> chunk{};
  std::string received;
  bool closed = false;
};

const PeerAddress kLoopback{asio::ip::make_address("127.0.0.1"), 0};

// A clock that only moves when told: the rate limiter's buckets refill only then.
struct FakeClock {
  TimePoint now = TimePoint{} + 1h;
  std::function<TimePoint()> fn() {
    return [this] { return now; };
  }
};

TEST(StreamTransport, CapsConnectionsPerSource) {
  asio::io_context io;
  Recorder user;
  TcpOptions o;
  o.max_connections_per_source = 2;
  auto t = TcpTransport::listen(io, kLoopback, user, o);
  ASSERT_TRUE(t.ok());
  Client a(io, (*t)->local_address()), b(io, (*t)->local_address()), c(io, (*t)->local_address());
  EXPECT_TRUE(run_until(io, [&] { return (*t)->stats().connections_refused == 1; }));
  EXPECT_TRUE(run_until(io, [&] { return c.closed || a.closed || b.closed; }));
  EXPECT_EQ((*t)->connection_count(), 2u);
  // Another source is not affected by the first one's cap.
  Client d(io, (*t)->local_address(), "127.0.0.2");
  EXPECT_TRUE(run_until(io, [&] { return (*t)->connection_count() == 3; }));
  EXPECT_EQ((*t)->connections_from(asio::ip::make_address("127.0.0.2")), 1u);
}

TEST(StreamTransport, FloodingSourceIsCutOffOthersAreNot) {
  asio::io_context io;
  Recorder user;
  FakeClock clock;
  TcpOptions o;
  o.rate_limit.messages_per_second = 1;
  o.rate_limit.burst = 5;  // the accept takes one token, four messages remain
  o.clock = clock.fn();
  std::vector<Flow> closed;
  o.on_connection_closed = [&](const Flow& f) { closed.push_back(f); };
  auto t = TcpTransport::listen(io, kLoopback, user, o);
  ASSERT_TRUE(t.ok());
  Client flooder(io, (*t)->local_address(), "127.0.0.2");
  std::string burst;
  for (int i = 0; i < 10; ++i) {
    burst += options(i);
  }
  flooder.send(burst);
  EXPECT_TRUE(run_until(io, [&] { return flooder.closed; }));
  EXPECT_EQ(user.messages.size(), 4u);
  EXPECT_EQ((*t)->stats().flood_disconnects, 1u);
  EXPECT_EQ((*t)->connection_count(), 0u);
  ASSERT_TRUE(run_until(io, [&] { return closed.size() == 1; }));
  EXPECT_EQ(closed[0].remote.ip.to_string(), "127.0.0.2");

  // Its bucket is empty (the clock stands still): a new connection is refused at accept.
  Client again(io, (*t)->local_address(), "127.0.0.2");
  EXPECT_TRUE(run_until(io, [&] { return again.closed; }));
  EXPECT_EQ((*t)->stats().connections_refused, 1u);

  // Another source has its own bucket.
  Client good(io, (*t)->local_address(), "127.0.0.3");
  good.send(options(100));
  EXPECT_TRUE(run_until(io, [&] { return user.messages.size() == 5; }));
  EXPECT_FALSE(good.closed);

  // Time refills the flooder's bucket.
  clock.now += 10s;
  Client later(io, (*t)->local_address(), "127.0.0.2");
  later.send(options(200));
  EXPECT_TRUE(run_until(io, [&] { return user.messages.size() == 6; }));
}

TEST(StreamTransport, IdleConnectionsCloseKeepAlivesArePonged) {
  asio::io_context io;
  Recorder user;
  TcpOptions o;
  o.idle_timeout = 200ms;
  auto t = TcpTransport::listen(io, kLoopback, user, o);
  ASSERT_TRUE(t.ok());
  Client c(io, (*t)->local_address());
  c.send("\r\n\r\n");  // RFC 5626 ping
  EXPECT_TRUE(run_until(io, [&] { return c.received == "\r\n"; }));
  EXPECT_EQ((*t)->stats().keepalives, 1u);
  EXPECT_TRUE(run_until(
      io, [&] { return c.closed; }, 2s));
  EXPECT_EQ((*t)->connection_count(), 0u);
}

TEST(StreamTransport, OversizeMessageClosesMalformedIsAnswered) {
  asio::io_context io;
  Recorder user;
  TcpOptions o;
  o.limits.max_message_size = 1000;
  auto t = TcpTransport::listen(io, kLoopback, user, o);
  ASSERT_TRUE(t.ok());
  Client bad(io, (*t)->local_address());
  bad.send(options(1, "Max-Forwards: 300\r\n"));  // malformed: answered 400, connection kept
  EXPECT_TRUE(run_until(io, [&] { return bad.received.find("\r\n\r\n") != std::string::npos; }));
  EXPECT_EQ(bad.received.rfind("SIP/2.0 400", 0), 0u) << bad.received;
  EXPECT_EQ((*t)->stats().malformed, 1u);
  EXPECT_FALSE(bad.closed);

  std::string big = options(2);
  big.replace(big.find("Content-Length: 0"), 17, "Content-Length: 5000");
  bad.send(big);  // oversize: the framer cannot resynchronise, the connection closes
  EXPECT_TRUE(run_until(io, [&] { return bad.closed; }));
  EXPECT_TRUE(user.messages.empty());
}

TEST(StreamTransport, SendQueueIsBounded) {
  asio::io_context io;
  Recorder user;
  TcpOptions o;
  o.max_send_queue_bytes = 4096;
  auto t = TcpTransport::listen(io, kLoopback, user, o);
  ASSERT_TRUE(t.ok());
  Client c(io, (*t)->local_address());
  c.send(options(1));
  ASSERT_TRUE(run_until(io, [&] { return user.messages.size() == 1; }));
  const Flow flow = user.messages[0].second;
  // Nothing is written until the io_context runs, so both sends stay queued: the second one
  // exceeds the bound and costs the connection.
  EXPECT_TRUE((*t)->send(std::string(3000, 'a'), flow));
  EXPECT_FALSE((*t)->send(std::string(3000, 'b'), flow));
  EXPECT_EQ((*t)->stats().send_queue_overflows, 1u);
  EXPECT_EQ((*t)->connection_count(), 0u);
  EXPECT_FALSE((*t)->send("x", flow));
  EXPECT_TRUE(run_until(io, [&] { return c.closed; }));
}

TEST(StreamTransport, ConnectionsAreReusedPerPeer) {
  asio::io_context io;
  Recorder server_user, client_user;
  auto server = TcpTransport::listen(io, kLoopback, server_user);
  auto client = TcpTransport::listen(io, kLoopback, client_user);
  ASSERT_TRUE(server.ok() && client.ok());
  std::vector<Result<Flow>> done;
  for (int i = 0; i < 2; ++i) {
    (*client)->send_to((*server)->local_address(), options(i),
                       [&](Result<Flow> r) { done.push_back(std::move(r)); });
    ASSERT_TRUE(run_until(io, [&] { return server_user.messages.size() == size_t(i) + 1; }));
  }
  ASSERT_EQ(done.size(), 2u);
  ASSERT_TRUE(done[0].ok() && done[1].ok());
  EXPECT_EQ(done[0]->connection_id, done[1]->connection_id);
  EXPECT_EQ((*client)->connection_count(), 1u);
  EXPECT_EQ(server_user.messages[0].second.connection_id,
            server_user.messages[1].second.connection_id);
}

// --- WebSocket upgrade authorization ----------------------------------------------------------

struct Seen {
  std::string target;
  std::string authorization;
};

WsOptions authorizing(Seen& seen) {
  WsOptions o;
  o.authorize = [&seen](const WsUpgradeRequest& request) {
    seen.target = std::string(request.target());
    seen.authorization = std::string(request[http::field::authorization]);
    if (request[http::field::authorization] == "Bearer good") {
      WsIdentity identity{"alice", std::string("claims")};
      return WsUpgradeVerdict::accept(std::move(identity));
    }
    return WsUpgradeVerdict::refuse(401, "token expired\n");
  };
  return o;
}

TEST(WsAuthorizer, AcceptedUpgradeKeepsTheIdentity) {
  asio::io_context io;
  Recorder user;
  Seen seen;
  auto t = WsTransport::listen(io, kLoopback, user, authorizing(seen));
  ASSERT_TRUE(t.ok());
  websocket::stream<beast::tcp_stream> ws(io);
  beast::get_lowest_layer(ws).connect(
      tcp::endpoint((*t)->local_address().ip, (*t)->local_address().port));
  ws.set_option(websocket::stream_base::decorator([](websocket::request_type& r) {
    r.set(http::field::sec_websocket_protocol, "sip");
    r.set(http::field::authorization, "Bearer good");
  }));
  bool upgraded = false;
  ws.async_handshake("127.0.0.1", "/sip?token=abc&x=1", [&](boost::system::error_code ec) {
    upgraded = !ec;
    if (!ec) {
      ws.async_write(asio::buffer(options(1)), [](boost::system::error_code, size_t) {});
    }
  });
  ASSERT_TRUE(run_until(io, [&] { return user.messages.size() == 1; }));
  EXPECT_TRUE(upgraded);
  EXPECT_EQ(seen.target, "/sip?token=abc&x=1");
  EXPECT_EQ(seen.authorization, "Bearer good");
  const Flow& flow = user.messages[0].second;
  const WsIdentity* identity = (*t)->identity(flow.connection_id);
  ASSERT_NE(identity, nullptr);
  EXPECT_EQ(identity->subject, "alice");
  EXPECT_EQ(std::any_cast<std::string>(identity->details), "claims");
  EXPECT_EQ((*t)->identity(flow.connection_id + 1000), nullptr);
}

TEST(WsAuthorizer, RefusedUpgradeGetsTheStatusAndBody) {
  asio::io_context io;
  Recorder user;
  Seen seen;
  auto t = WsTransport::listen(io, kLoopback, user, authorizing(seen));
  ASSERT_TRUE(t.ok());
  // Beast's HTTP client sends the upgrade and reads the refusal.
  tcp::socket socket(io);
  socket.connect({(*t)->local_address().ip, (*t)->local_address().port});
  http::request<http::empty_body> request(http::verb::get, "/sip?token=expired", 11);
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::upgrade, "websocket");
  request.set(http::field::connection, "Upgrade");
  request.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  request.set(http::field::sec_websocket_version, "13");
  request.set(http::field::sec_websocket_protocol, "sip");
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  bool read = false;
  http::async_read(socket, buffer, response,
                   [&](boost::system::error_code ec, size_t) { read = !ec; });
  ASSERT_TRUE(run_until(io, [&] { return read; }));
  EXPECT_EQ(response.result_int(), 401u);
  EXPECT_EQ(response.body(), "token expired\n");
  EXPECT_EQ(response[http::field::www_authenticate], "Bearer realm=\"tandem\"");
  EXPECT_EQ(seen.target, "/sip?token=expired");
  // No upgrade: the server closes the connection.
  std::array<char, 16> more{};
  boost::system::error_code eof;
  socket.async_read_some(asio::buffer(more), [&](boost::system::error_code ec, size_t) {
    eof = ec ? ec : asio::error::would_block;
  });
  ASSERT_TRUE(run_until(io, [&] { return static_cast<bool>(eof); }));
  EXPECT_EQ(eof, asio::error::eof);
  EXPECT_EQ((*t)->stats().upgrades_refused, 1u);
  EXPECT_TRUE(run_until(io, [&] { return (*t)->connection_count() == 0; }));

  // Beast's WebSocket client sees the upgrade fail too (403 from a refusal with a bad status).
  WsOptions o;
  o.authorize = [](const WsUpgradeRequest&) { return WsUpgradeVerdict::refuse(200, "no"); };
  auto strict = WsTransport::listen(io, kLoopback, user, o);
  ASSERT_TRUE(strict.ok());
  websocket::stream<beast::tcp_stream> ws(io);
  beast::get_lowest_layer(ws).connect(
      tcp::endpoint((*strict)->local_address().ip, (*strict)->local_address().port));
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::request_type& r) { r.set(http::field::sec_websocket_protocol, "sip"); }));
  websocket::response_type refused;
  std::optional<boost::system::error_code> handshake;
  ws.async_handshake(refused, "127.0.0.1", "/sip",
                     [&](boost::system::error_code ec) { handshake = ec; });
  ASSERT_TRUE(run_until(io, [&] { return handshake.has_value(); }));
  EXPECT_TRUE(handshake->failed());
  EXPECT_EQ(refused.result_int(), 403u);
  EXPECT_TRUE(user.messages.empty());
}

TEST(WsUpgrade, RedactsTokensInTargets) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"/sip", "/sip"},
      {"/sip?token=eyJhbGciOi.x.y", "/sip?token=REDACTED"},
      {"/sip?a=1&token=secret&b=2", "/sip?a=1&token=REDACTED&b=2"},
      {"/sip?TOKEN=s&access_token=t", "/sip?TOKEN=REDACTED&access_token=REDACTED"},
      {"/sip?tokens=keep&token", "/sip?tokens=keep&token"},
      {"/sip?", "/sip?"},
  };
  for (const auto& [in, out] : cases) {
    EXPECT_EQ(redact_target(in), out) << in;
  }
}

}  // namespace
}  // namespace tandem::sip
