// Resolves a SIP URI through a given name server (RFC 3263: NAPTR, SRV, A/AAAA with c-ares),
// prints the ordered targets, and optionally sends OPTIONS with failover (RFC 3263 §4.3) over
// our UDP/TCP transports and transaction layer. For the dnsmasq + SIPp interop test.
//   tandem_resolve_and_send --dns 127.0.0.1:5353 --uri sip:example.test [--send]
//       [--t1 MS] [--expect-status 200] [--expect-from IP:PORT] [--repeat N]
// Exit status: 0 as expected, 1 otherwise, 2 when resolution failed.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include "sip/dns_resolver.hpp"
#include "sip/failover_sender.hpp"
#include "sip/message_builder.hpp"
#include "sip/target_resolver.hpp"
#include "sip/tcp_transport.hpp"
#include "sip/transaction_layer.hpp"
#include "sip/udp_transport.hpp"

namespace {

using namespace tandem;
using namespace tandem::sip;
namespace asio = boost::asio;

struct NoServer final : TransactionLayer::User {
  void on_request(TransactionId, const Message&, const Flow&) override {}
  void on_stray(const Message&, const Flow&) override {}
};

struct Report final : FailoverUser {
  int tries = 0;
  std::optional<int> status;
  std::string from;
  bool done = false;
  void on_attempt(const Target& t, Message& request, const Flow&) override {
    auto via = request.top_via();
    std::printf("try %d: %s branch=%s\n", ++tries, t.to_string().c_str(),
                via ? std::string(via->branch()).c_str() : "?");
  }
  void on_target_failed(const Target& t, const Error& why) override {
    std::printf("gave up %s: %s\n", t.to_string().c_str(), why.reason.c_str());
  }
  void on_response(const Message& r, const Target& t) override {
    std::printf("response %d from %s\n", r.status(), t.to_string().c_str());
    if (r.status() >= 200) {
      status = r.status();
      from = t.address.to_string();
      done = true;
    }
  }
  void on_timeout() override {
    std::printf("final: timeout\n");
    done = true;
  }
  void on_transport_error(const Error& e) override {
    std::printf("final: transport error: %s\n", e.reason.c_str());
    done = true;
  }
};

Message make_options(const Uri& uri, const PeerAddress& local) {
  Message m = Message::request("OPTIONS", uri);
  m.add(HeaderId::kVia, "SIP/2.0/UDP " + local.to_string() + ";branch=z9hG4bK" + random_token());
  m.add(HeaderId::kMaxForwards, "70");
  m.add(HeaderId::kFrom, "<sip:resolver@" + local.to_string() + ">;tag=" + random_token(8));
  m.add(HeaderId::kTo, "<" + uri.to_string() + ">");
  m.add(HeaderId::kCallId, random_token(20));
  m.add(HeaderId::kCSeq, "1 OPTIONS");
  return m;
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"Resolve a SIP URI per RFC 3263 and optionally send OPTIONS with failover"};
  std::string dns_server, uri_text, expect_from;
  bool send = false;
  int t1_ms = 500, expect_status = 200, repeat = 0;
  app.add_option("--dns", dns_server, "name server IP:PORT")->required();
  app.add_option("--uri", uri_text, "sip: or sips: URI")->required();
  app.add_flag("--send", send, "send OPTIONS to the targets, failing over");
  app.add_option("--t1", t1_ms, "RFC 3261 T1 in ms (Timer F is 64*T1)");
  app.add_option("--expect-status", expect_status, "final status --send must end with");
  app.add_option("--expect-from", expect_from, "IP:PORT the final response must come from");
  app.add_option("--repeat", repeat, "resolve N times and count the first targets");
  CLI11_PARSE(app, argc, argv);

  auto server = parse_name_server(dns_server);
  auto uri = parse_uri(uri_text);
  if (!server || !uri) {
    std::fprintf(stderr, "bad --dns or --uri\n");
    return 1;
  }
  asio::io_context io;
  DnsOptions dns_options;
  dns_options.servers = {*server};
  dns_options.timeout = std::chrono::milliseconds(1000);
  auto dns = DnsResolver::create(io, dns_options);
  if (!dns) {
    std::fprintf(stderr, "%s\n", dns.error().reason.c_str());
    return 1;
  }
  TargetResolver resolver(io, **dns);

  if (repeat > 0) {
    std::map<std::string, int> first;
    int failed = 0;
    // One after another: this measures the SRV order, not how many queries a burst loses.
    std::function<void(int)> next = [&](int left) {
      if (left == 0) return;
      resolver.resolve(*uri, [&, left](Result<std::vector<Target>> r) {
        if (!r || r->empty()) {
          std::printf("failure: %s\n", r ? "no targets" : r.error().reason.c_str());
          ++failed;
        } else {
          ++first[r->front().to_string()];
        }
        next(left - 1);
      });
    };
    next(repeat);
    io.run();
    for (const auto& [target, count] : first) std::printf("first %d %s\n", count, target.c_str());
    std::printf("failed %d\n", failed);
    return failed == 0 ? 0 : 1;
  }

  std::optional<Result<std::vector<Target>>> targets;
  resolver.resolve(*uri, [&](Result<std::vector<Target>> r) { targets.emplace(std::move(r)); });
  while (!targets && io.run_one() > 0) {
  }
  if (!targets || !*targets) {
    const Error e = targets ? targets->error() : Error{"no answer"};
    std::printf("error: %s (dns status %d)\n", e.reason.c_str(), e.status);
    return 2;
  }
  for (size_t i = 0; i < (*targets)->size(); ++i) {
    std::printf("target %zu: %s\n", i + 1, (**targets)[i].to_string().c_str());
  }
  std::fflush(stdout);
  if (!send) return 0;

  NoServer no_server;
  TimerConfig timers;
  timers.t1 = std::chrono::milliseconds(t1_ms);
  TransactionLayer layer(io, no_server, timers);
  const PeerAddress loopback{asio::ip::make_address("127.0.0.1"), 0};
  auto udp = UdpTransport::open(io, loopback, layer);
  auto tcp = TcpTransport::listen(io, loopback, layer);
  if (!udp || !tcp) {
    std::fprintf(stderr, "cannot open transports\n");
    return 1;
  }
  layer.add_transport(**udp);
  layer.add_transport(**tcp);
  TransactionLayerSender sender(layer);
  auto opener = std::make_shared<TransportFlowOpener>(udp->get(), tcp->get(), nullptr);
  FailoverSender failover(sender);
  Report report;
  io.restart();  // resolution may have run the io_context out of work, which stops it
  auto id = failover.send(make_options(*uri, (*udp)->local_address()),
                          NextHops{std::move(**targets), opener}, report);
  if (!id) {
    std::fprintf(stderr, "%s\n", id.error().reason.c_str());
    return 1;
  }
  while (!report.done && io.run_one() > 0) {
  }
  std::fflush(stdout);
  const bool ok =
      report.status == expect_status && (expect_from.empty() || report.from == expect_from);
  std::printf("%s\n", ok ? "result: as expected" : "result: NOT as expected");
  return ok ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "error: %s\n", e.what());
  return 1;
}
