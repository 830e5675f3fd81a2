// The transaction layer tells a client transaction's user when the transaction is gone, so
// state kept for it (FailoverSender's tries, a proxy's branches) is freed then and not after a
// worst-case timeout; and a CANCEL bounds its INVITE (§9.1). Driven over a capturing reliable
// transport on an injected clock (no sleeps), counting live entries.
#include "sip/transaction_layer.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>

#include "sip/failover_sender.hpp"
#include "sip/message_builder.hpp"
#include "sip/serializer.hpp"
#include "transaction_test_util.hpp"

namespace tandem::sip {
namespace {

using namespace std::chrono_literals;

PeerAddress at(uint16_t port) { return {boost::asio::ip::make_address("127.0.0.1"), port}; }

struct Capture final : Transport {
  std::vector<Message> sent;
  TransportKind kind() const override { return TransportKind::kTcp; }
  PeerAddress local_address() const override { return at(5070); }
  bool send(std::string_view bytes, const Flow&) override {
    auto m = parse_message(bytes, {}, Framing::kStream);
    EXPECT_TRUE(m) << bytes;
    if (m) sent.push_back(std::move(*m));
    return true;
  }
};

struct NoServer final : TransactionLayer::User {
  void on_request(TransactionId, const Message&, const Flow&) override {}
  void on_stray(const Message&, const Flow&) override {}
};

struct Counting final : test::Recorder {
  int terminated = 0;
  void on_terminated() override {
    ++terminated;
    events.push_back("terminated");
  }
};

struct TcpOpener final : FlowOpener {
  void open(const Target& t, FlowDone done) override {
    done(Flow{TransportKind::kTcp, t.address, at(5070), t.address.port});
  }
  std::optional<PeerAddress> local_address(TransportKind) const override { return at(5070); }
};

struct Fixture {
  explicit Fixture(Duration t1 = Duration(500)) {
    timers.t1 = t1;
    layer = std::make_unique<TransactionLayer>(io, no_server, timers,
                                               LayerClock{[this] { return now; }, false});
    layer->add_transport(tcp);
  }
  // Moves the clock and runs the timers that fell due.
  void run(Duration d) {
    now += d;
    layer->tick();
  }
  boost::asio::io_context io;
  TimePoint now{};
  TimerConfig timers;
  NoServer no_server;
  Capture tcp;
  std::unique_ptr<TransactionLayer> layer;
  const Flow flow{TransportKind::kTcp, at(5080), at(5070), 1};
};

TEST(TransactionLayer, TellsTheUserWhenAClientTransactionEnds) {
  Fixture f;
  Counting user;
  ASSERT_TRUE(f.layer->send_request(test::request("OPTIONS"), f.flow, user));
  EXPECT_EQ(f.layer->client_count(), 1u);
  f.layer->on_message(make_response(f.tcp.sent.at(0), 200), f.flow);
  f.run(0ms);  // reliable: Timer K is 0
  EXPECT_EQ(user.events, (test::Events{"tu 200", "terminated"}));
  EXPECT_EQ(f.layer->client_count(), 0u);
}

TEST(TransactionLayer, CancelBoundsAnInviteThatNeverGetsItsFinalResponse) {
  Fixture f;  // 64*T1 = 32 s
  Counting invite_user;
  Counting cancel_user;
  const Message invite = test::request("INVITE", "z9hG4bKcancelme");
  ASSERT_TRUE(f.layer->send_request(invite, f.flow, invite_user));
  f.layer->on_message(make_response(f.tcp.sent.at(0), 180, {}, "callee"), f.flow);
  Message cancel = test::request("CANCEL", "z9hG4bKcancelme");
  ASSERT_TRUE(f.layer->send_request(cancel, f.flow, cancel_user));
  EXPECT_EQ(f.layer->client_count(), 2u);
  f.run(64 * f.timers.t1 - 1ms);
  EXPECT_EQ(f.layer->client_count(), 2u);
  f.run(1ms);
  EXPECT_EQ(f.layer->client_count(), 0u);
  // The INVITE's user hears only that it is over; the CANCEL timed out (Timer F).
  EXPECT_EQ(invite_user.events, (test::Events{"tu 180", "terminated"}));
  EXPECT_EQ(cancel_user.events, (test::Events{"timeout", "terminated"}));
}

// Without the notification, every try would be held for Timer B/F + D + T4 (69 s).
TEST(TransactionLayer, FailoverTriesAreFreedWhenTheirTransactionsEnd) {
  Fixture f;
  TransactionLayerSender sender(*f.layer);
  FailoverSender failover(sender);
  struct Outcome final : FailoverUser {
    std::vector<int> statuses;
    void on_response(const Message& r, const Target&) override { statuses.push_back(r.status()); }
    void on_timeout() override {}
    void on_transport_error(const Error&) override {}
  } outcome;
  NextHops hops{{Target{TransportKind::kTcp, at(5081), {}, {}},
                 Target{TransportKind::kTcp, at(5082), {}, {}}},
                std::make_shared<TcpOpener>()};
  ASSERT_TRUE(failover.send(test::request("OPTIONS"), hops, outcome));
  ASSERT_EQ(f.tcp.sent.size(), 1u);
  f.layer->on_message(make_response(f.tcp.sent[0], 503), f.flow);
  ASSERT_EQ(f.tcp.sent.size(), 2u);
  f.layer->on_message(make_response(f.tcp.sent[1], 200), f.flow);
  EXPECT_EQ(outcome.statuses, (std::vector<int>{200}));
  f.run(0ms);
  EXPECT_EQ(f.layer->client_count(), 0u);
  EXPECT_EQ(failover.active(), 0u);
  EXPECT_EQ(failover.lingering(), 0u);
}

}  // namespace
}  // namespace tandem::sip
