// tandem-pbx: registrar (digest-authenticated REGISTER), a stateful proxy between registered
// users, OPTIONS, the service extensions 600/601/602 (services.hpp), over UDP, TCP, TLS, WS and
// WSS. See README.md ("tandem-pbx") for the flags.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <memory>
#include <utility>
#include <vector>

#include "common/text.hpp"
#include "pbx.hpp"
#include "services.hpp"
#include "sip/listen_spec.hpp"
#include "sip/message_builder.hpp"
#include "sip/tcp_transport.hpp"
#include "sip/tls_identity.hpp"
#include "sip/tls_transport.hpp"
#include "sip/udp_transport.hpp"
#include "sip/ws_transport.hpp"

namespace {

using namespace tandem;

using Listen = sip::ListenSpec;

// "udp:127.0.0.1:5070", "tcp:[::1]:5070", "wss:0.0.0.0:8443".
Result<Listen> parse_listen(const std::string& text) {
  return sip::parse_listen_spec(
      text, "--listen",
      {sip::TransportKind::kUdp, sip::TransportKind::kTcp, sip::TransportKind::kTls,
       sip::TransportKind::kWs, sip::TransportKind::kWss});
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
    if (!alg) {
      return Error{"--digest '" + list + "': algorithms are MD5, SHA-256, SHA-512-256"};
    }
    out.push_back(*alg);
    start = comma + 1;
  }
  return out;
}

// "20000-20999": the RTP port range of the service extensions.
Result<std::pair<uint16_t, uint16_t>> parse_ports(const std::string& text) {
  const size_t dash = text.find('-');
  const auto low = parse_uint(text.substr(0, dash), 65535);
  const auto high =
      dash == std::string::npos ? std::nullopt : parse_uint(text.substr(dash + 1), 65535);
  if (!low || !high || *low > *high || *high - *low < 1) {
    return Error{"--rtp-ports '" + text + "': expected LOW-HIGH, e.g. 20000-20999"};
  }
  return std::pair{static_cast<uint16_t>(*low), static_cast<uint16_t>(*high)};
}

struct Settings {
  std::string tls_cert, tls_key;
  sip::RateLimit rate;
};

// The TLS server context, made once when a tls: or wss: listener needs it.
Result<sip::SslContextPtr> server_context(const Settings& s) {
  if (s.tls_cert.empty() != s.tls_key.empty()) {
    return Error{"--tls-cert and --tls-key go together"};
  }
  auto identity = s.tls_cert.empty() ? sip::TlsIdentity::generate("tandem-pbx")
                                     : sip::TlsIdentity::from_pem_files(s.tls_cert, s.tls_key);
  if (!identity) {
    return identity.error();
  }
  if (s.tls_cert.empty()) {
    std::printf("generated a self-signed certificate, SHA-256 fingerprint %s\n",
                identity->fingerprint_sha256().c_str());
  }
  return sip::make_tls_server_context(*identity);
}

template <typename T>
Result<std::unique_ptr<sip::Transport>> erase(Result<std::unique_ptr<T>> t) {
  if (!t) {
    return t.error();
  }
  return std::unique_ptr<sip::Transport>(std::move(*t));
}

Result<std::unique_ptr<sip::Transport>> open(boost::asio::io_context& io, const Listen& listen,
                                             sip::TransportUser& user, const Settings& settings,
                                             sip::SslContextPtr& tls) {
  using sip::TransportKind;
  if ((listen.kind == TransportKind::kTls || listen.kind == TransportKind::kWss) && !tls) {
    auto context = server_context(settings);
    if (!context) {
      return context.error();
    }
    tls = *context;
  }
  // The flood report names the transport: each has its own per-source limiter.
  sip::RateLimit rate = settings.rate;
  rate.on_flood = [name = std::string(sip::transport_name(listen.kind))](
                      const boost::asio::ip::address& source, uint64_t dropped) {
    std::fprintf(stderr, "tandem-pbx: %s exceeds --max-rate on %s: cut off (%llu dropped before)\n",
                 source.to_string().c_str(), name.c_str(),
                 static_cast<unsigned long long>(dropped));
  };
  switch (listen.kind) {
    case TransportKind::kUdp: {
      auto t = sip::UdpTransport::open(io, listen.address, user);
      if (t) {
        (*t)->limit_rate(rate);
      }
      return erase(std::move(t));
    }
    case TransportKind::kTcp: {
      sip::TcpOptions options;
      options.rate_limit = rate;
      return erase(sip::TcpTransport::listen(io, listen.address, user, options));
    }
    case TransportKind::kTls: {
      sip::TlsOptions options;
      options.rate_limit = rate;
      return erase(sip::TlsTransport::listen(io, listen.address, user, tls, options));
    }
    case TransportKind::kWs:
    case TransportKind::kWss: {
      sip::WsOptions options;
      options.rate_limit = rate;
      return erase(listen.kind == TransportKind::kWs
                       ? sip::WsTransport::listen(io, listen.address, user, options)
                       : sip::WsTransport::listen_secure(io, listen.address, user, tls, options));
    }
  }
  return Error{"unknown transport"};
}

// The services' user agent, on the address of the first UDP listener (loopback for a wildcard).
// Null, with a note, when there is no UDP listener for the proxy to reach it through.
Result<std::unique_ptr<pbx::ServiceUa>> start_services(
    boost::asio::io_context& io, pbx::Proxy& proxy,
    const std::vector<std::unique_ptr<sip::Transport>>& transports, const std::string& rtp_ports,
    const sip::TimerConfig& timers) {
  pbx::ServiceUaOptions options;
  options.timers = timers;
  if (!rtp_ports.empty()) {
    auto ports = parse_ports(rtp_ports);
    if (!ports) {
      return ports.error();
    }
    options.rtp_port_min = ports->first;
    options.rtp_port_max = ports->second;
  }
  const sip::Transport* udp = nullptr;
  for (const auto& t : transports) {
    if (udp == nullptr && t->kind() == sip::TransportKind::kUdp) {
      udp = t.get();
    }
  }
  if (udp == nullptr) {
    std::printf("services 600-602 off: they need a udp listener\n");
    return std::unique_ptr<pbx::ServiceUa>();
  }
  if (!udp->local_address().ip.is_unspecified()) {
    options.address = udp->local_address().ip;
  } else if (udp->local_address().ip.is_v6()) {
    options.address = boost::asio::ip::address_v6::loopback();
  }
  auto services = pbx::ServiceUa::create(io, proxy, options);
  if (services) {
    std::printf("services 600 echo, 601 tone, 602 dtmf at UDP:%s\n",
                (*services)->address().to_string().c_str());
  }
  return services;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tandem-pbx: a small SIP registrar and proxy for demos and tests"};
  std::vector<std::string> listens{"udp:127.0.0.1:5070"}, users;
  std::string realm = "tandem.test", digest = "MD5,SHA-256";
  Settings settings;
  double max_rate = 500;
  unsigned ring_timeout = 60;
  app.add_option(
         "--listen", listens,
         "TRANSPORT:ADDRESS:PORT to listen on (repeatable, one per transport; udp, tcp, tls, ws, "
         "wss; IPv6 as [::1])")
      ->capture_default_str();
  app.add_option("--user", users, "NAME:PASSWORD of a user allowed to register (repeatable)");
  app.add_option("--realm", realm, "Digest realm")->capture_default_str();
  app.add_option("--digest", digest,
                 "Digest algorithms offered, most preferred first (MD5 first by default: many UAs, "
                 "JsSIP and SIPp among them, answer only the first challenge)")
      ->capture_default_str();
  app.add_option("--tls-cert", settings.tls_cert,
                 "PEM certificate (chain) for tls: and wss: listeners; without it and --tls-key "
                 "a self-signed one is generated at start and its fingerprint printed");
  app.add_option("--tls-key", settings.tls_key, "PEM private key of --tls-cert");
  app.add_option("--max-rate", max_rate,
                 "Messages per second one source address may send (bursts of twice that); "
                 "beyond it UDP datagrams are dropped and TCP/TLS/WS connections closed. 0: off")
      ->capture_default_str();
  app.add_option("--ring-timeout", ring_timeout,
                 "Seconds a call may ring unanswered before the pbx cancels it and answers 480")
      ->capture_default_str();
  bool services_on = true;
  std::string rtp_ports;
  app.add_flag("--services,!--no-services", services_on,
               "Answer the service extensions 600 (echo), 601 (1000 Hz tone) and 602 (DTMF "
               "readback) for authenticated callers (default on; needs a udp listener)");
  app.add_option("--rtp-ports", rtp_ports,
                 "LOW-HIGH: UDP ports for the services' RTP (even ports used); default: any "
                 "port the OS gives");
  CLI11_PARSE(app, argc, argv);

  auto passwords = parse_users(users);
  auto algorithms = parse_algorithms(digest);
  if (!passwords || !algorithms) {
    std::fprintf(stderr, "tandem-pbx: %s\n",
                 (!passwords ? passwords.error() : algorithms.error()).reason.c_str());
    return 2;
  }
  settings.rate.messages_per_second = max_rate;
  sip::DigestServer auth({realm, sip::random_token(32), std::chrono::seconds(300), *algorithms});
  pbx::Registrar registrar(auth, std::move(*passwords));
  boost::asio::io_context io;
  pbx::ProxyOptions proxy_options;
  proxy_options.ring_timeout = std::chrono::seconds(ring_timeout);
  pbx::Proxy proxy(io, registrar, proxy_options);
  pbx::Pbx pbx(registrar, proxy);
  sip::TransactionLayer layer(io, pbx, proxy_options.timers);
  pbx.attach(layer);

  std::vector<std::unique_ptr<sip::Transport>> transports;
  sip::SslContextPtr tls;
  bool kinds_seen[5] = {};
  for (const std::string& text : listens) {
    auto listen = parse_listen(text);
    if (!listen) {
      std::fprintf(stderr, "tandem-pbx: %s\n", listen.error().reason.c_str());
      return 2;
    }
    // The transaction layer sends each transport kind through one transport.
    if (std::exchange(kinds_seen[static_cast<size_t>(listen->kind)], true)) {
      std::fprintf(stderr, "tandem-pbx: --listen %s: one listener per transport\n", text.c_str());
      return 2;
    }
    auto opened = open(io, *listen, layer, settings, tls);
    if (!opened) {
      std::fprintf(stderr, "tandem-pbx: %s\n", opened.error().reason.c_str());
      return 1;
    }
    layer.add_transport(**opened);
    proxy.add_transport(**opened);
    std::printf("listening %s:%s\n", std::string(sip::transport_name(listen->kind)).c_str(),
                (*opened)->local_address().to_string().c_str());
    transports.push_back(std::move(*opened));
  }
  std::unique_ptr<pbx::ServiceUa> services;
  if (services_on) {
    auto made = start_services(io, proxy, transports, rtp_ports, proxy_options.timers);
    if (!made) {
      std::fprintf(stderr, "tandem-pbx: %s\n", made.error().reason.c_str());
      return 2;
    }
    services = std::move(*made);
    if (services) {
      pbx.set_services(services.get());
    }
  }
  std::fflush(stdout);
  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](auto, int) { io.stop(); });
  io.run();
  // What the stream transports refused and cut off, for operators and the flood test.
  for (const auto& t : transports) {
    if (const auto* stream = dynamic_cast<const sip::StreamTransport*>(t.get())) {
      const sip::StreamStats& s = stream->stats();
      std::printf(
          "stats %s: messages_in=%llu connections_refused=%llu flood_disconnects=%llu "
          "malformed=%llu\n",
          std::string(sip::transport_name(t->kind())).c_str(),
          static_cast<unsigned long long>(s.messages_in),
          static_cast<unsigned long long>(s.connections_refused),
          static_cast<unsigned long long>(s.flood_disconnects),
          static_cast<unsigned long long>(s.malformed));
    }
  }
  return 0;
}
