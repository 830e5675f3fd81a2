// RegistrationRelay and GatewayCore's PBX-side paths on the SIP tests' loop network: a real
// gateway user agent, a scripted browser and a scripted PBX whose messages the test reads and
// answers (Digest challenge included), a fake clock for the shutdown wait.
#include "gateway/registration_relay.hpp"

#include <gtest/gtest.h>

#include "../sip/ua_test_util.hpp"
#include "gateway/credential_store.hpp"
#include "gateway/gateway_core.hpp"
#include "sip/auth_header.hpp"

namespace tandem::gateway {
namespace {

using sip::HeaderId;
using sip::Message;
using sip::test::addr;

// Hands every request to the relay as if from a browser whose token says `subject` (the loop
// network has no WebSockets: GatewayCore's identity checks are covered by the interop tests).
class BrowserListener final : public sip::UserAgent::Listener {
 public:
  void on_invite(sip::IncomingInvite&) override {}
  void on_request_outside_dialog(sip::UserAgent& ua, const sip::IncomingRequest& r) override {
    if (r.request.method() != "REGISTER" || relay == nullptr) {
      ua.respond(r, 405);
      return;
    }
    relay->on_browser_register(r, BrowserFlow{r.flow, "1000", std::nullopt});
  }
  RegistrationRelay* relay = nullptr;
};

class RelayTest : public ::testing::Test {
 protected:
  RelayTest()
      : store_({{"1000", "", "secret1000", ""}, {"1002", "auth1002", "pw", "other.realm"}}),
        ua_(io_, config(), listener_),
        transport_(net_, gw_),
        relay_(ua_, settings()) {
    ua_.layer().add_transport(transport_);
    net_.attach(gw_, ua_.layer());
    listener_.relay = &relay_;
  }

  sip::UserAgentConfig config() {
    sip::UserAgentConfig c;
    c.now = [this] { return clock_.now; };
    c.asio_timers = false;
    c.next_hop = sip::test::loop_next_hop(gw_);
    c.credentials = store_.lookup();
    return c;
  }
  RelaySettings settings() {
    RelaySettings s;
    s.domain = "tandem.test";
    s.pbx = *sip::parse_uri("sip:" + pbx_.to_string());
    s.our_contact = [this](const std::string& user) {
      return *sip::parse_uri("sip:" + user + "@" + gw_.to_string());
    };
    return s;
  }

  // A REGISTER from the browser, as JsSIP sends it.
  Message browser_register(uint32_t expires, uint32_t cseq = 1) {
    Message m = Message::request("REGISTER", *sip::parse_uri("sip:tandem.test"));
    m.add(HeaderId::kVia,
          "SIP/2.0/TCP " + browser_.to_string() + ";branch=z9hG4bK-b" + std::to_string(cseq));
    m.add(HeaderId::kFrom, "<sip:1000@tandem.test>;tag=btag");
    m.add(HeaderId::kTo, "<sip:1000@tandem.test>");
    m.add(HeaderId::kCallId, "browser-call-id");
    m.add(HeaderId::kCSeq, std::to_string(cseq) + " REGISTER");
    m.add(HeaderId::kContact,
          "<sip:abc@xyz.invalid;transport=ws>;expires=" + std::to_string(expires));
    m.add(HeaderId::kMaxForwards, "70");
    return m;
  }
  void send_from_browser(const Message& m) {
    net_.inject(m, browser_, gw_);
    net_.pump();
  }
  void answer_from_pbx(const Message& r) {
    net_.inject(r, pbx_, gw_);
    net_.pump();
  }
  // The one message the PBX or the browser got since the last call.
  Message only(const sip::PeerAddress& to) {
    net_.pump();
    auto packets = net_.take();
    EXPECT_EQ(packets.size(), 1u);
    if (packets.empty()) {  // an empty response makes the caller's checks fail, not crash
      Message none = Message::response(0, "nothing");
      none.add(HeaderId::kExpires, "none");
      return none;
    }
    EXPECT_EQ(packets[0].to, to);
    return packets[0].message;
  }
  Message challenge(const Message& request) {
    Message r = sip::make_response(request, 401, {}, "pbxtag");
    r.add(HeaderId::kWwwAuthenticate,
          R"(Digest realm="tandem.test", nonce="n1", algorithm=MD5, qop="auth")");
    return r;
  }
  Message ok(const Message& request, const std::string& contact_expires) {
    Message r = sip::make_response(request, 200, {}, "pbxtag");
    auto contacts = request.contacts();
    if (contacts && !contacts->contacts.empty()) {
      sip::NameAddr c = contacts->contacts.front();
      c.params.set("expires", contact_expires);
      r.add(HeaderId::kContact, c.to_string());
    }
    return r;
  }
  // Registers 1000 through the relay (401 then 200 granting `granted`); the PBX's REGISTER.
  Message register_browser(const std::string& granted = "300") {
    send_from_browser(browser_register(600));
    Message first = only(pbx_);
    answer_from_pbx(challenge(first));
    Message second = only(pbx_);
    answer_from_pbx(ok(second, granted));
    return second;
  }

  boost::asio::io_context io_;
  sip::test::FakeClock clock_;
  sip::test::LoopNetwork net_;
  sip::PeerAddress gw_ = addr("127.0.0.1", 5080);
  sip::PeerAddress pbx_ = addr("127.0.0.2", 5060);
  sip::PeerAddress browser_ = addr("127.0.0.3", 40000);
  CredentialStore store_;
  BrowserListener listener_;
  sip::UserAgent ua_;
  sip::test::LoopTransport transport_;
  RegistrationRelay relay_;
};

TEST(CredentialStoreTest, FindsByUserAndRealm) {
  CredentialStore store({{"1000", "", "pw0", ""}, {"1001", "auth1001", "pw1", "pbx.test"}});
  auto any = store.find("1000", "whatever");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->username, "1000");
  EXPECT_EQ(any->password, "pw0");
  auto named = store.find("1001", "pbx.test");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->username, "auth1001");
  EXPECT_FALSE(store.find("1001", "other.test"));
  EXPECT_FALSE(store.find("1002", "pbx.test"));
  Message m = Message::request("REGISTER", *sip::parse_uri("sip:pbx.test"));
  m.add(HeaderId::kFrom, "<sip:1001@pbx.test>;tag=a");
  EXPECT_EQ(store.for_request("pbx.test", m)->username, "auth1001");
  Message no_from = Message::request("REGISTER", *sip::parse_uri("sip:pbx.test"));
  EXPECT_FALSE(store.for_request("pbx.test", no_from));
}

TEST_F(RelayTest, RegistersWithOwnContactAndStoredCredentials) {
  send_from_browser(browser_register(600));
  Message first = only(pbx_);
  EXPECT_EQ(first.method(), "REGISTER");
  EXPECT_EQ(first.request_uri().to_string(), "sip:tandem.test");
  EXPECT_EQ(first.to()->uri.to_string(), "sip:1000@tandem.test");
  EXPECT_EQ(first.from()->uri.to_string(), "sip:1000@tandem.test");
  EXPECT_EQ(first.find(HeaderId::kExpires)->value, "600");
  const sip::Uri ours = first.contacts()->contacts.at(0).uri;
  EXPECT_TRUE(RegistrationRelay::looks_like_contact_user(ours.user)) << ours.user;
  EXPECT_EQ(ours.user.substr(0, 5), "1000-");
  EXPECT_EQ(ours.host, "127.0.0.1");
  EXPECT_FALSE(relay_.find(ours.user));  // not before the PBX accepted it

  answer_from_pbx(challenge(first));
  Message second = only(pbx_);
  auto auth = second.first_as(HeaderId::kAuthorization, sip::parse_auth_header);
  ASSERT_TRUE(auth) << auth.error().reason;
  EXPECT_EQ(auth->get("username").value_or(""), "1000");
  EXPECT_EQ(second.call_id().value(), first.call_id().value());
  EXPECT_EQ(second.cseq()->number, first.cseq()->number + 1);

  answer_from_pbx(ok(second, "300"));
  Message reply = only(browser_);
  EXPECT_EQ(reply.status(), 200);
  const auto contact = reply.contacts()->contacts.at(0);
  EXPECT_EQ(contact.uri.to_string(), "sip:abc@xyz.invalid;transport=ws");
  EXPECT_EQ(sip::contact_expires(contact), 300u);  // what the PBX granted, not what was asked
  const BrowserBinding* binding = relay_.find(ours.user);
  ASSERT_NE(binding, nullptr);
  EXPECT_EQ(binding->browser.subject, "1000");
  EXPECT_EQ(binding->browser_contact.to_string(), "sip:abc@xyz.invalid;transport=ws");
  EXPECT_EQ(relay_.binding_count(), 1u);
  clock_.advance(std::chrono::seconds(301));  // not refreshed: the PBX has dropped it
  EXPECT_FALSE(relay_.find(ours.user));
}

TEST_F(RelayTest, RefreshKeepsCallIdAndContact) {
  Message first = register_browser();
  only(browser_);
  send_from_browser(browser_register(600, 2));
  Message refresh = only(pbx_);
  EXPECT_EQ(refresh.call_id().value(), first.call_id().value());
  EXPECT_GT(refresh.cseq()->number, first.cseq()->number);
  EXPECT_TRUE(refresh.has(HeaderId::kAuthorization));  // preauthorized: no new challenge
  EXPECT_TRUE(sip::equivalent(refresh.contacts()->contacts.at(0).uri,
                              first.contacts()->contacts.at(0).uri));
  answer_from_pbx(ok(refresh, "600"));
  EXPECT_EQ(only(browser_).status(), 200);
  EXPECT_EQ(relay_.binding_count(), 1u);
}

TEST_F(RelayTest, UnregisterRemovesTheBinding) {
  Message reg = register_browser();
  only(browser_);
  const std::string user = reg.contacts()->contacts.at(0).uri.user;
  send_from_browser(browser_register(0, 2));
  Message un = only(pbx_);
  EXPECT_EQ(un.find(HeaderId::kExpires)->value, "0");
  EXPECT_FALSE(relay_.find(user));  // PBX INVITEs to it now get 480
  answer_from_pbx(sip::make_response(un, 200, {}, "pbxtag"));
  Message reply = only(browser_);
  EXPECT_EQ(reply.status(), 200);
  EXPECT_FALSE(reply.has(HeaderId::kContact));
  EXPECT_EQ(relay_.binding_count(), 0u);
}

TEST_F(RelayTest, PbxFailuresAreMappedForTheBrowser) {
  send_from_browser(browser_register(600));
  Message first = only(pbx_);
  answer_from_pbx(challenge(first));
  Message second = only(pbx_);
  answer_from_pbx(challenge(second));  // the stored password was refused
  Message reply = only(browser_);
  EXPECT_EQ(reply.status(), 403);
  ASSERT_TRUE(reply.find("Reason"));
  EXPECT_NE(std::string(reply.find("Reason")->value).find("cause=401"), std::string::npos);
  EXPECT_EQ(relay_.binding_count(), 0u);
  EXPECT_EQ(browser_status_for(401), 403);
  EXPECT_EQ(browser_status_for(407), 403);
  EXPECT_EQ(browser_status_for(404), 404);
  EXPECT_EQ(browser_status_for(423), 423);
  EXPECT_EQ(browser_status_for(408), 408);
  EXPECT_EQ(browser_status_for(500), 503);
  EXPECT_EQ(browser_status_for(603), 503);
}

TEST_F(RelayTest, IntervalTooBriefPassesMinExpires) {
  send_from_browser(browser_register(600));
  Message first = only(pbx_);
  Message brief = sip::make_response(first, 423, {}, "pbxtag");
  brief.add(HeaderId::kMinExpires, "1200");
  answer_from_pbx(brief);
  Message reply = only(browser_);
  EXPECT_EQ(reply.status(), 423);
  EXPECT_EQ(reply.find(HeaderId::kMinExpires)->value, "1200");
}

TEST_F(RelayTest, BrowserGoneUnregistersAtThePbx) {
  Message reg = register_browser();
  only(browser_);
  const std::string user = reg.contacts()->contacts.at(0).uri.user;
  relay_.on_browser_gone(1);  // the loop network's connection id
  Message un = only(pbx_);
  EXPECT_EQ(un.find(HeaderId::kExpires)->value, "0");
  EXPECT_EQ(un.call_id().value(), reg.call_id().value());
  EXPECT_FALSE(relay_.find(user));
  answer_from_pbx(sip::make_response(un, 200, {}, "pbxtag"));
  EXPECT_TRUE(net_.take().empty());  // nothing to tell the browser: it has gone
  EXPECT_EQ(relay_.binding_count(), 0u);
  relay_.on_browser_gone(1);  // again: nothing
  EXPECT_TRUE(net_.take().empty());
}

TEST_F(RelayTest, UnregisterAllWaitsForAnswersOrTheTimeout) {
  register_browser();
  only(browser_);
  int done = 0;
  relay_.unregister_all(std::chrono::seconds(5), [&] { ++done; });
  Message un = only(pbx_);
  EXPECT_EQ(un.find(HeaderId::kExpires)->value, "0");
  EXPECT_EQ(done, 0);
  clock_.advance(std::chrono::seconds(4));
  ua_.tick();
  EXPECT_EQ(done, 0);
  clock_.advance(std::chrono::seconds(2));
  ua_.tick();
  EXPECT_EQ(done, 1);  // the PBX never answered: stop waiting
  answer_from_pbx(sip::make_response(un, 200, {}, "pbxtag"));
  EXPECT_EQ(done, 1);

  int none = 0;
  relay_.unregister_all(std::chrono::seconds(5), [&] { ++none; });
  EXPECT_EQ(none, 1);  // nothing registered: done at once
}

TEST(ContactUserTest, Shape) {
  EXPECT_TRUE(RegistrationRelay::looks_like_contact_user("1000-ab12cd34"));
  EXPECT_TRUE(RegistrationRelay::looks_like_contact_user("alice-x-ab12cd34"));
  EXPECT_FALSE(RegistrationRelay::looks_like_contact_user("1000"));
  EXPECT_FALSE(RegistrationRelay::looks_like_contact_user("-ab12cd34"));
  EXPECT_FALSE(RegistrationRelay::looks_like_contact_user("1000-AB12CD34"));
  EXPECT_FALSE(RegistrationRelay::looks_like_contact_user("1000-ab12cd3"));
}

// GatewayCore toward the PBX side: OPTIONS 200, REGISTER not from a browser 403, INVITE to a
// gone browser's Contact 480, to anything else 404.
class CoreTest : public RelayTest {
 protected:
  CoreTest()
      : core_ua_(io_, config(), core_),
        core_transport_(net_, core_addr_),
        core_relay_(core_ua_, settings()) {
    core_ua_.layer().add_transport(core_transport_);
    net_.attach(core_addr_, core_ua_.layer());
    core_.attach(core_ua_, core_relay_, nullptr);
  }
  Message request(const std::string& method, const std::string& user) {
    Message m =
        Message::request(method, *sip::parse_uri("sip:" + user + "@" + core_addr_.to_string()));
    m.add(HeaderId::kVia, "SIP/2.0/TCP " + pbx_.to_string() + ";branch=z9hG4bK-" + method + user);
    m.add(HeaderId::kFrom, "<sip:pbx@tandem.test>;tag=p");
    m.add(HeaderId::kTo, "<sip:" + user + "@tandem.test>");
    m.add(HeaderId::kCallId, "core-" + method + user);
    m.add(HeaderId::kCSeq, "1 " + method);
    m.add(HeaderId::kMaxForwards, "70");
    if (method == "INVITE" || method == "REGISTER") {
      m.add(HeaderId::kContact, "<sip:pbx@" + pbx_.to_string() + ">");
    }
    return m;
  }
  int status_of(const Message& m) {
    net_.inject(m, pbx_, core_addr_);
    net_.pump();
    for (const auto& p : net_.take()) {
      if (!p.message.is_request() && p.message.status() >= 200) return p.message.status();
    }
    return 0;
  }

  GatewayCore core_;
  sip::PeerAddress core_addr_ = addr("127.0.0.1", 5090);
  sip::UserAgent core_ua_;
  sip::test::LoopTransport core_transport_;
  RegistrationRelay core_relay_;
};

TEST_F(CoreTest, AnswersThePbxSide) {
  EXPECT_EQ(status_of(request("OPTIONS", "tandem")), 200);
  EXPECT_EQ(status_of(request("REGISTER", "1000")), 403);
  EXPECT_EQ(status_of(request("INVITE", "1000-ab12cd34")), 480);
  EXPECT_EQ(status_of(request("INVITE", "1000")), 404);
  EXPECT_EQ(status_of(request("MESSAGE", "1000")), 405);
}

}  // namespace
}  // namespace tandem::gateway
