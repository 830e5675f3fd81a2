// Outgoing INVITEs through the user agent core and a real transaction layer: answered calls,
// forking (early dialogs per To tag, a second 2xx ACKed and BYE'd), 2xx retransmissions re-ACKed,
// route sets from Record-Route, CANCEL.
#include <gtest/gtest.h>

#include "ua_test_util.hpp"

namespace tandem::sip::test {
namespace {

class UacInviteTest : public ::testing::Test {
 protected:
  LoopNetwork net;
  FakeClock clock;
  Party alice{net, clock, addr("127.0.0.1")};
  Party bob{net, clock, addr("127.0.0.2")};
  const PeerAddress peer = addr("127.0.0.3");  // a scripted peer
  const std::string peer_contact = "<sip:peer@127.0.0.3:5060>";

  // Alice calls the scripted peer; returns the INVITE it received.
  Message invite_peer() {
    alice.call_uri(*parse_uri("sip:peer@127.0.0.3:5060"));
    net.pump();
    auto got = net.take();
    EXPECT_EQ(summary(got), Strings{"INVITE"});
    return got.at(0).message;
  }
  void from_peer(const Message& m) {
    net.inject(m, peer, alice.address());
    net.pump();
  }
};

TEST_F(UacInviteTest, InviteRingingAnsweredAckedThenBye) {
  alice.call(bob);
  net.pump();
  EXPECT_EQ(bob.take(), (Strings{"invite", "ack"}));  // the ACK went outside any transaction
  const auto events = alice.take();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], "progress 180 early");
  EXPECT_TRUE(events[1].starts_with("answered "));
  ASSERT_NE(alice.session, nullptr);
  ASSERT_NE(bob.session, nullptr);
  EXPECT_TRUE(alice.session->confirmed());
  EXPECT_EQ(alice.session->dialog().id().local_tag, bob.session->dialog().id().remote_tag);
  EXPECT_EQ(alice.session->dialog().id().remote_tag, bob.session->dialog().id().local_tag);
  // Bob stopped retransmitting his 2xx.
  clock.advance(std::chrono::seconds(40));
  bob.ua().tick();
  net.pump();
  EXPECT_EQ(bob.ua().session_count(), 1u);

  net.clear_log();
  const uint32_t invite_cseq = alice.session->dialog().local_cseq();
  alice.session->bye();
  net.pump();
  ASSERT_EQ(summary(net.log()), (Strings{"BYE", "200"}));
  EXPECT_EQ(net.log()[0].message.cseq()->number, invite_cseq + 1);
  EXPECT_EQ(net.log()[0].message.request_uri().host, "127.0.0.2");  // Bob's Contact
  EXPECT_EQ(alice.take(), (Strings{"terminated local BYE"}));
  EXPECT_EQ(bob.take(), (Strings{"terminated remote BYE"}));
  EXPECT_EQ(alice.ua().session_count(), 0u);
  EXPECT_EQ(bob.ua().session_count(), 0u);
}

TEST_F(UacInviteTest, ForkedProvisionalsMakeEarlyDialogsAndOneAnswers) {
  const Message invite = invite_peer();
  from_peer(scripted_response(invite, 180, "forkA", "<sip:a@127.0.0.3:5061>"));
  from_peer(scripted_response(invite, 180, "forkB", "<sip:b@127.0.0.3:5062>"));
  from_peer(scripted_response(invite, 183, "forkA", "<sip:a@127.0.0.3:5061>"));
  EXPECT_EQ(alice.take(),
            (Strings{"progress 180 early", "progress 180 early", "progress 183 early"}));
  ASSERT_NE(alice.outgoing, nullptr);
  EXPECT_EQ(alice.outgoing->fork_tags(), (Strings{"forkA", "forkB"}));
  EXPECT_EQ(alice.ua().session_count(), 2u);

  from_peer(scripted_response(invite, 200, "forkB", "<sip:b@127.0.0.3:5062>"));
  EXPECT_EQ(alice.take(), (Strings{"answered forkB"}));
  auto sent = net.take();
  ASSERT_EQ(summary(sent), Strings{"ACK"});
  EXPECT_EQ(sent[0].to, addr("127.0.0.3", 5062));  // to fork B's Contact
  EXPECT_EQ(to_tag(sent[0].message), "forkB");
  EXPECT_EQ(sent[0].message.cseq()->to_string(), std::to_string(invite.cseq()->number) + " ACK");
  // Fork A's early dialog ends when the INVITE would have (64*T1).
  clock.advance(64 * alice.ua().config().timers.t1);
  alice.ua().tick();
  EXPECT_EQ(alice.take(), (Strings{"terminated rejected"}));
  EXPECT_EQ(alice.ua().session_count(), 1u);
}

TEST_F(UacInviteTest, SecondAnswerFromAnotherForkIsAckedThenByed) {
  const Message invite = invite_peer();
  from_peer(scripted_response(invite, 200, "forkA", "<sip:a@127.0.0.3:5061>"));
  from_peer(scripted_response(invite, 200, "forkB", "<sip:b@127.0.0.3:5062>"));
  EXPECT_EQ(alice.take(), (Strings{"answered forkA"}));  // fork B never reaches the application
  auto sent = net.take();
  ASSERT_EQ(summary(sent), (Strings{"ACK", "ACK", "BYE"}));
  EXPECT_EQ(to_tag(sent[0].message), "forkA");
  EXPECT_EQ(to_tag(sent[1].message), "forkB");
  EXPECT_EQ(to_tag(sent[2].message), "forkB");
  EXPECT_EQ(sent[2].to, addr("127.0.0.3", 5062));
  EXPECT_EQ(sent[2].message.cseq()->number, invite.cseq()->number + 1);
  ASSERT_NE(alice.session, nullptr);
  EXPECT_EQ(alice.session->dialog().id().remote_tag, "forkA");
  EXPECT_EQ(alice.ua().session_count(), 1u);
}

TEST_F(UacInviteTest, RetransmittedAnswerIsAckedAgain) {
  const Message invite = invite_peer();
  const Message ok = scripted_response(invite, 200, "t1", peer_contact);
  from_peer(ok);
  auto first = net.take();
  ASSERT_EQ(summary(first), Strings{"ACK"});
  from_peer(ok);  // the 2xx retransmitted: the transaction passes it up, the core re-ACKs
  from_peer(ok);
  auto again = net.take();
  ASSERT_EQ(summary(again), (Strings{"ACK", "ACK"}));
  EXPECT_EQ(serialize(again[0].message), serialize(first[0].message));  // the same ACK
  EXPECT_EQ(alice.take(), (Strings{"answered t1"}));                    // answered once
}

TEST_F(UacInviteTest, RetransmittedAnswerAfterTheInviteIsGoneIsAckedBySession) {
  const Message invite = invite_peer();
  const Message ok = scripted_response(invite, 200, "t1", peer_contact);
  from_peer(ok);
  (void)net.take();
  clock.advance(64 * alice.ua().config().timers.t1);
  alice.ua().tick();  // the UacInvite is retired; the session answers for its dialog now
  alice.ua().on_stray(ok, Flow{TransportKind::kTcp, peer, alice.address(), 1});
  net.pump();
  EXPECT_EQ(summary(net.take()), Strings{"ACK"});
}

TEST_F(UacInviteTest, RouteSetIsRecordRouteReversedWithLooseRouting) {
  const Message invite = invite_peer();
  // The proxy nearest the callee is on top of Record-Route.
  from_peer(scripted_response(invite, 200, "t1", peer_contact,
                              {"<sip:127.0.0.5:5060;lr>", "<sip:127.0.0.4:5060;lr>"}));
  auto ack = net.take();
  ASSERT_EQ(summary(ack), Strings{"ACK"});
  EXPECT_EQ(ack[0].to, addr("127.0.0.4"));  // the first route: the proxy nearest us
  EXPECT_EQ(ack[0].message.request_uri().to_string(), "sip:peer@127.0.0.3:5060");
  alice.session->bye();
  net.pump();
  auto bye = net.take();
  ASSERT_EQ(summary(bye), Strings{"BYE"});
  EXPECT_EQ(bye[0].to, addr("127.0.0.4"));
  EXPECT_EQ(bye[0].message.request_uri().to_string(), "sip:peer@127.0.0.3:5060");
  const auto routes = bye[0].message.values(HeaderId::kRoute);
  EXPECT_EQ(routes,
            (std::vector<std::string_view>{"<sip:127.0.0.4:5060;lr>", "<sip:127.0.0.5:5060;lr>"}));
}

TEST_F(UacInviteTest, StrictRouterBecomesRequestUriAndTargetGoesLast) {
  const Message invite = invite_peer();
  from_peer(scripted_response(invite, 200, "t1", peer_contact,
                              {"<sip:127.0.0.5:5060;lr>", "<sip:127.0.0.4:5060>"}));
  (void)net.take();
  alice.session->bye();
  net.pump();
  auto bye = net.take();
  ASSERT_EQ(summary(bye), Strings{"BYE"});
  EXPECT_EQ(bye[0].to, addr("127.0.0.4"));
  EXPECT_EQ(bye[0].message.request_uri().to_string(), "sip:127.0.0.4:5060");
  EXPECT_EQ(
      bye[0].message.values(HeaderId::kRoute),
      (std::vector<std::string_view>{"<sip:127.0.0.5:5060;lr>", "<sip:peer@127.0.0.3:5060>"}));
}

TEST_F(UacInviteTest, FailureEndsEarlyDialogs) {
  const Message invite = invite_peer();
  from_peer(scripted_response(invite, 180, "forkA", peer_contact));
  from_peer(scripted_response(invite, 486, "forkA"));
  EXPECT_EQ(alice.take(), (Strings{"progress 180 early", "terminated rejected", "failed 486"}));
  EXPECT_EQ(summary(net.take()), Strings{"ACK"});  // the transaction ACKs the failure
  EXPECT_EQ(alice.ua().session_count(), 0u);
}

TEST_F(UacInviteTest, CancelAfterRingingEndsWith487) {
  bob.answer_with = {180};
  alice.call(bob);
  net.pump();
  EXPECT_EQ(alice.take(), (Strings{"progress 180 early"}));
  ASSERT_TRUE(alice.outgoing->cancel());
  net.pump();
  EXPECT_EQ(bob.take(), (Strings{"invite", "terminated cancelled", "cancelled"}));
  EXPECT_EQ(alice.take(), (Strings{"terminated rejected", "failed 487"}));
  EXPECT_EQ(alice.ua().session_count(), 0u);
  EXPECT_EQ(bob.ua().session_count(), 0u);
}

TEST_F(UacInviteTest, CancelBeforeAnyProvisionalWaitsForOne) {
  const Message invite = invite_peer();
  ASSERT_TRUE(alice.outgoing->cancel());
  net.pump();
  EXPECT_TRUE(net.take().empty());  // §9.1: no CANCEL before a provisional
  from_peer(scripted_response(invite, 100, ""));
  auto cancel = net.take();
  ASSERT_EQ(summary(cancel), Strings{"CANCEL"});
  EXPECT_EQ(cancel[0].message.top_via()->branch(), invite.top_via()->branch());
  EXPECT_EQ(cancel[0].message.cseq()->number, invite.cseq()->number);
}

TEST_F(UacInviteTest, ReinviteAnswerRetransmittedIsAckedAgain) {
  const Message invite = invite_peer();
  from_peer(scripted_response(invite, 200, "t1", peer_contact));
  (void)net.take();
  std::vector<int> finals;
  ASSERT_TRUE(alice.session->reinvite(
      "v=0\r\n", "application/sdp",
      [&](const Message& r, const Message&) { finals.push_back(r.status()); }));
  net.pump();
  auto sent = net.take();
  ASSERT_EQ(summary(sent), Strings{"INVITE"});
  const Message& reinvite = sent[0].message;
  EXPECT_EQ(reinvite.cseq()->number, invite.cseq()->number + 1);
  EXPECT_EQ(reinvite.to()->tag(), "t1");
  EXPECT_TRUE(reinvite.has(HeaderId::kContact));  // a target refresh request
  const Message ok = scripted_response(reinvite, 200, "t1", "<sip:peer@127.0.0.3:5099>");
  from_peer(ok);
  from_peer(ok);
  auto acks = net.take();
  ASSERT_EQ(summary(acks), (Strings{"ACK", "ACK"}));
  EXPECT_EQ(serialize(acks[0].message), serialize(acks[1].message));
  EXPECT_EQ(acks[0].message.cseq()->to_string(), std::to_string(reinvite.cseq()->number) + " ACK");
  EXPECT_EQ(acks[0].to, addr("127.0.0.3", 5099));  // the refreshed target
  EXPECT_EQ(finals, std::vector<int>{200});        // reported once
}

TEST_F(UacInviteTest, OutOfDialogRequestsReachTheListenerAndAreAnswered) {
  Message message = alice.ua().make_request("MESSAGE", bob.uri("bob"), alice.name_addr("alice"),
                                            bob.name_addr("bob"));
  message.add(HeaderId::kContentType, "text/plain");
  message.set_body("hello");
  std::vector<int> statuses;
  alice.ua().send(std::move(message),
                  [&](const Message& r, const Message&) { statuses.push_back(r.status()); });
  net.pump();
  EXPECT_EQ(bob.take(), Strings{"request MESSAGE"});
  EXPECT_EQ(statuses, std::vector<int>{200});
}

TEST_F(UacInviteTest, UnreachableNextHopFailsWith503) {
  alice.call_uri(*parse_uri("sip:nobody@example.invalid"));
  net.pump();
  EXPECT_EQ(alice.take(), (Strings{"failed 503"}));
}

}  // namespace
}  // namespace tandem::sip::test
