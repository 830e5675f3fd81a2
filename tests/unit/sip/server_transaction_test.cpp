#include <gtest/gtest.h>

#include "sip/invite_server_transaction.hpp"
#include "sip/message_builder.hpp"
#include "sip/non_invite_server_transaction.hpp"
#include "transaction_test_util.hpp"

namespace tandem::sip {
namespace {

using namespace std::chrono_literals;
using test::Events;
using test::Recorder;
using test::request;

const TimePoint kStart{};
const TimerConfig kTimers{};

TEST(InviteServerTransaction, RetransmittedInviteRepeatsTheLastProvisional) {
  Recorder r;
  const Message invite = request("INVITE");
  InviteServerTransaction tx(invite, Reliability::kUnreliable, kTimers, r);
  tx.on_request(invite, kStart);  // nothing sent yet: nothing to repeat
  EXPECT_TRUE(r.take().empty());
  tx.respond(make_response(invite, 100), kStart);
  tx.respond(make_response(invite, 180, {}, "t1"), kStart);
  tx.on_request(invite, kStart + 500ms);
  EXPECT_EQ(r.take(), (Events{"send 100", "send 180", "send 180"}));
}

TEST(InviteServerTransaction, FailureRetransmitsWithTimerGUntilAckThenTimerI) {
  Recorder r;
  const Message invite = request("INVITE");
  InviteServerTransaction tx(invite, Reliability::kUnreliable, kTimers, r);
  tx.respond(make_response(invite, 486, {}, "t1"), kStart);
  EXPECT_EQ(tx.state(), InviteServerTransaction::State::kCompleted);
  r.take();
  std::vector<Duration> fired;
  for (TimePoint t = kStart; t < kStart + 10s;) {
    t = *tx.next_deadline();
    tx.on_tick(t);
    if (!r.take().empty()) fired.push_back(std::chrono::duration_cast<Duration>(t - kStart));
  }
  const std::vector<Duration> expected = {500ms, 1500ms, 3500ms, 7500ms, 11500ms};
  EXPECT_EQ(fired, expected);
  tx.on_request(request("ACK"), kStart + 12s);
  EXPECT_EQ(tx.state(), InviteServerTransaction::State::kConfirmed);
  tx.on_request(request("ACK"), kStart + 12500ms);  // absorbed
  EXPECT_TRUE(r.take().empty());
  tx.on_tick(kStart + 12s + 5s);  // Timer I = T4
  EXPECT_EQ(tx.state(), InviteServerTransaction::State::kTerminated);
}

TEST(InviteServerTransaction, TimerHReportsAMissingAck) {
  Recorder r;
  const Message invite = request("INVITE");
  InviteServerTransaction tx(invite, Reliability::kReliable, kTimers, r);
  tx.respond(make_response(invite, 603, {}, "t1"), kStart);
  r.take();
  EXPECT_EQ(*tx.next_deadline(), kStart + 32s);  // no Timer G on TCP
  tx.on_tick(kStart + 32s);
  EXPECT_EQ(r.take(), Events{"timeout"});
}

TEST(InviteServerTransaction, AcceptedAbsorbsInvitesAndPassesAcksUp) {
  Recorder r;
  const Message invite = request("INVITE");
  InviteServerTransaction tx(invite, Reliability::kUnreliable, kTimers, r);
  const Message ok = make_response(invite, 200, {}, "t1");
  tx.respond(ok, kStart);
  EXPECT_EQ(tx.state(), InviteServerTransaction::State::kAccepted);
  tx.on_request(invite, kStart + 500ms);  // RFC 6026: not repeated by the transaction
  tx.respond(ok, kStart + 500ms);         // the TU's own 2xx retransmission goes out
  tx.on_request(request("ACK"), kStart + 600ms);
  EXPECT_EQ(r.take(), (Events{"send 200", "send 200", "ack"}));
  tx.on_tick(kStart + 32s);  // Timer L
  EXPECT_EQ(tx.state(), InviteServerTransaction::State::kTerminated);
}

TEST(NonInviteServerTransaction, TryingDiscardsRetransmissionsThenRepeatsTheFinal) {
  Recorder r;
  const Message bye = request("BYE");
  NonInviteServerTransaction tx(bye, Reliability::kUnreliable, kTimers, r);
  tx.on_request(bye, kStart);
  EXPECT_TRUE(r.take().empty());
  tx.respond(make_response(bye, 200), kStart);
  tx.on_request(bye, kStart + 1s);
  tx.respond(make_response(bye, 500), kStart + 1s);  // ignored: already completed
  EXPECT_EQ(r.take(), (Events{"send 200", "send 200"}));
  tx.on_tick(kStart + 32s);  // Timer J = 64*T1
  EXPECT_EQ(tx.state(), NonInviteServerTransaction::State::kTerminated);
}

TEST(NonInviteServerTransaction, ProceedingRepeatsTheProvisional) {
  Recorder r;
  const Message reg = request("REGISTER");
  NonInviteServerTransaction tx(reg, Reliability::kReliable, kTimers, r);
  tx.respond(make_response(reg, 100), kStart);
  tx.on_request(reg, kStart + 1s);
  EXPECT_EQ(r.take(), (Events{"send 100", "send 100"}));
  tx.respond(make_response(reg, 200), kStart + 2s);
  EXPECT_EQ(tx.state(), NonInviteServerTransaction::State::kTerminated);  // Timer J = 0 on TCP
}

TEST(MessageBuilder, ResponseCopiesTheDialogHeadersAndAddsATag) {
  const Message invite = request("INVITE");
  const Message ringing = make_response(invite, 180, {}, "xyz");
  EXPECT_EQ(ringing.status(), 180);
  EXPECT_EQ(ringing.reason(), "Ringing");
  EXPECT_EQ(ringing.to()->tag(), "xyz");
  EXPECT_EQ(ringing.top_via()->branch(), "z9hG4bKabc");
  EXPECT_EQ(*ringing.call_id(), "a84b4c76e66710");
  EXPECT_FALSE(ringing.has(HeaderId::kRoute));
  EXPECT_EQ(make_response(invite, 100, {}, "xyz").to()->tag(), "");  // 100 never gets a tag
}

TEST(MessageBuilder, RandomTokensAreTokensAndDiffer) {
  const std::string a = random_token(), b = random_token();
  EXPECT_EQ(a.size(), 16u);
  EXPECT_TRUE(is_token(a));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace tandem::sip
