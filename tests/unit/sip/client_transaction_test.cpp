#include <gtest/gtest.h>

#include "sip/invite_client_transaction.hpp"
#include "sip/non_invite_client_transaction.hpp"
#include "transaction_test_util.hpp"

namespace tandem::sip {
namespace {

using namespace std::chrono_literals;
using test::Events;
using test::Recorder;
using test::request;
using test::response_to;

const TimePoint kStart{};  // a fake clock: tests move time by hand, nothing sleeps
const TimerConfig kTimers{};

// Times at which Timer A fires (T1, 2T1, 4T1, ... since the previous one) before Timer B at 64*T1.
TEST(InviteClientTransaction, RetransmitsWithTimerADoublingUntilTimerB) {
  Recorder r;
  InviteClientTransaction tx(request("INVITE"), Reliability::kUnreliable, kTimers, r, kStart);
  EXPECT_EQ(r.take(), Events{"send INVITE"});
  std::vector<Duration> fired;
  for (auto t = kStart; tx.state() != InviteClientTransaction::State::kTerminated;) {
    t = *tx.next_deadline();
    tx.on_tick(t);
    for (const auto& e : r.take()) {
      if (e == "send INVITE") fired.push_back(std::chrono::duration_cast<Duration>(t - kStart));
      if (e == "timeout") {
        EXPECT_EQ(t - kStart, 32000ms);
      }
    }
  }
  const std::vector<Duration> expected = {500ms, 1500ms, 3500ms, 7500ms, 15500ms, 31500ms};
  EXPECT_EQ(fired, expected);
  EXPECT_FALSE(tx.next_deadline());
}

TEST(InviteClientTransaction, NoRetransmissionOverReliableTransports) {
  Recorder r;
  InviteClientTransaction tx(request("INVITE"), Reliability::kReliable, kTimers, r, kStart);
  r.take();
  EXPECT_EQ(*tx.next_deadline(), kStart + 32000ms);  // only Timer B
  tx.on_tick(kStart + 31999ms);
  EXPECT_TRUE(r.take().empty());
  tx.on_tick(kStart + 32000ms);
  EXPECT_EQ(r.take(), Events{"timeout"});
}

TEST(InviteClientTransaction, ProvisionalStopsRetransmissionAndTimerB) {
  Recorder r;
  InviteClientTransaction tx(request("INVITE"), Reliability::kUnreliable, kTimers, r, kStart);
  r.take();
  const Message invite = tx.request();
  tx.on_response(response_to(invite, 180), kStart + 100ms);
  EXPECT_EQ(tx.state(), InviteClientTransaction::State::kProceeding);
  EXPECT_EQ(r.take(), Events{"tu 180"});
  EXPECT_FALSE(tx.next_deadline());
  tx.on_tick(kStart + 120s);  // ringing for minutes is fine: the TU decides when to CANCEL
  EXPECT_TRUE(r.take().empty());
  EXPECT_EQ(tx.state(), InviteClientTransaction::State::kProceeding);
}

TEST(InviteClientTransaction, FailureIsAckedByTheTransactionAndRetransmissionsReAcked) {
  Recorder r;
  InviteClientTransaction tx(request("INVITE"), Reliability::kUnreliable, kTimers, r, kStart);
  r.take();
  const Message busy = response_to(tx.request(), 486);
  tx.on_response(busy, kStart + 200ms);
  EXPECT_EQ(tx.state(), InviteClientTransaction::State::kCompleted);
  EXPECT_EQ(r.take(), (Events{"send ACK", "tu 486"}));
  tx.on_response(busy, kStart + 700ms);
  EXPECT_EQ(r.take(), Events{"send ACK"});  // absorbed, not passed up again
  tx.on_tick(kStart + 200ms + 31999ms);
  EXPECT_EQ(tx.state(), InviteClientTransaction::State::kCompleted);
  tx.on_tick(kStart + 200ms + 32000ms);  // Timer D
  EXPECT_EQ(tx.state(), InviteClientTransaction::State::kTerminated);
}

TEST(InviteClientTransaction, AckForFailureFollowsSection17_1_1_3) {
  struct Capture : test::Recorder {
    std::optional<Message> ack;
    void send(const Message& m) override {
      if (m.method() == "ACK") ack = m;
    }
  } r;
  InviteClientTransaction tx(request("INVITE"), Reliability::kReliable, kTimers, r, kStart);
  tx.on_response(response_to(tx.request(), 404), kStart);
  ASSERT_TRUE(r.ack);
  EXPECT_EQ(r.ack->request_uri().to_string(), "sip:bob@biloxi.example.com");
  EXPECT_EQ(r.ack->top_via()->branch(), "z9hG4bKabc");
  EXPECT_EQ(r.ack->to()->tag(), "314");
  EXPECT_EQ(r.ack->cseq()->to_string(), "314159 ACK");
  EXPECT_EQ(r.ack->values(HeaderId::kRoute).size(), 1u);
  EXPECT_EQ(tx.state(), InviteClientTransaction::State::kTerminated);  // Timer D = 0 on TCP
}

TEST(InviteClientTransaction, AcceptedStatePassesEvery2xxToTheUserUntilTimerM) {
  Recorder r;
  InviteClientTransaction tx(request("INVITE"), Reliability::kUnreliable, kTimers, r, kStart);
  r.take();
  const Message ok = response_to(tx.request(), 200);
  tx.on_response(ok, kStart + 1s);
  EXPECT_EQ(tx.state(), InviteClientTransaction::State::kAccepted);
  tx.on_response(ok, kStart + 1500ms);  // a forked or retransmitted 2xx (RFC 6026)
  EXPECT_EQ(r.take(), (Events{"tu 200", "tu 200"}));
  tx.on_tick(kStart + 1s + 32s);
  EXPECT_EQ(tx.state(), InviteClientTransaction::State::kTerminated);
  EXPECT_TRUE(r.take().empty());  // the TU sends the 2xx ACK itself, no timeout
}

TEST(InviteClientTransaction, TransportErrorTerminatesAndInformsTheUser) {
  Recorder r;
  InviteClientTransaction tx(request("INVITE"), Reliability::kReliable, kTimers, r, kStart);
  r.take();
  tx.on_transport_error();
  EXPECT_EQ(r.take(), Events{"transport-error"});
  EXPECT_EQ(tx.state(), InviteClientTransaction::State::kTerminated);
  tx.on_transport_error();
  EXPECT_TRUE(r.take().empty());
}

TEST(NonInviteClientTransaction, TimerECapsAtT2AndTimerFTimesOut) {
  Recorder r;
  NonInviteClientTransaction tx(request("OPTIONS"), Reliability::kUnreliable, kTimers, r, kStart);
  r.take();
  std::vector<Duration> fired;
  while (tx.state() != NonInviteClientTransaction::State::kTerminated) {
    const TimePoint t = *tx.next_deadline();
    tx.on_tick(t);
    for (const auto& e : r.take()) {
      if (e == "send OPTIONS") fired.push_back(std::chrono::duration_cast<Duration>(t - kStart));
      if (e == "timeout") {
        EXPECT_EQ(t - kStart, 32000ms);
      }
    }
  }
  const std::vector<Duration> expected = {500ms,   1500ms,  3500ms,  7500ms,  11500ms,
                                          15500ms, 19500ms, 23500ms, 27500ms, 31500ms};
  EXPECT_EQ(fired, expected);
}

TEST(NonInviteClientTransaction, ProceedingRetransmitsEveryT2) {
  Recorder r;
  TimerConfig timers;
  NonInviteClientTransaction tx(request("BYE"), Reliability::kUnreliable, timers, r, kStart);
  r.take();
  tx.on_response(response_to(tx.request(), 100), kStart + 100ms);
  EXPECT_EQ(r.take(), Events{"tu 100"});
  tx.on_tick(kStart + 500ms);  // Timer E from Trying still fires once, then re-arms at T2
  EXPECT_EQ(r.take(), Events{"send BYE"});
  EXPECT_EQ(*tx.next_deadline(), kStart + 4500ms);
}

TEST(NonInviteClientTransaction, FinalResponseThenTimerKAbsorbsRetransmissions) {
  Recorder r;
  NonInviteClientTransaction tx(request("REGISTER"), Reliability::kUnreliable, kTimers, r, kStart);
  r.take();
  const Message ok = response_to(tx.request(), 200);
  tx.on_response(ok, kStart + 50ms);
  tx.on_response(ok, kStart + 60ms);
  EXPECT_EQ(r.take(), Events{"tu 200"});
  EXPECT_EQ(*tx.next_deadline(), kStart + 50ms + 5000ms);  // Timer K = T4
  tx.on_tick(kStart + 5050ms);
  EXPECT_EQ(tx.state(), NonInviteClientTransaction::State::kTerminated);
}

TEST(NonInviteClientTransaction, ReliableFinalTerminatesAtOnce) {
  Recorder r;
  NonInviteClientTransaction tx(request("MESSAGE"), Reliability::kReliable, kTimers, r, kStart);
  tx.on_response(response_to(tx.request(), 202), kStart);
  EXPECT_EQ(tx.state(), NonInviteClientTransaction::State::kTerminated);
}

TEST(Timers, CustomT1ScalesEveryTimer) {
  Recorder r;
  TimerConfig slow;
  slow.t1 = 1000ms;
  NonInviteClientTransaction tx(request("OPTIONS"), Reliability::kReliable, slow, r, kStart);
  EXPECT_EQ(*tx.next_deadline(), kStart + 64s);
}

}  // namespace
}  // namespace tandem::sip
