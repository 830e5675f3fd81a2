// Digest retry by the user agent core (401 and 407, MD5 and SHA-256, stale=true, rejected
// credentials) checked by the real DigestServer, and the registration client: refresh before
// expiry with the nonce count continuing, 423 Min-Expires, un-REGISTER.
#include "sip/registration.hpp"

#include <gtest/gtest.h>

#include "digest_challenger.hpp"

namespace tandem::sip::test {
namespace {

class DigestRetryTest : public ::testing::Test {
 protected:
  LoopNetwork net;
  FakeClock clock;
  Party alice{net, clock, addr("127.0.0.1"), [](std::string_view realm, const Message&) {
                return realm == "tandem.test"
                           ? std::optional<Credentials>(Credentials{"alice", "s3cret"})
                           : std::nullopt;
              }};
  const PeerAddress registrar = addr("127.0.0.7");
  std::vector<std::pair<RegistrationState, int>> states;

  std::unique_ptr<Registration> registration(uint32_t expires = 3600) {
    RegistrationConfig config;
    config.registrar = *parse_uri("sip:127.0.0.7");
    config.aor = *parse_name_addr("<sip:alice@tandem.test>");
    config.expires = expires;
    return std::make_unique<Registration>(alice.ua(), config,
                                          [this](RegistrationState s, const Message& m) {
                                            states.emplace_back(s, m.is_request() ? 0 : m.status());
                                          });
  }
  // The one request the registrar got.
  Message received() {
    net.pump();
    auto got = net.take();
    EXPECT_EQ(got.size(), 1u);
    return got.empty() ? Message() : got[0].message;
  }
  void reply(const Message& m) {
    net.inject(m, registrar, alice.address());
    net.pump();
  }
  Message ok(const Message& request, uint32_t expires) {
    Message r = make_response(request, 200, {}, "registrar");
    for (std::string_view c : request.values(HeaderId::kContact)) {
      r.add(HeaderId::kContact, std::string(c) + ";expires=" + std::to_string(expires));
    }
    return r;
  }
};

TEST_F(DigestRetryTest, Register401Md5RetriedThenRefreshedAndRemoved) {
  Challenger challenger({DigestAlgorithm::kMd5});
  auto reg = registration(3600);
  reg->start();
  Message first = received();
  EXPECT_FALSE(first.has(HeaderId::kAuthorization));
  EXPECT_TRUE(first.has(HeaderId::kContact));
  reply(challenger.challenge(first, 401, clock.now));
  Message second = received();
  EXPECT_TRUE(challenger.verify(second, HeaderId::kAuthorization, clock.now))
      << to_string(challenger.last);
  EXPECT_EQ(challenger.last_nc, "00000001");
  EXPECT_EQ(*second.call_id(), *first.call_id());
  EXPECT_EQ(second.cseq()->number, first.cseq()->number + 1);
  EXPECT_NE(second.top_via()->branch(), first.top_via()->branch());
  reply(ok(second, 120));  // the registrar grants less than asked
  EXPECT_EQ(reg->state(), RegistrationState::kRegistered);
  EXPECT_EQ(reg->granted(), 120u);

  // Refreshed half-way through a short grant, credentials sent up front with the next nc.
  clock.advance(std::chrono::seconds(59));
  alice.ua().tick();
  net.pump();
  EXPECT_TRUE(net.take().empty());
  clock.advance(std::chrono::seconds(1));
  alice.ua().tick();
  Message refresh = received();
  EXPECT_EQ(*refresh.call_id(), *first.call_id());
  EXPECT_EQ(refresh.cseq()->number, second.cseq()->number + 1);
  EXPECT_TRUE(challenger.verify(refresh, HeaderId::kAuthorization, clock.now));
  EXPECT_EQ(challenger.last_nc, "00000002");
  reply(ok(refresh, 120));

  reg->stop();
  Message remove = received();
  EXPECT_EQ(remove.find(HeaderId::kExpires)->value, "0");
  EXPECT_EQ(remove.cseq()->number, refresh.cseq()->number + 1);
  reply(ok(remove, 0));
  EXPECT_EQ(reg->state(), RegistrationState::kUnregistered);
  // No refresh after removal.
  clock.advance(std::chrono::hours(2));
  alice.ua().tick();
  net.pump();
  EXPECT_TRUE(net.take().empty());
  const std::vector<std::pair<RegistrationState, int>> expected{
      {RegistrationState::kRegistering, 0},
      {RegistrationState::kRegistered, 200},
      {RegistrationState::kRegistering, 0},
      {RegistrationState::kRegistered, 200},
      {RegistrationState::kUnregistered, 200}};
  EXPECT_EQ(states, expected);
}

// A refused un-REGISTER is reported (the caller is leaving: no retry), never left pending.
TEST_F(DigestRetryTest, FailedUnregisterIsReportedAndNotRetried) {
  auto reg = registration(3600);
  reg->start();
  reply(ok(received(), 3600));
  ASSERT_EQ(reg->state(), RegistrationState::kRegistered);
  reg->stop();
  reply(make_response(received(), 500, {}, "registrar"));
  EXPECT_EQ(reg->state(), RegistrationState::kFailed);
  EXPECT_EQ(states.back(), std::make_pair(RegistrationState::kFailed, 500));
  clock.advance(std::chrono::hours(2));
  alice.ua().tick();
  net.pump();
  EXPECT_TRUE(net.take().empty());
  EXPECT_EQ(alice.ua().pending_timers(), 0u);
}

TEST_F(DigestRetryTest, StaleNonceIsAnsweredWithoutGivingUp) {
  Challenger challenger({DigestAlgorithm::kSha256, DigestAlgorithm::kMd5});
  auto reg = registration();
  reg->start();
  Message first = received();
  reply(challenger.challenge(first, 401, clock.now));
  Message second = received();
  EXPECT_TRUE(challenger.verify(second, HeaderId::kAuthorization, clock.now));
  EXPECT_NE(second.find(HeaderId::kAuthorization)->value.find("SHA-256"), std::string_view::npos);
  // The registrar calls the nonce stale: a new one, same password, no loop detection trip.
  reply(challenger.challenge(second, 401, clock.now, /*stale=*/true));
  Message third = received();
  EXPECT_TRUE(challenger.verify(third, HeaderId::kAuthorization, clock.now));
  EXPECT_EQ(challenger.last_nc, "00000001");  // a new nonce restarts the count
  reply(ok(third, 3600));
  EXPECT_EQ(reg->state(), RegistrationState::kRegistered);
}

TEST_F(DigestRetryTest, WrongPasswordFailsOnceWithoutLooping) {
  Challenger challenger({DigestAlgorithm::kMd5});
  challenger.password = "other";
  auto reg = registration();
  reg->start();
  Message first = received();
  reply(challenger.challenge(first, 401, clock.now));
  Message second = received();
  EXPECT_FALSE(challenger.verify(second, HeaderId::kAuthorization, clock.now));
  reply(challenger.challenge(second, 401, clock.now));
  net.pump();
  EXPECT_TRUE(net.take().empty());  // rejected credentials: not retried
  EXPECT_EQ(reg->state(), RegistrationState::kFailed);
  // Retried after retry_after.
  clock.advance(std::chrono::seconds(60));
  alice.ua().tick();
  Message again = received();
  EXPECT_EQ(again.method(), "REGISTER");
}

TEST_F(DigestRetryTest, StopFromTheListenerLeavesNoRefreshBehind) {
  RegistrationConfig config;
  config.registrar = *parse_uri("sip:127.0.0.7");
  config.aor = *parse_name_addr("<sip:alice@tandem.test>");
  std::unique_ptr<Registration> reg;
  reg =
      std::make_unique<Registration>(alice.ua(), config, [&](RegistrationState s, const Message&) {
        if (s == RegistrationState::kRegistered) reg->stop();
      });
  reg->start();
  Message first = received();
  reply(ok(first, 60));
  Message remove = received();  // stop() from inside the callback
  EXPECT_EQ(remove.find(HeaderId::kExpires)->value, "0");
  reply(ok(remove, 0));
  EXPECT_EQ(alice.ua().pending_timers(), 0u);  // no refresh scheduled behind stop()
}

TEST_F(DigestRetryTest, IntervalTooBriefRaisesExpires) {
  auto reg = registration(30);
  reg->start();
  Message first = received();
  Message brief = make_response(first, 423, {}, "registrar");
  brief.add(HeaderId::kMinExpires, "300");
  reply(brief);
  Message second = received();
  EXPECT_EQ(second.find(HeaderId::kExpires)->value, "300");
}

TEST_F(DigestRetryTest, Invite407Sha256RetriedWithProxyAuthorization) {
  Challenger challenger({DigestAlgorithm::kSha256});
  alice.call_uri(*parse_uri("sip:bob@127.0.0.7"));
  Message first = received();
  reply(challenger.challenge(first, 407, clock.now));
  net.pump();
  auto sent = net.take();
  ASSERT_EQ(summary(sent), (Strings{"ACK", "INVITE"}));  // the 407 ACKed, the INVITE retried
  const Message& second = sent[1].message;
  EXPECT_TRUE(challenger.verify(second, HeaderId::kProxyAuthorization, clock.now))
      << to_string(challenger.last);
  EXPECT_NE(second.find(HeaderId::kProxyAuthorization)->value.find("algorithm=SHA-256"),
            std::string_view::npos);
  EXPECT_EQ(second.cseq()->number, first.cseq()->number + 1);
  EXPECT_EQ(second.from()->tag(), first.from()->tag());
  EXPECT_EQ(*second.call_id(), *first.call_id());
  Message answer = make_response(second, 200, {}, "callee");
  answer.add(HeaderId::kContact, "<sip:bob@127.0.0.7>");
  reply(answer);
  EXPECT_EQ(alice.take(), (Strings{"answered callee"}));
  auto ack = net.take();
  ASSERT_EQ(summary(ack), Strings{"ACK"});
  EXPECT_EQ(ack[0].message.cseq()->number, second.cseq()->number);
  // The BYE in that dialog takes the next CSeq after the retried INVITE.
  alice.session->bye();
  net.pump();
  auto bye = net.take();
  ASSERT_EQ(summary(bye), Strings{"BYE"});
  EXPECT_EQ(bye[0].message.cseq()->number, second.cseq()->number + 1);
}

TEST_F(DigestRetryTest, ChallengeWithoutCredentialsReachesTheCaller) {
  Challenger challenger({DigestAlgorithm::kMd5});
  challenger.server = DigestServer(DigestServerConfig{"other.realm", "secret"});
  alice.call_uri(*parse_uri("sip:bob@127.0.0.7"));
  Message first = received();
  reply(challenger.challenge(first, 401, clock.now));
  EXPECT_EQ(alice.take(), (Strings{"failed 401"}));
}

}  // namespace
}  // namespace tandem::sip::test
