// Tandem against itself where no third-party client covers it: TlsTransport's connecting side
// (certificate and name verification), the per-source connection cap, the idle and handshake
// timeouts, and transports destroyed with connections still open (run under ASan).
// Prints PASS/FAIL lines; exits non-zero on any failure.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdio>
#include <functional>
#include <optional>
#include <vector>

#include "sip/message_builder.hpp"
#include "sip/serializer.hpp"
#include "sip/tls_transport.hpp"
#include "sip/ws_transport.hpp"

namespace {

using namespace tandem::sip;
namespace asio = boost::asio;
using namespace std::chrono_literals;

int failures = 0;
void check(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
  failures += ok ? 0 : 1;
}

struct Recorder final : TransportUser {
  std::vector<std::pair<Message, Flow>> messages;
  void on_message(Message message, const Flow& flow) override {
    messages.emplace_back(std::move(message), flow);
  }
};

// Runs `io` until `done()` or `limit` passes.
bool run_until(asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit = 3s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.restart();
    io.run_for(10ms);
  }
  return done();
}

const char kOptions[] =
    "OPTIONS sip:server@127.0.0.1 SIP/2.0\r\n"
    "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-loop1\r\n"
    "From: <sip:client@127.0.0.1>;tag=a\r\nTo: <sip:server@127.0.0.1>\r\n"
    "Call-ID: loop1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

}  // namespace

int main() {
  asio::io_context io;
  const PeerAddress loopback{asio::ip::make_address("127.0.0.1"), 0};
  auto identity = TlsIdentity::generate();
  auto other = TlsIdentity::generate("other", {"DNS:other.example"});
  if (!identity || !other) return std::puts("FAIL cannot generate certificates"), 1;
  check(identity->fingerprint_sha256().size() == 95, "SHA-256 fingerprint is 32 hex pairs");
  check(!TlsIdentity::from_pem(identity->certificate_pem(), other->private_key_pem()),
        "a key that does not match the certificate is refused");
  auto server_context = make_tls_server_context(*identity);
  auto trusting = make_tls_client_context({true, identity->certificate_pem()});
  auto system_trust = make_tls_client_context();
  if (!server_context || !trusting || !system_trust) return std::puts("FAIL contexts"), 1;

  Recorder server_user, client_user;
  TlsOptions server_options;
  server_options.max_connections_per_source = 2;
  server_options.idle_timeout = 300ms;
  server_options.handshake_timeout = 300ms;
  auto server = TlsTransport::listen(io, loopback, server_user, *server_context, server_options);
  TlsOptions client_options;
  client_options.client_context = *trusting;
  auto client = TlsTransport::listen(io, loopback, client_user, *server_context, client_options);
  if (!server || !client) return std::puts("FAIL listen"), 1;
  const PeerAddress target = (*server)->local_address();

  // 1. Our client verifies the server (trusted certificate, SAN IP:127.0.0.1) and is answered on
  // the same connection.
  std::optional<tandem::Result<Flow>> sent;
  (*client)->send_to(target, kOptions, [&](tandem::Result<Flow> r) { sent.emplace(std::move(r)); });
  run_until(io, [&] { return !server_user.messages.empty(); });
  check(sent && sent->ok(), "TLS client connects, verifies 127.0.0.1 and sends");
  if (!server_user.messages.empty()) {
    auto& [request, flow] = server_user.messages.front();
    check(flow.kind == TransportKind::kTls && request.method() == "OPTIONS",
          "server receives the OPTIONS over TLS");
    (*server)->send(serialize(make_response(request, 200, {}, "srv")), flow);
    run_until(io, [&] { return !client_user.messages.empty(); });
    check(!client_user.messages.empty() && client_user.messages.front().first.status() == 200,
          "the 200 comes back on the client's connection");
  }

  // 2. Name and trust verification failures are reported, not sent.
  auto expect_failure = [&](TlsTransport& t, const std::string& name, const std::string& what) {
    std::optional<tandem::Result<Flow>> r;
    // A fresh connection: the transport reuses one per remote address, so use a new transport.
    t.send_to(
        target, kOptions, [&](tandem::Result<Flow> res) { r.emplace(std::move(res)); }, name);
    run_until(io, [&] { return r.has_value(); });
    check(r && !r->ok(), what + (r && !r->ok() ? " (" + r->error().reason + ")" : ""));
  };
  {
    Recorder u;
    TlsOptions o;
    o.client_context = *trusting;
    auto t = TlsTransport::listen(io, loopback, u, *server_context, o);
    expect_failure(**t, "wrong.example", "a certificate without the expected name is refused");
  }
  {
    Recorder u;
    TlsOptions o;
    o.client_context = *system_trust;
    auto t = TlsTransport::listen(io, loopback, u, *server_context, o);
    expect_failure(**t, "", "a self-signed certificate not in the trust store is refused");
  }

  // 3. Idle timeout closes the client's connection on the server (no traffic for 300 ms).
  run_until(
      io, [&] { return (*server)->connection_count() == 0; }, 2s);
  check((*server)->connection_count() == 0, "idle TLS connections are closed");

  // 4. Per-source cap and handshake timeout: plain TCP connections that never handshake.
  std::vector<asio::ip::tcp::socket> raw;
  for (int i = 0; i < 3; ++i) {
    raw.emplace_back(io);
    boost::system::error_code ec;
    raw.back().connect({target.ip, target.port}, ec);
  }
  run_until(
      io, [&] { return (*server)->stats().connections_refused == 1; }, 1s);
  check((*server)->stats().connections_refused == 1,
        "the third connection from one source is refused");
  run_until(
      io, [&] { return (*server)->connection_count() == 0; }, 2s);
  check((*server)->connection_count() == 0 && (*server)->handshake_failures() >= 2,
        "connections that never finish the TLS handshake are closed");

  // 5. A WSS upgrade that never comes is closed after the handshake timeout; then the transports
  // are destroyed with a connection still open and handlers pending (ASan watches).
  Recorder ws_user;
  WsOptions ws_options;
  ws_options.handshake_timeout = 300ms;
  auto wss = WsTransport::listen_secure(io, loopback, ws_user, *server_context, ws_options);
  auto ws = WsTransport::listen(io, loopback, ws_user, ws_options);
  asio::ip::tcp::socket silent(io), pending(io);
  boost::system::error_code ec;
  silent.connect({(*wss)->local_address().ip, (*wss)->local_address().port}, ec);
  run_until(
      io, [&] { return (*wss)->stats().handshake_failures == 1; }, 2s);
  check((*wss)->stats().handshake_failures == 1 && (*wss)->connection_count() == 0,
        "a silent WSS connection is closed after the handshake timeout");
  pending.connect({(*ws)->local_address().ip, (*ws)->local_address().port}, ec);
  run_until(
      io, [&] { return (*ws)->connection_count() == 1; }, 1s);
  ws->reset();
  wss->reset();
  server->reset();
  client->reset();
  io.restart();
  io.run_for(100ms);
  check(true, "transports destroyed with open connections and pending handlers");
  return failures == 0 ? 0 : 1;
}
