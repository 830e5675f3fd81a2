// RFC 3263 §4.3 failover, driven by hand: a stand-in transaction layer records each try and the
// test plays the transaction's outcome (response, timeout, transport error, termination).
#include "sip/failover_sender.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <map>

#include "sip/tcp_transport.hpp"
#include "sip/tls_transport.hpp"
#include "sip/udp_transport.hpp"
#include "transaction_test_util.hpp"

namespace tandem::sip {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

Target target(TransportKind kind, const std::string& ip, uint16_t port) {
  return Target{kind, {asio::ip::make_address(ip), port}, "h.example.com", "example.com"};
}

struct FakeOpener final : FlowOpener {
  std::map<uint16_t, Error> refuse;  // by target port: connection refused
  std::vector<std::string> opened;
  void open(const Target& t, FlowDone done) override {
    opened.push_back(t.to_string());
    if (auto it = refuse.find(t.address.port); it != refuse.end()) return done(it->second);
    done(Flow{t.transport,
              t.address,
              {asio::ip::make_address("127.0.0.1"), 5060},
              t.transport == TransportKind::kUdp ? 0u : 7u});
  }
  std::optional<PeerAddress> local_address(TransportKind) const override {
    return PeerAddress{asio::ip::make_address("127.0.0.1"), 5099};
  }
};

struct Sent {
  Message request;
  Flow flow;
  ClientTransactionUser* user;
};

struct FakeLayer final : RequestSender {
  std::vector<Sent> sent;
  bool fail_next = false;
  Result<TransactionId> send_request(Message request, const Flow& flow,
                                     ClientTransactionUser& user) override {
    if (std::exchange(fail_next, false)) return Error{"cannot send"};
    sent.push_back({std::move(request), flow, &user});
    return TransactionId{sent.size()};
  }
};

struct Outcome final : FailoverUser {
  std::vector<std::string> events;
  void on_attempt(const Target& t, Message&, const Flow&) override {
    events.push_back("try " + t.to_string());
  }
  void on_response(const Message& r, const Target& t) override {
    events.push_back(std::to_string(r.status()) + " from " + t.address.to_string());
  }
  void on_target_failed(const Target& t, const Error& why) override {
    events.push_back("gave up " + t.address.to_string() + ": " + why.reason);
  }
  void on_timeout() override { events.push_back("timeout"); }
  void on_transport_error(const Error& e) override { events.push_back("error: " + e.reason); }
};

struct Fixture {
  asio::io_context io;
  FakeOpener opener;
  FakeLayer layer;
  FailoverSender sender{layer};
  Outcome out;
  std::vector<Target> targets = {target(TransportKind::kTcp, "192.0.2.1", 5060),
                                 target(TransportKind::kUdp, "192.0.2.2", 5062),
                                 target(TransportKind::kUdp, "192.0.2.3", 5063)};

  NextHops hops() {
    return NextHops{targets, std::shared_ptr<FlowOpener>(std::shared_ptr<void>(), &opener)};
  }
  FailoverId start(const char* method = "OPTIONS") {
    auto id = sender.send(test::request(method), hops(), out);
    EXPECT_TRUE(id);
    io.poll();
    io.restart();
    return id ? *id : 0;
  }
  void step() {
    io.poll();
    io.restart();
  }
  ClientTransactionUser& last() { return *layer.sent.back().user; }
};

TEST(FailoverSender, FirstTargetAnswersNoFailover) {
  Fixture f;
  f.start();
  ASSERT_EQ(f.layer.sent.size(), 1u);
  f.last().on_response(test::response_to(f.layer.sent[0].request, 100));
  f.last().on_response(test::response_to(f.layer.sent[0].request, 200));
  EXPECT_EQ(f.out.events,
            (std::vector<std::string>{"try TCP 192.0.2.1:5060 (h.example.com)",
                                      "100 from 192.0.2.1:5060", "200 from 192.0.2.1:5060"}));
  EXPECT_EQ(f.sender.active(), 0u);
}

TEST(FailoverSender, EachTryIsANewTransactionWithItsOwnVia) {
  Fixture f;
  f.start();
  f.last().on_timeout();
  f.step();
  ASSERT_EQ(f.layer.sent.size(), 2u);
  auto first = f.layer.sent[0].request.top_via();
  auto second = f.layer.sent[1].request.top_via();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->transport, "TCP");
  EXPECT_EQ(second->transport, "UDP");
  EXPECT_EQ(second->host, "127.0.0.1");
  EXPECT_EQ(second->port, 5099);
  EXPECT_TRUE(first->has_rfc3261_branch());
  EXPECT_NE(first->branch(), second->branch());
  EXPECT_EQ(f.layer.sent[1].flow.remote.port, 5062);
  // Everything else is the same request.
  EXPECT_EQ(*f.layer.sent[0].request.call_id(), *f.layer.sent[1].request.call_id());
  EXPECT_EQ(f.layer.sent[0].request.cseq()->number, f.layer.sent[1].request.cseq()->number);
}

TEST(FailoverSender, FailsOverOnRefusedConnectionTimeoutAnd503) {
  Fixture f;
  f.targets.push_back(target(TransportKind::kUdp, "192.0.2.4", 5064));
  f.opener.refuse.emplace(5060, Error{"cannot connect to tcp:192.0.2.1:5060: Connection refused"});
  f.start();
  ASSERT_EQ(f.layer.sent.size(), 1u);  // the refused TCP target never got a transaction
  EXPECT_EQ(f.layer.sent[0].flow.remote.port, 5062);
  f.last().on_timeout();
  f.step();
  ASSERT_EQ(f.layer.sent.size(), 2u);
  f.last().on_response(test::response_to(f.layer.sent[1].request, 503));
  f.step();
  ASSERT_EQ(f.layer.sent.size(), 3u);
  f.last().on_response(test::response_to(f.layer.sent[2].request, 200));
  // The 503 was not passed up: a later target answered.
  EXPECT_EQ(f.out.events,
            (std::vector<std::string>{
                "gave up 192.0.2.1:5060: cannot connect to tcp:192.0.2.1:5060: Connection refused",
                "try UDP 192.0.2.2:5062 (h.example.com)", "gave up 192.0.2.2:5062: timeout",
                "try UDP 192.0.2.3:5063 (h.example.com)",
                "gave up 192.0.2.3:5063: 503 from UDP 192.0.2.3:5063 (h.example.com)",
                "try UDP 192.0.2.4:5064 (h.example.com)", "200 from 192.0.2.4:5064"}));
}

TEST(FailoverSender, OtherFailuresAreFinal) {
  Fixture f;
  f.start();
  f.last().on_response(test::response_to(f.layer.sent[0].request, 486));
  f.step();
  EXPECT_EQ(f.layer.sent.size(), 1u);
  EXPECT_EQ(f.out.events.back(), "486 from 192.0.2.1:5060");
}

TEST(FailoverSender, LastTargetsOutcomeReachesTheUser) {
  Fixture f;
  f.start();
  f.last().on_timeout();
  f.step();
  f.last().on_transport_error();
  f.step();
  f.last().on_response(test::response_to(f.layer.sent[2].request, 503));
  f.step();
  EXPECT_EQ(f.layer.sent.size(), 3u);
  EXPECT_EQ(f.out.events.back(), "503 from 192.0.2.3:5063");

  Fixture g;
  g.start();
  g.last().on_timeout();
  g.step();
  g.last().on_timeout();
  g.step();
  g.last().on_timeout();
  g.step();
  EXPECT_EQ(g.out.events.back(), "timeout");

  Fixture h;
  h.opener.refuse.emplace(5063, Error{"refused"});
  h.start();
  h.last().on_timeout();
  h.step();
  h.last().on_timeout();
  h.step();
  EXPECT_EQ(h.out.events.back(), "error: refused");
}

TEST(FailoverSender, SendFailureMovesOn) {
  Fixture f;
  f.layer.fail_next = true;
  f.start();
  f.step();
  ASSERT_EQ(f.layer.sent.size(), 1u);
  EXPECT_EQ(f.layer.sent[0].flow.remote.port, 5062);
}

TEST(FailoverSender, LateEventsFromAbandonedTriesAreIgnored) {
  Fixture f;
  f.start();
  ClientTransactionUser& first = f.last();
  first.on_response(test::response_to(f.layer.sent[0].request, 503));
  f.step();
  ASSERT_EQ(f.layer.sent.size(), 2u);
  const auto before = f.out.events;
  first.on_response(test::response_to(f.layer.sent[0].request, 200));  // a stray retransmission
  first.on_timeout();
  EXPECT_EQ(f.out.events, before);
  EXPECT_EQ(f.sender.lingering(), 1u);
}

TEST(FailoverSender, CancelStopsCallbacksAndRetiredTriesAreFreedWhenTheirTransactionEnds) {
  Fixture f;
  const FailoverId id = f.start();
  ClientTransactionUser& first = f.last();
  f.sender.cancel(id);
  first.on_response(test::response_to(f.layer.sent[0].request, 200));
  f.step();
  EXPECT_EQ(f.out.events.size(), 1u);  // only the "try"
  EXPECT_EQ(f.sender.active(), 0u);
  EXPECT_EQ(f.sender.lingering(), 1u);
  // Freed as soon as its transaction says it is gone, not after a worst-case 69 s.
  first.on_terminated();
  EXPECT_EQ(f.sender.lingering(), 0u);
}

TEST(FailoverSender, EveryTryIsFreedOnceItsTransactionTerminates) {
  Fixture f;
  f.start();
  f.last().on_response(test::response_to(f.layer.sent[0].request, 503));
  f.last().on_timeout();
  f.last().on_response(test::response_to(f.layer.sent[2].request, 200));
  EXPECT_EQ(f.sender.active(), 0u);
  EXPECT_EQ(f.sender.lingering(), 3u);
  for (const Sent& s : f.layer.sent) s.user->on_terminated();
  EXPECT_EQ(f.sender.lingering(), 0u);
}

TEST(FailoverSender, InviteIsNotFailedOverOnceATargetHasTheCall) {
  Fixture f;
  f.start("INVITE");
  f.last().on_response(test::response_to(f.layer.sent[0].request, 100));
  f.last().on_response(test::response_to(f.layer.sent[0].request, 503));
  ASSERT_EQ(f.layer.sent.size(), 2u);  // a 100 is hop-by-hop: still failed over
  f.last().on_response(test::response_to(f.layer.sent[1].request, 180));
  f.last().on_response(test::response_to(f.layer.sent[1].request, 503));
  EXPECT_EQ(f.layer.sent.size(), 2u);  // the ringing target's 503 is final
  EXPECT_EQ(f.out.events.back(), "503 from 192.0.2.2:5062");

  Fixture g;  // the same after a 183, for a timeout
  g.start("INVITE");
  g.last().on_response(test::response_to(g.layer.sent[0].request, 183));
  g.last().on_timeout();
  EXPECT_EQ(g.layer.sent.size(), 1u);
  EXPECT_EQ(g.out.events.back(), "timeout");
}

TEST(FailoverSender, AnsweredInviteHearsLater2xxUntilItsTransactionEnds) {
  Fixture f;
  f.start("INVITE");
  Message ok = test::response_to(f.layer.sent[0].request, 200);
  f.last().on_response(ok);
  EXPECT_EQ(f.sender.active(), 1u);
  f.last().on_response(ok);  // a retransmission or another fork's 2xx
  EXPECT_EQ(f.out.events,
            (std::vector<std::string>{"try TCP 192.0.2.1:5060 (h.example.com)",
                                      "200 from 192.0.2.1:5060", "200 from 192.0.2.1:5060"}));
  f.last().on_terminated();  // Timer M: silently over
  EXPECT_EQ(f.sender.active(), 0u);
  EXPECT_EQ(f.sender.lingering(), 0u);
  EXPECT_EQ(f.out.events.size(), 3u);
}

TEST(FailoverSender, TransactionEndingWithoutAnOutcomeIsATimeout) {
  Fixture f;  // a CANCELled INVITE whose 487 never came (the layer drops it after 64*T1)
  f.start("INVITE");
  f.last().on_response(test::response_to(f.layer.sent[0].request, 180));
  f.last().on_terminated();
  EXPECT_EQ(f.out.events.back(), "timeout");
  EXPECT_EQ(f.sender.active(), 0u);
  EXPECT_EQ(f.sender.lingering(), 0u);
}

TEST(FailoverSender, RefusesRequestsItCannotSend) {
  Fixture f;
  EXPECT_FALSE(f.sender.send(test::request("OPTIONS"), {}, f.out));
  Message no_via = test::request("OPTIONS");
  no_via.remove(HeaderId::kVia);
  EXPECT_FALSE(f.sender.send(no_via, f.hops(), f.out));
  EXPECT_FALSE(f.sender.send(test::request("OPTIONS"), NextHops{f.targets, nullptr}, f.out));
}

// --- TransportFlowOpener over real loopback sockets ---

struct Ignore final : TransportUser {
  void on_message(Message, const Flow&) override {}
};

Result<Flow> open_now(asio::io_context& io, FlowOpener& opener, const Target& t) {
  std::optional<Result<Flow>> out;
  opener.open(t, [&](Result<Flow> r) { out.emplace(std::move(r)); });
  for (int i = 0; !out && i < 200; ++i) io.run_for(10ms);
  return out ? std::move(*out) : Result<Flow>(Error{"no answer"});
}

// TLS targets are verified against the URI's domain (RFC 5922 §4.1), not the SRV target name.
TEST(TransportFlowOpener, TlsChecksTheUriDomainAndTcpReportsRefusal) {
  asio::io_context io;
  Ignore ignore;
  const PeerAddress loopback{asio::ip::make_address("127.0.0.1"), 0};
  auto identity = TlsIdentity::generate("example.test", {"DNS:example.test"});
  ASSERT_TRUE(identity);
  auto server_context = make_tls_server_context(*identity);
  auto trusting = make_tls_client_context({true, identity->certificate_pem()});
  ASSERT_TRUE(server_context && trusting);
  TlsOptions options;
  options.client_context = *trusting;
  auto server = TlsTransport::listen(io, loopback, ignore, *server_context);
  auto client = TlsTransport::listen(io, loopback, ignore, *server_context, options);
  auto tcp = TcpTransport::listen(io, loopback, ignore);
  auto udp = UdpTransport::open(io, loopback, ignore);
  ASSERT_TRUE(server && client && tcp && udp);
  TransportFlowOpener opener(udp->get(), tcp->get(), client->get());

  Target t{TransportKind::kTls, (*server)->local_address(), "tls1.provider.test", "example.test"};
  auto flow = open_now(io, opener, t);
  ASSERT_TRUE(flow) << flow.error().reason;
  EXPECT_EQ(flow->kind, TransportKind::kTls);
  EXPECT_NE(flow->connection_id, 0u);

  // From a client without a connection yet, so the handshake runs again.
  t.domain = "elsewhere.test";  // the certificate does not name it
  auto other = TlsTransport::listen(io, loopback, ignore, *server_context, options);
  ASSERT_TRUE(other);
  TransportFlowOpener other_opener(nullptr, nullptr, other->get());
  flow = open_now(io, other_opener, t);
  ASSERT_FALSE(flow);
  // Same trust as above: only the name differs.
  EXPECT_NE(flow.error().reason.find("certificate verify failed"), std::string::npos)
      << flow.error().reason;

  // A closed TCP port: connection refused, reported.
  asio::ip::tcp::acceptor closed(io, asio::ip::tcp::endpoint(loopback.ip, 0));
  const uint16_t closed_port = closed.local_endpoint().port();
  closed.close();
  flow = open_now(io, opener, Target{TransportKind::kTcp, {loopback.ip, closed_port}, {}, {}});
  ASSERT_FALSE(flow);
  EXPECT_NE(flow.error().reason.find("cannot connect"), std::string::npos) << flow.error().reason;

  // UDP needs no connection; a transport we lack is an error.
  flow = open_now(io, opener, Target{TransportKind::kUdp, {loopback.ip, 9}, {}, {}});
  ASSERT_TRUE(flow);
  EXPECT_EQ(flow->local, (*udp)->local_address());
  EXPECT_FALSE(open_now(io, other_opener, Target{TransportKind::kUdp, {loopback.ip, 9}, {}, {}}));
}

}  // namespace
}  // namespace tandem::sip
