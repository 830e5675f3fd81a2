// tandem-pbx: registrar (digest-authenticated REGISTER), OPTIONS, and answers for unknown and
// offline users, over UDP and TCP. See README.md ("tandem-pbx") for the flags.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <memory>
#include <vector>

#include "common/text.hpp"
#include "pbx.hpp"
#include "sip/message_builder.hpp"
#include "sip/tcp_transport.hpp"
#include "sip/udp_transport.hpp"

namespace {

using namespace tandem;

struct Listen {
  sip::TransportKind kind;
  sip::PeerAddress address;
};

// "udp:127.0.0.1:5070", "tcp:[::1]:5070".
Result<Listen> parse_listen(const std::string& text) {
  const size_t colon = text.find(':');
  const size_t last = text.rfind(':');
  if (colon == std::string::npos || last == colon) {
    return Error{"--listen '" + text +
                 "': expected TRANSPORT:ADDRESS:PORT, e.g. udp:127.0.0.1:5070"};
  }
  const std::string transport = text.substr(0, colon);
  std::string host = text.substr(colon + 1, last - colon - 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(host, ec);
  const auto port = parse_uint(text.substr(last + 1), 65535);
  if (ec || !port) return Error{"--listen '" + text + "': bad address or port"};
  if (transport == "udp")
    return Listen{sip::TransportKind::kUdp, {ip, static_cast<uint16_t>(*port)}};
  if (transport == "tcp")
    return Listen{sip::TransportKind::kTcp, {ip, static_cast<uint16_t>(*port)}};
  return Error{"--listen '" + text + "': transport must be udp or tcp"};
}

Result<std::map<std::string, std::string>> parse_users(const std::vector<std::string>& users) {
  std::map<std::string, std::string> out;
  for (const std::string& u : users) {
    const size_t colon = u.find(':');
    if (colon == std::string::npos || colon == 0) {
      return Error{"--user '" + u.substr(0, u.find(':')) + "': expected NAME:PASSWORD"};
    }
    out[u.substr(0, colon)] = u.substr(colon + 1);
  }
  return out;
}

Result<std::vector<sip::DigestAlgorithm>> parse_algorithms(const std::string& list) {
  std::vector<sip::DigestAlgorithm> out;
  for (size_t start = 0; start <= list.size();) {
    const size_t comma = std::min(list.find(',', start), list.size());
    auto alg = sip::parse_digest_algorithm(list.substr(start, comma - start));
    if (!alg) return Error{"--digest '" + list + "': algorithms are MD5, SHA-256, SHA-512-256"};
    out.push_back(*alg);
    start = comma + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tandem-pbx: a small SIP registrar and server for demos and tests"};
  std::vector<std::string> listens{"udp:127.0.0.1:5070"}, users;
  std::string realm = "tandem.test", digest = "MD5,SHA-256";
  app.add_option("--listen", listens, "TRANSPORT:ADDRESS:PORT to listen on (repeatable; udp, tcp)")
      ->capture_default_str();
  app.add_option("--user", users, "NAME:PASSWORD of a user allowed to register (repeatable)");
  app.add_option("--realm", realm, "Digest realm")->capture_default_str();
  app.add_option("--digest", digest,
                 "Digest algorithms offered, most preferred first (MD5 first by default: many UAs, "
                 "JsSIP and SIPp among them, answer only the first challenge)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto passwords = parse_users(users);
  auto algorithms = parse_algorithms(digest);
  if (!passwords || !algorithms) {
    std::fprintf(stderr, "tandem-pbx: %s\n",
                 (!passwords ? passwords.error() : algorithms.error()).reason.c_str());
    return 2;
  }
  sip::DigestServer auth({realm, sip::random_token(32), std::chrono::seconds(300), *algorithms});
  pbx::Registrar registrar(auth, std::move(*passwords));
  pbx::Pbx pbx(registrar);
  boost::asio::io_context io;
  sip::TransactionLayer layer(io, pbx);
  pbx.attach(layer);

  std::vector<std::unique_ptr<sip::Transport>> transports;
  for (const std::string& text : listens) {
    auto listen = parse_listen(text);
    if (!listen) {
      std::fprintf(stderr, "tandem-pbx: %s\n", listen.error().reason.c_str());
      return 2;
    }
    Result<std::unique_ptr<sip::Transport>> opened = Error{};
    if (listen->kind == sip::TransportKind::kUdp) {
      auto t = sip::UdpTransport::open(io, listen->address, layer);
      opened = t ? Result<std::unique_ptr<sip::Transport>>(std::move(*t)) : t.error();
    } else {
      auto t = sip::TcpTransport::listen(io, listen->address, layer);
      opened = t ? Result<std::unique_ptr<sip::Transport>>(std::move(*t)) : t.error();
    }
    if (!opened) {
      std::fprintf(stderr, "tandem-pbx: %s (is another server using that port?)\n",
                   opened.error().reason.c_str());
      return 1;
    }
    layer.add_transport(**opened);
    std::printf("listening %s:%s\n", std::string(sip::transport_name(listen->kind)).c_str(),
                (*opened)->local_address().to_string().c_str());
    transports.push_back(std::move(*opened));
  }
  std::fflush(stdout);
  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](auto, int) { io.stop(); });
  io.run();
  return 0;
}
