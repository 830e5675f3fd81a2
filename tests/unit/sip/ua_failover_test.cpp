// RFC 3263 §4.3 failover inside the user agent core: the next hop lists two targets for
// "pbx.test" (scripted peers on the loop network) and the core tries them in turn.
#include <gtest/gtest.h>

#include "digest_challenger.hpp"
#include "sip/registration.hpp"

namespace tandem::sip::test {
namespace {

std::vector<Packet> requests(const std::vector<Packet>& packets, const std::string& method) {
  std::vector<Packet> out;
  for (const Packet& p : packets) {
    if (p.message.is_request() && p.message.method() == method) out.push_back(p);
  }
  return out;
}

class UaFailoverTest : public ::testing::Test {
 protected:
  LoopNetwork net;
  FakeClock clock;
  const PeerAddress first = addr("127.0.0.21");
  const PeerAddress second = addr("127.0.0.22");
  Party alice{net, clock, addr("127.0.0.1"),
              [](std::string_view, const Message&) {
                return std::optional<Credentials>(Credentials{"alice", "s3cret"});
              },
              std::make_shared<LoopNames>(LoopNames{{"pbx.test", {first, second}}})};

  void reply(const Message& m, const PeerAddress& from) {
    net.inject(m, from, alice.address());
    net.pump();
  }
};

TEST_F(UaFailoverTest, InviteFailsOverOn503ButNotOnceATargetRangAndCancelGoesThere) {
  alice.call_uri(*parse_uri("sip:bob@pbx.test"));
  net.pump();
  auto got = requests(net.take(), "INVITE");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].to, first);
  const Message invite1 = got[0].message;
  reply(scripted_response(invite1, 503, "busy"), first);
  EXPECT_EQ(alice.take(), Strings{});  // §21.5.4: the 503 is not passed up
  got = requests(net.take(), "INVITE");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].to, second);
  const Message invite2 = got[0].message;
  // A new transaction (branch), otherwise the same request (RFC 3263 §4.3), CSeq included.
  EXPECT_NE(invite2.top_via()->branch(), invite1.top_via()->branch());
  EXPECT_EQ(invite2.cseq()->number, invite1.cseq()->number);
  EXPECT_EQ(*invite2.call_id(), *invite1.call_id());
  EXPECT_TRUE(invite2.has(HeaderId::kContact));

  reply(scripted_response(invite2, 180, "b"), second);
  ASSERT_NE(alice.outgoing, nullptr);
  ASSERT_TRUE(alice.outgoing->cancel());
  net.pump();
  auto cancels = requests(net.take(), "CANCEL");
  ASSERT_EQ(cancels.size(), 1u);
  EXPECT_EQ(cancels[0].to, second);  // the target the current INVITE went to
  EXPECT_EQ(cancels[0].message.top_via()->branch(), invite2.top_via()->branch());
  reply(scripted_response(invite2, 487, "b"), second);
  EXPECT_EQ(alice.take(), (Strings{"progress 180", "failed 487"}));
}

TEST_F(UaFailoverTest, ARingingTargets503IsFinal) {
  alice.call_uri(*parse_uri("sip:bob@pbx.test"));
  net.pump();
  auto got = requests(net.take(), "INVITE");
  ASSERT_EQ(got.size(), 1u);
  reply(scripted_response(got[0].message, 183, "a"), first);
  reply(scripted_response(got[0].message, 503, "a"), first);
  EXPECT_TRUE(requests(net.take(), "INVITE").empty());
  EXPECT_EQ(alice.take(), (Strings{"progress 183", "failed 503"}));
}

TEST_F(UaFailoverTest, LastTargets503ReachesTheCaller) {
  alice.call_uri(*parse_uri("sip:bob@pbx.test"));
  net.pump();
  reply(scripted_response(requests(net.take(), "INVITE").at(0).message, 503, "a"), first);
  reply(scripted_response(requests(net.take(), "INVITE").at(0).message, 503, "b"), second);
  EXPECT_EQ(alice.take(), (Strings{"failed 503"}));
}

// Timer B runs on the injected clock like every other timer: a silent first target is given up
// exactly at 64*T1, not a tick earlier, and the INVITE goes to the next one.
TEST_F(UaFailoverTest, SilentTargetTimesOutOnTheInjectedClockThenTheNextAnswers) {
  alice.call_uri(*parse_uri("sip:bob@pbx.test"));
  net.pump();
  ASSERT_EQ(requests(net.take(), "INVITE").at(0).to, first);
  const Duration timer_b = 64 * alice.ua().config().timers.t1;
  clock.advance(timer_b - Duration(1));
  alice.ua().tick();
  net.pump();
  EXPECT_TRUE(requests(net.take(), "INVITE").empty());
  clock.advance(Duration(1));
  alice.ua().tick();
  net.pump();
  auto got = requests(net.take(), "INVITE");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].to, second);
  reply(scripted_response(got[0].message, 200, "b", "<sip:bob@127.0.0.22>"), second);
  EXPECT_EQ(alice.take(), (Strings{"answered b"}));
  EXPECT_EQ(summary(net.take()), (Strings{"ACK"}));
}

TEST_F(UaFailoverTest, RegisterDigestRetryStaysOnTheFailedOverTarget) {
  Challenger challenger({DigestAlgorithm::kMd5});
  RegistrationConfig config;
  config.registrar = *parse_uri("sip:pbx.test");
  config.aor = *parse_name_addr("<sip:alice@pbx.test>");
  std::vector<RegistrationState> states;
  Registration reg(alice.ua(), config,
                   [&](RegistrationState s, const Message&) { states.push_back(s); });
  reg.start();
  net.pump();
  auto got = requests(net.take(), "REGISTER");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].to, first);
  reply(scripted_response(got[0].message, 503, "a"), first);
  got = requests(net.take(), "REGISTER");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].to, second);
  const Message register2 = got[0].message;
  reply(challenger.challenge(register2, 401, clock.now), second);
  got = requests(net.take(), "REGISTER");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].to, second);  // the challenger's nonce is valid there
  EXPECT_TRUE(challenger.verify(got[0].message, HeaderId::kAuthorization, clock.now));
  EXPECT_EQ(got[0].message.cseq()->number, register2.cseq()->number + 1);
  Message ok = make_response(got[0].message, 200, {}, "registrar");
  reply(ok, second);
  EXPECT_EQ(reg.state(), RegistrationState::kRegistered);
}

}  // namespace
}  // namespace tandem::sip::test
