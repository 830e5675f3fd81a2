// Incoming INVITEs and in-dialog requests through the user agent core: the 2xx retransmitted
// until the ACK and BYE'd without one, re-INVITE with target refresh, glare (491 and the §14.1
// retry), CSeq ordering (500), unknown dialogs (481), the UAS route set.
#include <gtest/gtest.h>

#include "ua_test_util.hpp"

namespace tandem::sip::test {
namespace {

class UasInviteTest : public ::testing::Test {
 protected:
  LoopNetwork net;
  FakeClock clock;
  Party alice{net, clock, addr("127.0.0.1")};
  Party bob{net, clock, addr("127.0.0.2")};
  const PeerAddress peer = addr("127.0.0.3");

  // An INVITE from the scripted peer to Bob.
  Message peer_invite(const std::vector<std::string>& record_routes = {}) {
    Message m = Message::request("INVITE", bob.uri("bob"));
    m.add(HeaderId::kVia, "SIP/2.0/TCP 127.0.0.3:5060;branch=z9hG4bK" + random_token(8));
    for (const std::string& rr : record_routes) m.add(HeaderId::kRecordRoute, rr);
    m.add(HeaderId::kMaxForwards, "70");
    m.add(HeaderId::kFrom, "<sip:peer@127.0.0.3>;tag=peertag");
    m.add(HeaderId::kTo, "<sip:bob@127.0.0.2>");
    m.add(HeaderId::kCallId, "call-1@127.0.0.3");
    m.add(HeaderId::kCSeq, "10 INVITE");
    m.add(HeaderId::kContact, "<sip:peer@127.0.0.3:5060>");
    return m;
  }
  // A request inside the dialog Bob made with the peer.
  Message peer_request(const std::string& method, uint32_t cseq, const std::string& bob_tag) {
    Message m = Message::request(method, bob.uri("bob"));
    m.add(HeaderId::kVia, "SIP/2.0/TCP 127.0.0.3:5060;branch=z9hG4bK" + random_token(8));
    m.add(HeaderId::kMaxForwards, "70");
    m.add(HeaderId::kFrom, "<sip:peer@127.0.0.3>;tag=peertag");
    m.add(HeaderId::kTo, "<sip:bob@127.0.0.2>;tag=" + bob_tag);
    m.add(HeaderId::kCallId, "call-1@127.0.0.3");
    m.add(HeaderId::kCSeq, std::to_string(cseq) + " " + method);
    return m;
  }
  void to_bob(const Message& m) {
    net.inject(m, peer, bob.address());
    net.pump();
  }
  // Bob answers the peer's INVITE with 200; returns Bob's To tag.
  std::string answered_call() {
    to_bob(peer_invite());
    auto sent = net.take();
    EXPECT_EQ(summary(sent), (Strings{"180", "200"}));
    return to_tag(sent.at(1).message);
  }
  void established() {
    alice.call(bob);
    net.pump();
    alice.take();
    bob.take();
    ASSERT_NE(alice.session, nullptr);
    ASSERT_NE(bob.session, nullptr);
  }
};

TEST_F(UasInviteTest, AnswerIsRetransmittedWithDoublingIntervalUntilAck) {
  const std::string tag = answered_call();
  const Duration t1 = bob.ua().config().timers.t1;
  int retransmissions = 0;
  std::vector<Duration> gaps;
  Duration since = Duration(0);
  for (Duration step(100); since < 8 * t1; since += step) {
    clock.advance(step);
    bob.ua().tick();
    net.pump();
    auto sent = net.take();
    for (const Packet& p : sent) {
      EXPECT_EQ(p.message.status(), 200);
      ++retransmissions;
      gaps.push_back(since + step);
    }
  }
  // T1, 2*T1 and 4*T1 after the first: at 0.5 s, 1.5 s and 3.5 s.
  EXPECT_EQ(gaps, (std::vector<Duration>{t1, 3 * t1, 7 * t1}));
  Message ack = peer_request("ACK", 10, tag);
  to_bob(ack);
  EXPECT_EQ(bob.take(), (Strings{"invite", "ack"}));
  clock.advance(std::chrono::seconds(60));
  bob.ua().tick();
  net.pump();
  EXPECT_TRUE(net.take().empty());
  EXPECT_EQ(bob.ua().session_count(), 1u);
  EXPECT_EQ(retransmissions, 3);
}

TEST_F(UasInviteTest, AnswerNeverAckedEndsWithBye) {
  const std::string tag = answered_call();
  const Duration t1 = bob.ua().config().timers.t1;
  const Duration t2 = bob.ua().config().timers.t2;
  std::vector<std::string> sent_kinds;
  for (Duration elapsed(0); elapsed < 64 * t1; elapsed += Duration(250)) {
    clock.advance(Duration(250));
    bob.ua().tick();
    net.pump();
    for (const std::string& s : summary(net.take())) sent_kinds.push_back(s);
  }
  ASSERT_FALSE(sent_kinds.empty());
  EXPECT_EQ(sent_kinds.back(), "BYE");
  // 0.5, 1.5, 3.5, 7.5, then every T2 (4 s) up to 32 s: 4 + 6 retransmissions.
  const size_t expected_2xx = 4 + static_cast<size_t>((64 * t1 - 7500 * Duration(1)) / t2);
  EXPECT_EQ(std::count(sent_kinds.begin(), sent_kinds.end(), "200"), expected_2xx);
  EXPECT_EQ(bob.take(), (Strings{"invite", "terminated no ACK"}));
  EXPECT_EQ(bob.ua().session_count(), 0u);
  (void)tag;
}

TEST_F(UasInviteTest, UasRouteSetKeepsRecordRouteOrder) {
  to_bob(peer_invite({"<sip:127.0.0.4:5060;lr>", "<sip:127.0.0.5:5060;lr>"}));
  auto sent = net.take();
  ASSERT_EQ(summary(sent), (Strings{"180", "200"}));
  EXPECT_EQ(sent[1].message.values(HeaderId::kRecordRoute),
            (std::vector<std::string_view>{"<sip:127.0.0.4:5060;lr>", "<sip:127.0.0.5:5060;lr>"}));
  EXPECT_TRUE(sent[1].message.has(HeaderId::kContact));
  to_bob(peer_request("ACK", 10, to_tag(sent[1].message)));
  ASSERT_NE(bob.session, nullptr);
  bob.session->bye();
  net.pump();
  auto bye = net.take();
  ASSERT_EQ(summary(bye), Strings{"BYE"});
  EXPECT_EQ(bye[0].to, addr("127.0.0.4"));
  EXPECT_EQ(bye[0].message.request_uri().to_string(), "sip:peer@127.0.0.3:5060");
  EXPECT_EQ(bye[0].message.values(HeaderId::kRoute),
            (std::vector<std::string_view>{"<sip:127.0.0.4:5060;lr>", "<sip:127.0.0.5:5060;lr>"}));
  EXPECT_EQ(std::string(bye[0].message.from()->tag()), to_tag(sent[1].message));
  EXPECT_EQ(bye[0].message.to()->tag(), "peertag");
}

TEST_F(UasInviteTest, LowerRemoteCSeqGets500AndUnknownDialog481) {
  const std::string tag = answered_call();
  to_bob(peer_request("ACK", 10, tag));
  to_bob(peer_request("INFO", 11, tag));
  EXPECT_EQ(summary(net.take()), Strings{"200"});
  to_bob(peer_request("INFO", 9, tag));  // lower than the last
  auto sent = net.take();
  ASSERT_EQ(summary(sent), Strings{"500"});
  to_bob(peer_request("INFO", 12, "no-such-tag"));
  EXPECT_EQ(summary(net.take()), Strings{"481"});
  EXPECT_EQ(bob.take(), (Strings{"invite", "ack", "in-dialog INFO"}));
}

TEST_F(UasInviteTest, ReinviteRefreshesTargetAndIsAnsweredUntilAck) {
  const std::string tag = answered_call();
  to_bob(peer_request("ACK", 10, tag));
  Message reinvite = peer_request("INVITE", 11, tag);
  reinvite.add(HeaderId::kContact, "<sip:peer@127.0.0.9:5090>");  // the peer moved
  to_bob(reinvite);
  auto ok = net.take();
  ASSERT_EQ(summary(ok), Strings{"200"});
  EXPECT_TRUE(ok[0].message.has(HeaderId::kContact));
  clock.advance(bob.ua().config().timers.t1);
  bob.ua().tick();
  net.pump();
  EXPECT_EQ(summary(net.take()), Strings{"200"});  // retransmitted until the ACK
  to_bob(peer_request("ACK", 11, tag));
  clock.advance(std::chrono::seconds(10));
  bob.ua().tick();
  net.pump();
  EXPECT_TRUE(net.take().empty());
  bob.session->bye();
  net.pump();
  auto bye = net.take();
  ASSERT_EQ(summary(bye), Strings{"BYE"});
  EXPECT_EQ(bye[0].to, addr("127.0.0.9", 5090));
  EXPECT_EQ(bye[0].message.request_uri().to_string(), "sip:peer@127.0.0.9:5090");
}

TEST_F(UasInviteTest, ReinviteBetweenUserAgents) {
  established();
  const uint32_t before = alice.session->dialog().local_cseq();
  std::vector<int> finals;
  ASSERT_TRUE(alice.session->reinvite(
      "v=0\r\ns=hold\r\n", "application/sdp",
      [&](const Message& r, const Message&) { finals.push_back(r.status()); }));
  net.pump();
  EXPECT_EQ(finals, std::vector<int>{200});
  EXPECT_EQ(bob.take(), (Strings{"in-dialog INVITE", "ack"}));
  EXPECT_EQ(alice.session->dialog().local_cseq(), before + 1);
  // A second one works too: the first is over.
  ASSERT_TRUE(alice.session->reinvite("v=0\r\n", "application/sdp"));
  net.pump();
  EXPECT_EQ(bob.take(), (Strings{"in-dialog INVITE", "ack"}));
}

TEST_F(UasInviteTest, GlareGets491AndBothRetryAfterTheirDelays) {
  established();
  std::vector<int> alice_finals;
  std::vector<int> bob_finals;
  ASSERT_TRUE(alice.session->reinvite(
      "v=0\r\n", "application/sdp",
      [&](const Message& r, const Message&) { alice_finals.push_back(r.status()); }));
  ASSERT_TRUE(bob.session->reinvite(
      "v=0\r\n", "application/sdp",
      [&](const Message& r, const Message&) { bob_finals.push_back(r.status()); }));
  net.pump();  // each INVITE meets the other's pending one: 491 both ways
  EXPECT_TRUE(alice_finals.empty());
  EXPECT_TRUE(bob_finals.empty());
  // Bob (not the Call-ID owner) retries within 2 s, Alice within 2.1-4 s.
  for (int i = 0; i < 40; ++i) {
    clock.advance(Duration(100));
    alice.ua().tick();
    bob.ua().tick();
    net.pump();
  }
  EXPECT_EQ(alice_finals, std::vector<int>{200});
  EXPECT_EQ(bob_finals, std::vector<int>{200});
  EXPECT_EQ(alice.take(), (Strings{"in-dialog INVITE", "ack"}));
  EXPECT_EQ(bob.take(), (Strings{"in-dialog INVITE", "ack"}));
}

TEST_F(UasInviteTest, InDialogRequestsBothWays) {
  established();
  std::vector<int> finals;
  ASSERT_TRUE(alice.session->request("INFO", "Signal=5\r\n", "application/dtmf-relay",
                                     [&](const Message& r, const Message&) {
                                       if (r.status() >= 200) finals.push_back(r.status());
                                     }));
  ASSERT_TRUE(bob.session->request("MESSAGE", "hi", "text/plain"));
  ASSERT_TRUE(bob.session->request("UPDATE"));
  net.pump();
  EXPECT_EQ(finals, std::vector<int>{200});
  EXPECT_EQ(bob.take(), (Strings{"in-dialog INFO"}));
  EXPECT_EQ(alice.take(), (Strings{"in-dialog MESSAGE", "in-dialog UPDATE"}));
  EXPECT_FALSE(alice.session->request("ACK"));
}

TEST_F(UasInviteTest, InDialog481EndsTheSession) {
  established();
  bob.in_dialog_status = 481;
  ASSERT_TRUE(alice.session->request("INFO"));
  net.pump();
  EXPECT_EQ(alice.take(), (Strings{"terminated failed"}));
  EXPECT_EQ(alice.ua().session_count(), 0u);
}

TEST_F(UasInviteTest, RejectedInviteCreatesNoSession) {
  bob.answer_with = {180, 486};
  alice.call(bob);
  net.pump();
  EXPECT_EQ(bob.take(), (Strings{"invite", "terminated rejected"}));
  EXPECT_EQ(alice.take(), (Strings{"progress 180 early", "terminated rejected", "failed 486"}));
  EXPECT_EQ(bob.ua().session_count(), 0u);
}

TEST_F(UasInviteTest, ByeOutsideDialogAndCancelForUnknownInviteGet481) {
  Message bye = peer_request("BYE", 5, "");
  bye.set(HeaderId::kTo, "<sip:bob@127.0.0.2>");
  to_bob(bye);
  Message cancel = peer_invite();
  cancel = [&] {
    Message c = Message::request("CANCEL", cancel.request_uri());
    for (const Header& h : cancel.headers()) {
      if (h.id != HeaderId::kCSeq && h.id != HeaderId::kContact) c.add(h.id, h.value);
    }
    c.add(HeaderId::kCSeq, "10 CANCEL");
    return c;
  }();
  to_bob(cancel);
  EXPECT_EQ(summary(net.take()), (Strings{"481", "481"}));
}

}  // namespace
}  // namespace tandem::sip::test
