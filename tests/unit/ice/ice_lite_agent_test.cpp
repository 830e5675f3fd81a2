// The ICE-lite responder driven by a fake clock: answers, peer-reflexive learning, nomination,
// path switch, ICE restart, consent expiry, and what is dropped and counted.
#include "ice/ice_lite_agent.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "ice_test_util.hpp"
#include "rfc5769_vectors.hpp"

namespace tandem::ice {
namespace {

using namespace std::chrono_literals;
using test::at;
using test::CheckOptions;
using test::make_check;

constexpr std::string_view kUfrag = "gw01";
constexpr std::string_view kPwd = "gatewaypassword0123456";
constexpr std::string_view kRemote = "brws";

class AgentTest : public ::testing::Test {
 protected:
  void SetUp() override { agent_.emplace(make_agent(config())); }

  static IceLiteConfig config() {
    IceLiteConfig c;
    c.local_ufrag = kUfrag;
    c.local_pwd = kPwd;
    c.remote_ufrag = kRemote;
    return c;
  }
  IceLiteAgent make_agent(const IceLiteConfig& c) {
    return IceLiteAgent::create(c, &listener_, at(0ms)).value();
  }

  static CheckOptions check(bool use_candidate = false, uint8_t id = 1) {
    CheckOptions o;
    o.username = std::string(kUfrag) + ":" + std::string(kRemote);
    o.pwd = kPwd;
    o.use_candidate = use_candidate;
    o.id = id;
    return o;
  }

  // Sends `o` from `from` at `now`; returns the parsed response, if any.
  std::optional<StunView> send(const CheckOptions& o, const Endpoint& from, TimePoint now) {
    request_ = make_check(o);
    const size_t n = agent_->handle_packet(request_, from, now, response_);
    if (n == 0) return std::nullopt;
    auto view = StunView::parse(std::span<const uint8_t>(response_).first(n));
    EXPECT_TRUE(view);
    return view;
  }

  test::RecordingListener listener_;
  std::optional<IceLiteAgent> agent_;
  std::vector<uint8_t> request_;
  std::array<uint8_t, IceLiteAgent::kMaxResponseSize> response_{};
  const Endpoint a_ = *Endpoint::parse("198.51.100.10:50000");
  const Endpoint b_ = *Endpoint::parse("[2001:db8::7]:50001");
};

TEST_F(AgentTest, AnswersValidCheckAndLearnsPeerReflexive) {
  const auto response = send(check(), a_, at(100ms));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->type(), kBindingSuccess);
  EXPECT_EQ(response->xor_mapped_address(), a_);
  EXPECT_TRUE(response->verify_integrity(HmacSha1::create(kPwd).value()));
  EXPECT_TRUE(response->has_fingerprint());
  const auto request = StunView::parse(request_);
  EXPECT_TRUE(std::equal(response->transaction_id().begin(), response->transaction_id().end(),
                         request->transaction_id().begin()));
  EXPECT_EQ(agent_->state(), IceState::kChecking);
  EXPECT_FALSE(agent_->can_send());
  EXPECT_FALSE(agent_->selected_path());
  EXPECT_EQ(agent_->counters().prflx_learned, 1u);
  EXPECT_EQ(agent_->counters().valid_checks, 1u);
  EXPECT_EQ(agent_->counters().success_responses, 1u);
  EXPECT_EQ(listener_.states, std::vector<IceState>{IceState::kChecking});
  // The same address again is not learned twice.
  ASSERT_TRUE(send(check(false, 2), a_, at(200ms)));
  EXPECT_EQ(agent_->counters().prflx_learned, 1u);
}

TEST_F(AgentTest, UseCandidateNominates) {
  ASSERT_TRUE(send(check(true), a_, at(0ms)));
  EXPECT_EQ(agent_->state(), IceState::kConnected);
  EXPECT_TRUE(agent_->can_send());
  EXPECT_EQ(agent_->selected_path(), a_);
  EXPECT_EQ(listener_.paths, std::vector<Endpoint>{a_});
  EXPECT_EQ(listener_.states, (std::vector<IceState>{IceState::kChecking, IceState::kConnected}));
  EXPECT_EQ(agent_->counters().nominations, 1u);
  EXPECT_EQ(agent_->counters().path_switches, 0u);
  // Re-nominating the same pair changes nothing.
  ASSERT_TRUE(send(check(true, 2), a_, at(1s)));
  EXPECT_EQ(listener_.paths.size(), 1u);
}

TEST_F(AgentTest, SwitchesWhenBrowserNominatesAnotherPair) {
  ASSERT_TRUE(send(check(true), a_, at(0ms)));
  ASSERT_TRUE(send(check(false, 2), b_, at(1s)));
  EXPECT_EQ(agent_->selected_path(), a_);  // a plain check does not move media
  ASSERT_TRUE(send(check(true, 3), b_, at(2s)));
  EXPECT_EQ(agent_->selected_path(), b_);
  EXPECT_EQ(listener_.paths, (std::vector<Endpoint>{a_, b_}));
  EXPECT_EQ(agent_->counters().path_switches, 1u);
  EXPECT_EQ(agent_->state(), IceState::kConnected);
  ASSERT_TRUE(send(check(false, 4), a_, at(3s)));
  EXPECT_EQ(agent_->selected_path(), b_);
}

TEST_F(AgentTest, ConsentExpiresAtExactly30Seconds) {
  ASSERT_TRUE(send(check(true), a_, at(1000ms)));
  EXPECT_EQ(agent_->next_deadline(), at(31000ms));
  agent_->on_tick(at(30999ms));
  EXPECT_EQ(agent_->state(), IceState::kConnected);
  agent_->on_tick(at(31000ms));
  EXPECT_EQ(agent_->state(), IceState::kDisconnected);
  EXPECT_FALSE(agent_->can_send());
  EXPECT_EQ(agent_->counters().consent_expirations, 1u);
  EXPECT_EQ(listener_.states.back(), IceState::kDisconnected);
  EXPECT_FALSE(agent_->next_deadline());
  // A valid check on the selected pair grants consent again.
  ASSERT_TRUE(send(check(false, 2), a_, at(40s)));
  EXPECT_EQ(agent_->state(), IceState::kConnected);
  EXPECT_EQ(agent_->next_deadline(), at(70s));
}

TEST_F(AgentTest, EveryValidCheckRefreshesConsent) {
  ASSERT_TRUE(send(check(true), a_, at(0s)));
  for (int t = 5; t <= 100; t += 5) {
    ASSERT_TRUE(send(check(false, static_cast<uint8_t>(t)), a_, at(std::chrono::seconds(t))));
    agent_->on_tick(at(std::chrono::seconds(t) + 4999ms));
    EXPECT_EQ(agent_->state(), IceState::kConnected) << t;
  }
  EXPECT_EQ(agent_->next_deadline(), at(130s));
}

TEST_F(AgentTest, ChecksOnAnotherPairDoNotRefreshSelectedConsent) {
  ASSERT_TRUE(send(check(true), a_, at(0s)));
  ASSERT_TRUE(send(check(false, 2), b_, at(20s)));
  agent_->on_tick(at(30s));
  EXPECT_EQ(agent_->state(), IceState::kDisconnected);
}

TEST_F(AgentTest, FailedChecksDoNotRefreshConsent) {
  ASSERT_TRUE(send(check(true), a_, at(0s)));
  CheckOptions bad = check(false, 2);
  bad.pwd = "wrongpassword012345678";
  EXPECT_FALSE(send(bad, a_, at(20s)));
  agent_->on_tick(at(30s));
  EXPECT_EQ(agent_->state(), IceState::kDisconnected);
}

TEST_F(AgentTest, ConnectTimeoutFails) {
  EXPECT_EQ(agent_->next_deadline(), at(30s));
  agent_->on_tick(at(29999ms));
  EXPECT_EQ(agent_->state(), IceState::kNew);
  agent_->on_tick(at(30s));
  EXPECT_EQ(agent_->state(), IceState::kFailed);
  EXPECT_FALSE(agent_->next_deadline());
}

TEST_F(AgentTest, UnknownUfragAndBadIntegrityDroppedAndCounted) {
  CheckOptions wrong_local = check();
  wrong_local.username = "nope:" + std::string(kRemote);
  EXPECT_FALSE(send(wrong_local, a_, at(0s)));
  CheckOptions wrong_remote = check();
  wrong_remote.username = std::string(kUfrag) + ":other";
  EXPECT_FALSE(send(wrong_remote, a_, at(0s)));
  CheckOptions no_colon = check();
  no_colon.username = std::string(kUfrag);
  EXPECT_FALSE(send(no_colon, a_, at(0s)));
  CheckOptions bad_pwd = check();
  bad_pwd.pwd = "wrongpassword012345678";
  EXPECT_FALSE(send(bad_pwd, a_, at(0s)));
  EXPECT_EQ(agent_->counters().dropped_unknown_ufrag, 3u);
  EXPECT_EQ(agent_->counters().dropped_bad_integrity, 1u);
  EXPECT_EQ(agent_->counters().valid_checks, 0u);
  EXPECT_EQ(agent_->counters().prflx_learned, 0u);
  EXPECT_EQ(agent_->state(), IceState::kNew);
  EXPECT_TRUE(listener_.states.empty());
}

TEST_F(AgentTest, AnswerUnauthorizedOption) {
  IceLiteConfig c = config();
  c.answer_unauthorized = true;
  agent_.emplace(make_agent(c));
  CheckOptions bad_pwd = check();
  bad_pwd.pwd = "wrongpassword012345678";
  const auto response = send(bad_pwd, a_, at(0s));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->error_code()->code, 401);
  EXPECT_FALSE(response->has_message_integrity());
  EXPECT_EQ(agent_->counters().dropped_bad_integrity, 1u);
}

TEST_F(AgentTest, MissingCredentialsGet400) {
  CheckOptions no_integrity = check();
  no_integrity.pwd.clear();
  auto response = send(no_integrity, a_, at(0s));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->error_code()->code, 400);
  EXPECT_FALSE(response->has_message_integrity());
  CheckOptions no_username = check();
  no_username.username.clear();
  response = send(no_username, a_, at(0s));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->error_code()->code, 400);
  EXPECT_EQ(agent_->counters().bad_requests, 2u);
  EXPECT_EQ(agent_->state(), IceState::kNew);
}

TEST_F(AgentTest, ControlledPeerGetsRoleConflict) {
  CheckOptions controlled = check(true);
  controlled.controlling = false;
  const auto response = send(controlled, a_, at(0s));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->error_code()->code, 487);
  EXPECT_TRUE(response->verify_integrity(HmacSha1::create(kPwd).value()));
  EXPECT_EQ(agent_->counters().role_conflicts, 1u);
  EXPECT_FALSE(agent_->selected_path());
  EXPECT_EQ(agent_->state(), IceState::kNew);
}

TEST_F(AgentTest, Rfc5769SampleRequestIsAuthenticatedThenRoleConflict) {
  // The RFC 5769 request is a check from a controlled agent to "evtj" from "h6vY".
  IceLiteConfig c;
  c.local_ufrag = "evtj";
  c.local_pwd = test::kRfc5769Password;
  c.remote_ufrag = "h6vY";
  agent_.emplace(make_agent(c));
  const size_t n = agent_->handle_packet(test::kRfc5769Request, a_, at(0s), response_);
  ASSERT_GT(n, 0u);
  const auto response = StunView::parse(std::span<const uint8_t>(response_).first(n));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->error_code()->code, 487);
  EXPECT_TRUE(response->verify_integrity(HmacSha1::create(test::kRfc5769Password).value()));
  EXPECT_EQ(agent_->counters().dropped_bad_integrity, 0u);
}

TEST_F(AgentTest, UnknownComprehensionRequiredGets420) {
  CheckOptions o = check(true);
  o.extra_attribute = 0x0003;  // CHANGE-REQUEST
  const auto response = send(o, a_, at(0s));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->error_code()->code, 420);
  const auto unknown = response->find(attr::kUnknownAttributes);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(std::vector<uint8_t>(unknown->begin(), unknown->end()),
            (std::vector<uint8_t>{0x00, 0x03}));
  EXPECT_FALSE(agent_->selected_path());
  // Comprehension-optional unknowns are ignored.
  o.extra_attribute = 0xC057;
  o.id = 2;
  const auto ok = send(o, a_, at(0s));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->type(), kBindingSuccess);
}

TEST_F(AgentTest, NonRequestsAndGarbageDropped) {
  CheckOptions indication = check();
  indication.type = kBindingIndication;
  EXPECT_FALSE(send(indication, a_, at(0s)));
  CheckOptions response = check();
  response.type = kBindingSuccess;
  EXPECT_FALSE(send(response, a_, at(0s)));
  CheckOptions allocate = check();
  allocate.type = 0x0003;
  EXPECT_FALSE(send(allocate, a_, at(0s)));
  EXPECT_EQ(agent_->counters().dropped_not_request, 3u);
  const uint8_t garbage[] = {0x00, 0x01, 0x00, 0x00, 1, 2, 3, 4};
  EXPECT_EQ(agent_->handle_packet(garbage, a_, at(0s), response_), 0u);
  EXPECT_EQ(agent_->counters().dropped_malformed, 1u);
}

TEST_F(AgentTest, SmallResponseBufferDropped) {
  request_ = make_check(check(true));
  std::array<uint8_t, 40> tiny{};
  EXPECT_EQ(agent_->handle_packet(request_, a_, at(0s), tiny), 0u);
  EXPECT_EQ(agent_->counters().dropped_no_buffer, 1u);
  EXPECT_FALSE(agent_->selected_path());  // nothing answered, nothing nominated
}

TEST_F(AgentTest, RestartKeepsPathUntilNewCredentialsSucceed) {
  ASSERT_TRUE(send(check(true), a_, at(0s)));
  ASSERT_TRUE(agent_->restart("gw02", "newgatewaypassword0123", "brw2", at(10s)).ok());
  EXPECT_EQ(agent_->state(), IceState::kConnected);
  EXPECT_EQ(agent_->selected_path(), a_);
  EXPECT_TRUE(agent_->owns_ufrag("gw01"));
  EXPECT_TRUE(agent_->owns_ufrag("gw02"));
  EXPECT_EQ(agent_->local_ufrag(), "gw02");
  // The browser has not applied the new description yet: old credentials still work.
  ASSERT_TRUE(send(check(false, 2), a_, at(15s)));
  EXPECT_EQ(agent_->next_deadline(), at(45s));
  // First check with the new credentials, from another address.
  CheckOptions fresh;
  fresh.username = "gw02:brw2";
  fresh.pwd = "newgatewaypassword0123";
  fresh.id = 3;
  const auto response = send(fresh, b_, at(16s));
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->verify_integrity(HmacSha1::create("newgatewaypassword0123").value()));
  EXPECT_EQ(agent_->counters().restarts_completed, 1u);
  EXPECT_EQ(agent_->selected_path(), a_);  // not nominated yet
  EXPECT_FALSE(agent_->owns_ufrag("gw01"));
  // Old credentials are retired now.
  EXPECT_FALSE(send(check(false, 4), a_, at(17s)));
  EXPECT_EQ(agent_->counters().dropped_unknown_ufrag, 1u);
  fresh.use_candidate = true;
  fresh.id = 5;
  ASSERT_TRUE(send(fresh, b_, at(18s)));
  EXPECT_EQ(agent_->selected_path(), b_);
  EXPECT_EQ(agent_->state(), IceState::kConnected);
  EXPECT_EQ(agent_->counters().restarts, 1u);
}

TEST_F(AgentTest, RestartAfterFailureStartsOver) {
  agent_->on_tick(at(30s));
  ASSERT_EQ(agent_->state(), IceState::kFailed);
  ASSERT_TRUE(agent_->restart("gw02", "newgatewaypassword0123", "", at(40s)).ok());
  EXPECT_EQ(agent_->state(), IceState::kNew);
  EXPECT_EQ(agent_->next_deadline(), at(70s));
  // Remote ufrag unknown yet: any sender ufrag is accepted with the right password.
  CheckOptions o;
  o.username = "gw02:whatever";
  o.pwd = "newgatewaypassword0123";
  o.use_candidate = true;
  ASSERT_TRUE(send(o, a_, at(41s)));
  EXPECT_EQ(agent_->state(), IceState::kConnected);
  agent_->set_remote_ufrag("brw2");
  o.id = 2;
  EXPECT_FALSE(send(o, a_, at(42s)));
  o.username = "gw02:brw2";
  EXPECT_TRUE(send(o, a_, at(43s)));
}

TEST_F(AgentTest, RestartRejectsEmptyCredentials) {
  EXPECT_FALSE(agent_->restart("", "x", "y", at(0s)).ok());
  EXPECT_FALSE(IceLiteAgent::create(IceLiteConfig{}, nullptr, at(0s)).ok());
}

TEST_F(AgentTest, RemembersBoundedPathsAndNeverEvictsSelected) {
  ASSERT_TRUE(send(check(true), a_, at(0s)));
  for (uint16_t i = 0; i < 20; ++i) {
    const Endpoint e = *Endpoint::parse("203.0.113.1:" + std::to_string(1000 + i));
    ASSERT_TRUE(send(check(false, static_cast<uint8_t>(10 + i)), e, at(1s + i * 1s)));
  }
  EXPECT_EQ(agent_->counters().prflx_learned, 21u);
  EXPECT_EQ(agent_->selected_path(), a_);
  EXPECT_EQ(agent_->next_deadline(), at(30s));  // the selected entry kept its timestamp
  ASSERT_TRUE(send(check(false, 99), a_, at(25s)));
  EXPECT_EQ(agent_->counters().prflx_learned, 21u);  // still remembered
}

TEST_F(AgentTest, NullListenerIsFine) {
  auto agent = IceLiteAgent::create(config(), nullptr, at(0s)).value();
  request_ = make_check(check(true));
  EXPECT_GT(agent.handle_packet(request_, a_, at(0s), response_), 0u);
  EXPECT_EQ(agent.state(), IceState::kConnected);
}

}  // namespace
}  // namespace tandem::ice
