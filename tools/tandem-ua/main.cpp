// tandem-ua: a command-line SIP user agent on Tandem's user agent core. It registers (Digest),
// places one call, hangs up (or waits for the far end's BYE), un-registers and exits 0 when every
// step succeeded. Host names are resolved per RFC 3263 (NAPTR, SRV, A/AAAA) and every request
// fails over to the next target on a transport error, a timeout or a 503. Used by the interop
// tests against SIPp, Kamailio and dnsmasq; handy for trying a PBX.
//   tandem-ua --local udp:127.0.0.1:0 --user alice --password pw --domain example.com
//             --register sip:127.0.0.1:5060 --call sip:bob@127.0.0.1:5080 --hangup-after 2s
//   tandem-ua --user alice --password pw --register sip:example.com --call sip:bob@example.com
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/text.hpp"
#include "sip/dns_resolver.hpp"
#include "sip/listen_spec.hpp"
#include "sip/target_next_hop.hpp"
#include "sip/tcp_transport.hpp"
#include "sip/tls_identity.hpp"
#include "sip/tls_transport.hpp"
#include "sip/udp_transport.hpp"
#include "ua_script.hpp"

namespace {

using namespace tandem;

// "2s", "500ms", "1.5s" or a plain number of seconds.
Result<Duration> parse_duration(const std::string& text) {
  double scale = 1000;
  std::string number = text;
  if (text.ends_with("ms")) {
    scale = 1;
    number = text.substr(0, text.size() - 2);
  } else if (text.ends_with("s")) {
    number = text.substr(0, text.size() - 1);
  }
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || value < 0) {
    return Error{"bad duration '" + text + "' (e.g. 2s, 500ms)"};
  }
  return Duration(static_cast<int64_t>(value * scale));
}

const std::vector<sip::TransportKind> kLocalKinds{
    sip::TransportKind::kUdp, sip::TransportKind::kTcp, sip::TransportKind::kTls};

struct Flags {
  std::vector<std::string> locals{"udp:127.0.0.1:0"};
  std::string user = "tandem";
  std::string password;
  std::string domain;
  std::string registrar;
  std::string proxy;
  std::string call;
  std::string hangup_after = "2s";
  std::string reinvite_after;
  std::string timeout = "60s";
  uint32_t expires = 3600;
  bool expect_bye = false;
  bool answer = false;
  uint32_t t1_ms = 500;
  std::vector<std::string> dns;
  std::string tls_ca;
  bool tls_insecure = false;
};

Result<sip::Uri> uri_flag(const char* name, const std::string& text) {
  auto uri = sip::parse_uri(text);
  if (!uri || !uri->is_sip()) return Error{std::string(name) + " '" + text + "': not a SIP URI"};
  return *uri;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int run(const Flags& flags) {
  boost::asio::io_context io;
  ua::ScriptSettings settings;
  if (!flags.registrar.empty()) {
    auto r = uri_flag("--register", flags.registrar);
    if (!r) return std::fprintf(stderr, "%s\n", r.error().reason.c_str()), 2;
    settings.registrar = *r;
  }
  if (!flags.call.empty()) {
    auto c = uri_flag("--call", flags.call);
    if (!c) return std::fprintf(stderr, "%s\n", c.error().reason.c_str()), 2;
    settings.call = *c;
  }
  auto hangup = parse_duration(flags.hangup_after);
  auto timeout = parse_duration(flags.timeout);
  if (!hangup || !timeout) {
    return std::fprintf(stderr, "%s\n", (!hangup ? hangup : timeout).error().reason.c_str()), 2;
  }
  settings.hangup_after = *hangup;
  if (!flags.reinvite_after.empty()) {
    auto r = parse_duration(flags.reinvite_after);
    if (!r) return std::fprintf(stderr, "%s\n", r.error().reason.c_str()), 2;
    settings.reinvite_after = *r;
  }
  settings.expect_bye = flags.expect_bye;
  settings.answer = flags.answer;
  settings.expires = flags.expires;
  const std::string domain = !flags.domain.empty() ? flags.domain
                             : settings.registrar  ? settings.registrar->host
                                                   : "localhost";
  settings.aor = sip::NameAddr{{}, *sip::parse_uri("sip:" + flags.user + "@" + domain), {}};

  int exit_code = 1;
  ua::Script script(settings, [&](int code) {
    exit_code = code;
    // Let the last responses and TCP writes go out before stopping.
    auto t = std::make_shared<boost::asio::steady_timer>(io, std::chrono::milliseconds(300));
    t->async_wait([&io, t](auto) { io.stop(); });
  });

  sip::UserAgentConfig config;
  config.user_agent = "tandem-ua";
  config.timers.t1 = Duration(std::max<uint32_t>(flags.t1_ms, 1));
  config.contact_user = flags.user;
  if (!flags.password.empty()) {
    config.credentials = [&flags](std::string_view, const sip::Message&) {
      return std::optional<sip::Credentials>(sip::Credentials{flags.user, flags.password});
    };
  }
  if (!flags.proxy.empty()) {
    auto p = uri_flag("--proxy", flags.proxy);
    if (!p) return std::fprintf(stderr, "%s\n", p.error().reason.c_str()), 2;
    config.outbound_proxy = *p;
  }
  // RFC 3263: every URI goes through the resolver (IP literals without DNS); each request tries
  // the targets in turn. The opener gets the transports once they exist: they deliver to the
  // user agent's transaction layer, and the user agent is built from this config.
  sip::DnsOptions dns_options;
  for (const std::string& text : flags.dns) {
    auto server = sip::parse_name_server(text);
    if (!server) return std::fprintf(stderr, "--dns: %s\n", server.error().reason.c_str()), 2;
    dns_options.servers.push_back(*server);
  }
  auto dns = sip::DnsResolver::create(io, dns_options);
  if (!dns) return std::fprintf(stderr, "dns: %s\n", dns.error().reason.c_str()), 1;
  std::unique_ptr<sip::UdpTransport> udp;
  std::unique_ptr<sip::TcpTransport> tcp;
  std::unique_ptr<sip::TlsTransport> tls;
  std::map<sip::TransportKind, sip::PeerAddress> listening;
  sip::TransportFlowOpener opener;
  sip::TargetOptions target_options;
  target_options.transports.clear();
  for (const std::string& text : flags.locals) {  // the transports we have, in --local order
    auto local = sip::parse_listen_spec(text, "--local", kLocalKinds);
    if (!local) return std::fprintf(stderr, "%s\n", local.error().reason.c_str()), 2;
    target_options.transports.push_back(local->kind);
  }
  sip::TargetResolver resolver(io, **dns, target_options);
  config.next_hop = sip::ResolvingNextHop(resolver, opener);
  config.contact = [&](const sip::Flow& flow) {
    sip::Uri c;
    c.user = flags.user;
    const sip::PeerAddress a = listening.count(flow.kind) ? listening[flow.kind] : flow.local;
    const std::string text = a.to_string();
    c.host = text.substr(0, text.rfind(':'));
    c.port = a.port;
    if (flow.kind == sip::TransportKind::kTcp) c.params.set("transport", "tcp");
    if (flow.kind == sip::TransportKind::kTls) c.params.set("transport", "tls");
    return c;
  };
  sip::UserAgent agent(io, config, script);

  for (const std::string& text : flags.locals) {
    auto local = sip::parse_listen_spec(text, "--local", kLocalKinds);
    if (!local) return std::fprintf(stderr, "%s\n", local.error().reason.c_str()), 2;
    if (local->kind == sip::TransportKind::kUdp) {
      auto t = sip::UdpTransport::open(io, local->address, agent.layer());
      if (!t) return std::fprintf(stderr, "%s\n", t.error().reason.c_str()), 1;
      udp = std::move(*t);
      agent.layer().add_transport(*udp);
      opener.set_udp(udp.get());
      listening[local->kind] = udp->local_address();
    } else if (local->kind == sip::TransportKind::kTcp) {
      auto t = sip::TcpTransport::listen(io, local->address, agent.layer());
      if (!t) return std::fprintf(stderr, "%s\n", t.error().reason.c_str()), 1;
      tcp = std::move(*t);
      agent.layer().add_transport(*tcp);
      opener.set_tcp(tcp.get());
      listening[local->kind] = tcp->local_address();
    } else {
      auto identity = sip::TlsIdentity::generate("tandem-ua");
      if (!identity) return std::fprintf(stderr, "%s\n", identity.error().reason.c_str()), 1;
      auto server = sip::make_tls_server_context(*identity);
      sip::TlsClientOptions client_options;
      client_options.verify_peer = !flags.tls_insecure;
      if (!flags.tls_ca.empty()) client_options.trusted_pem = read_file(flags.tls_ca);
      auto client = sip::make_tls_client_context(client_options);
      if (!server || !client) {
        return std::fprintf(stderr, "%s\n",
                            (!server ? server.error() : client.error()).reason.c_str()),
               1;
      }
      sip::TlsOptions options;
      options.client_context = *client;
      auto t = sip::TlsTransport::listen(io, local->address, agent.layer(), *server, options);
      if (!t) return std::fprintf(stderr, "%s\n", t.error().reason.c_str()), 1;
      tls = std::move(*t);
      agent.layer().add_transport(*tls);
      opener.set_tls(tls.get());
      listening[local->kind] = tls->local_address();
    }
    std::printf("listening %s:%s\n", text.substr(0, text.find(':')).c_str(),
                listening[local->kind].to_string().c_str());
  }
  std::fflush(stdout);

  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](auto, int) { io.stop(); });
  boost::asio::steady_timer deadline(io, *timeout);
  deadline.async_wait([&](boost::system::error_code ec) {
    if (ec) return;
    std::printf("timed out\n");
    exit_code = 1;
    io.stop();
  });
  script.start(agent);
  io.run();
  script.release();  // it refers to `agent`, which goes first
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  CLI::App app{
      "tandem-ua: register, call, hang up, on Tandem's SIP user agent core. Host names resolve "
      "per RFC 3263; each request fails over to the next target on a transport error, a "
      "timeout or a 503"};
  app.add_option("--local", flags.locals,
                 "TRANSPORT:ADDRESS:PORT to send from and listen on (repeatable; udp, tcp, tls; "
                 "port 0 picks one)");
  app.add_option("--user", flags.user, "user name: AOR user part and Digest username");
  app.add_option("--password", flags.password, "Digest password (never printed)");
  app.add_option("--domain", flags.domain, "AOR domain (default: the registrar's host)");
  app.add_option("--register", flags.registrar,
                 "registrar URI, e.g. sip:example.com or sip:127.0.0.1:5060;transport=tcp");
  app.add_option("--expires", flags.expires, "registration expiry to ask for, seconds");
  app.add_option("--proxy", flags.proxy, "outbound proxy URI (a loose Route on new requests)");
  app.add_option("--call", flags.call,
                 "URI to INVITE, e.g. sip:bob@example.com or sip:bob@127.0.0.1:5080");
  app.add_option("--dns", flags.dns,
                 "name server IP or IP:PORT for RFC 3263 resolution of host names (NAPTR, SRV, "
                 "A/AAAA; repeatable); default: /etc/resolv.conf")
      ->allow_extra_args(false);
  app.add_option("--hangup-after", flags.hangup_after, "send BYE this long after the answer");
  app.add_flag("--expect-bye", flags.expect_bye, "wait for the callee's BYE instead");
  app.add_flag("--answer", flags.answer,
               "answer one incoming call (180, 200 with SDP) and wait for the caller's BYE");
  app.add_option("--reinvite-after", flags.reinvite_after,
                 "send a re-INVITE this long after the answer");
  app.add_option("--t1", flags.t1_ms, "RFC 3261 T1 in ms (default 500; tests shorten it)");
  app.add_option("--timeout", flags.timeout, "give up (exit 1) after this long");
  app.add_option("--tls-ca", flags.tls_ca, "PEM file of CA certificates to trust for tls:");
  app.add_flag("--tls-insecure", flags.tls_insecure, "do not verify TLS peers (tests only)");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(flags);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tandem-ua: %s\n", e.what());
    return 1;
  }
}
