// Browser -> PBX calls through the CallManager: real user agents on both legs, real SDPs.
#include <gtest/gtest.h>

#include "call_test_util.hpp"
#include "sdp/accessors.hpp"

namespace tandem::gateway::test {
namespace {

class CallOutboundTest : public CallBench {};

TEST_F(CallOutboundTest, RingingAnsweredAckedThenBrowserHangsUp) {
  browser_calls();
  // The PBX got our INVITE: the dialled user at the PBX, the browser's user at our domain.
  auto invites = sent_to(pbx, "INVITE");
  ASSERT_EQ(invites.size(), 1u);
  const sip::Message& invite = invites[0];
  EXPECT_EQ(invite.request_uri().to_string(), "sip:600@10.0.0.3:5060");
  EXPECT_EQ(invite.from()->uri.to_string(), "sip:1001@pbx.test");
  EXPECT_EQ(invite.to()->uri.to_string(), "sip:600@pbx.test");
  const sdp::SessionDescription pbx_offer = parse(invite.body());
  ASSERT_EQ(pbx_offer.media.size(), 1u);
  EXPECT_EQ(pbx_offer.media[0].proto, "RTP/AVP");
  EXPECT_EQ(pbx_offer.connection->address, "192.0.2.50");
  EXPECT_EQ(pbx_offer.media[0].port, 20002);
  EXPECT_EQ(media.take(), Strings{"allocate"});
  EXPECT_EQ(sent_to(browser, "100").size(), 1u);

  answer(pbx, 180);
  EXPECT_EQ(take(browser), Strings{"progress 180 early"});
  answer(pbx, 200, read_sdp("tandem-pbx-pcmu.answer.sdp"));
  EXPECT_EQ(media.take(),
            Strings{"configure 1 PCMU browser=sendrecv pbx=sendrecv 127.0.0.1:20000"});
  const auto events = take(browser);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].starts_with("answered "));
  EXPECT_EQ(take(pbx), (Strings{"invite", "ack"}));
  // The browser's answer: WebRTC transport with our ICE-lite credentials and fingerprint.
  auto oks = sent_to(browser, "200");
  ASSERT_EQ(oks.size(), 1u);
  const sdp::SessionDescription browser_answer = parse(oks[0].body());
  EXPECT_EQ(browser_answer.media[0].proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(browser_answer.media[0].attributes.value("ice-ufrag").value_or(""), "tndm");
  EXPECT_EQ(calls.active_calls(), 1u);
  EXPECT_EQ(media.modes[1].pbx_dtmf_pt, 101);

  net.clear_log();
  browser.session->bye();
  settle();
  EXPECT_EQ(sent_to(pbx, "BYE").size(), 1u);
  EXPECT_EQ(take(pbx), Strings{"terminated remote BYE"});
  EXPECT_EQ(media.take(), Strings{"release 1"});
  EXPECT_EQ(calls.active_calls(), 0u);

  // One info line per event, with the call's Call-IDs, and never an SDP body.
  ASSERT_GE(log.size(), 4u);
  const std::string browser_call_id(*invite.call_id());
  for (const std::string& line : log) {
    EXPECT_NE(line.find("call "), std::string::npos) << line;
    EXPECT_EQ(line.find("v=0"), std::string::npos) << line;
  }
  EXPECT_NE(log.back().find(browser_call_id), std::string::npos) << log.back();
  EXPECT_NE(log.back().find("ended"), std::string::npos) << log.back();
}

TEST_F(CallOutboundTest, EarlyMediaOn183ThenTheSameAnswerIn200) {
  browser_calls();
  answer(pbx, 183, read_sdp("tandem-pbx-pcmu.answer.sdp"));
  EXPECT_EQ(
      media.take(),
      (Strings{"allocate", "configure 1 PCMU browser=sendrecv pbx=sendrecv 127.0.0.1:20000"}));
  auto early = sent_to(browser, "183");
  ASSERT_EQ(early.size(), 1u);
  ASSERT_FALSE(early[0].body().empty());
  EXPECT_EQ(parse(early[0].body()).media[0].proto, "UDP/TLS/RTP/SAVPF");
  answer(pbx, 200, read_sdp("tandem-pbx-pcmu.answer.sdp"));
  auto oks = sent_to(browser, "200");
  ASSERT_EQ(oks.size(), 1u);
  EXPECT_EQ(oks[0].body(), early[0].body());  // same answer, same o= version
  ASSERT_NE(browser.session, nullptr);
}

TEST_F(CallOutboundTest, PbxHangsUp) {
  outbound_call_up();
  pbx.session->bye();
  settle();
  EXPECT_EQ(sent_to(browser, "BYE").size(), 1u);
  EXPECT_EQ(take(browser), Strings{"terminated remote BYE"});
  EXPECT_EQ(media.take(), Strings{"release 1"});
  EXPECT_EQ(calls.active_calls(), 0u);
}

TEST_F(CallOutboundTest, BrowserCancelsWhileRinging) {
  browser_calls();
  answer(pbx, 180);
  ASSERT_TRUE(browser.outgoing->cancel());
  settle();
  EXPECT_EQ(sent_to(pbx, "CANCEL").size(), 1u);
  EXPECT_EQ(take(pbx), (Strings{"invite", "terminated cancelled", "cancelled"}));
  EXPECT_EQ(take(browser), (Strings{"progress 180 early", "terminated rejected", "failed 487"}));
  EXPECT_EQ(media.take(), (Strings{"allocate", "release 1"}));
  EXPECT_EQ(calls.active_calls(), 0u);
}

TEST_F(CallOutboundTest, BrowserCancelsBeforeMediaIsAllocated) {
  auto target = *sip::parse_uri("sip:600@10.0.0.1:5060");
  sip::Message invite = browser.ua().make_request("INVITE", target, browser.name_addr("1001"),
                                                  sip::NameAddr{{}, target, {}});
  invite.add(sip::HeaderId::kContentType, "application/sdp");
  invite.set_body(read_sdp("chromium-156-audio.offer.sdp"));
  browser.outgoing = &browser.ua().invite(std::move(invite), browser);
  net.pump();  // the INVITE and its 100 only: the allocation is still pending
  ASSERT_TRUE(browser.outgoing->cancel());
  net.pump();
  settle();  // now the allocation answers, for a call that is gone
  EXPECT_EQ(media.take(), (Strings{"allocate", "release 1"}));
  EXPECT_TRUE(sent_to(pbx, "INVITE").empty());
  EXPECT_EQ(take(browser), Strings{"failed 487"});
  EXPECT_EQ(calls.active_calls(), 0u);
}

TEST_F(CallOutboundTest, PbxFailuresReachTheBrowserWithAReason) {
  struct Case {
    int pbx;
    int browser;
  };
  for (const Case c : {Case{486, 486}, Case{404, 404}, Case{603, 603}, Case{480, 480},
                       Case{407, 403}, Case{500, 502}, Case{302, 480}}) {
    SCOPED_TRACE(c.pbx);
    net.clear_log();
    browser_calls();
    answer(pbx, c.pbx);
    auto failures = sent_to(browser, std::to_string(c.browser));
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(header(failures[0], sip::HeaderId::kReason)
                  .rfind("SIP ;cause=" + std::to_string(c.pbx) + " ;text=", 0),
              0u)
        << header(failures[0], sip::HeaderId::kReason);
    EXPECT_EQ(take(browser), Strings{"failed " + std::to_string(c.browser)});
    EXPECT_EQ(calls.active_calls(), 0u);
    pbx.take();
  }
  EXPECT_EQ(media.take().back(), "release 7");
}

TEST_F(CallOutboundTest, PbxTimeoutIs408WithReason) {
  browser_calls();
  EXPECT_EQ(take(pbx), Strings{"invite"});  // and never answers
  advance(std::chrono::seconds(40));
  auto failures = sent_to(browser, "408");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(header(failures[0], sip::HeaderId::kReason),
            "SIP ;cause=408 ;text=\"PBX did not answer\"");
  EXPECT_EQ(take(browser), Strings{"failed 408"});
  EXPECT_EQ(media.take(), (Strings{"allocate", "release 1"}));
}

TEST_F(CallOutboundTest, OfferWithoutUsableCodecIs488WithWarning) {
  std::string offer = read_sdp("chromium-156-audio.offer.sdp");
  offer = replace(offer, "a=fingerprint:", "a=x-fingerprint:");
  browser_calls("600", offer);
  auto failures = sent_to(browser, "488");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(header(failures[0], sip::HeaderId::kWarning).rfind("399 tandem \"", 0), 0u);
  EXPECT_TRUE(media.take().empty());  // refused before any media was reserved
  EXPECT_TRUE(sent_to(pbx, "INVITE").empty());

  net.clear_log();
  browser_calls("600", "");
  EXPECT_EQ(sent_to(browser, "488").size(), 1u);
}

TEST_F(CallOutboundTest, NoMediaCapacityIs503) {
  media.fail_allocate = true;
  browser_calls();
  auto failures = sent_to(browser, "503");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(header(failures[0], sip::HeaderId::kReason).find("cause=503"), std::string::npos);
  EXPECT_TRUE(sent_to(pbx, "INVITE").empty());
}

class CallUnreachablePbxTest : public CallBench {
 protected:
  CallUnreachablePbxTest() : CallBench("sip:pbx.invalid") {}
};

TEST_F(CallUnreachablePbxTest, UnreachablePbxIs503WithReason) {
  browser_calls();
  auto failures = sent_to(browser, "503");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(header(failures[0], sip::HeaderId::kReason),
            "SIP ;cause=503 ;text=\"PBX unreachable\"");
  EXPECT_EQ(media.take(), (Strings{"allocate", "release 1"}));
  EXPECT_EQ(calls.active_calls(), 0u);
}

TEST_F(CallOutboundTest, BrowserGoneEndsThePbxLeg) {
  outbound_call_up();
  calls.on_browser_gone(1);
  settle();
  auto byes = sent_to(pbx, "BYE");
  ASSERT_EQ(byes.size(), 1u);
  EXPECT_EQ(header(byes[0], sip::HeaderId::kReason),
            "SIP ;cause=480 ;text=\"browser disconnected\"");
  EXPECT_TRUE(sent_to(browser, "BYE").empty());  // nothing goes on a closed WebSocket
  EXPECT_EQ(media.take(), Strings{"release 1"});
  EXPECT_EQ(calls.active_calls(), 0u);
}

TEST_F(CallOutboundTest, BrowserGoneWhileRingingCancelsThePbx) {
  browser_calls();
  answer(pbx, 180);
  calls.on_browser_gone(1);
  settle();
  EXPECT_EQ(sent_to(pbx, "CANCEL").size(), 1u);
  EXPECT_EQ(calls.active_calls(), 0u);
}

TEST_F(CallOutboundTest, MediaEndedByesBothLegsWithReason) {
  outbound_call_up();
  media.ended(MediaEnded{1, "ICE consent lost"});
  settle();
  for (const Party* p : {static_cast<const Party*>(&browser), static_cast<const Party*>(&pbx)}) {
    auto byes = sent_to(*p, "BYE");
    ASSERT_EQ(byes.size(), 1u);
    EXPECT_EQ(header(byes[0], sip::HeaderId::kReason),
              "Q.850 ;cause=41 ;text=\"media ended: ICE consent lost\"");
  }
  EXPECT_EQ(media.take(), Strings{"release 1"});
}

TEST_F(CallOutboundTest, EndAllCallsByesEveryLeg) {
  outbound_call_up();
  browser_calls("601");
  answer(pbx, 180);
  bool done = false;
  calls.end_all_calls([&] { done = true; });
  settle();
  EXPECT_TRUE(done);
  EXPECT_EQ(calls.active_calls(), 0u);
  EXPECT_EQ(sent_to(pbx, "BYE").size(), 1u);
  EXPECT_EQ(sent_to(browser, "BYE").size(), 1u);
  EXPECT_EQ(sent_to(pbx, "CANCEL").size(), 1u);
  EXPECT_EQ(sent_to(browser, "503").size(), 1u);
}

TEST_F(CallOutboundTest, CancelAfterThePbxAnsweredByesThePbx) {
  browser_calls();
  answer(pbx, 180);
  // The PBX answers while the browser cancels: the 200 and the CANCEL cross at the gateway.
  sip::InviteSession* s =
      pbx.incoming->respond(200, read_sdp("tandem-pbx-pcmu.answer.sdp"), "application/sdp");
  ASSERT_NE(s, nullptr);
  s->set_listener(&pbx);
  pbx.incoming = nullptr;
  ASSERT_TRUE(browser.outgoing->cancel());
  settle();
  auto byes = sent_to(pbx, "BYE");
  ASSERT_EQ(byes.size(), 1u);
  EXPECT_EQ(header(byes[0], sip::HeaderId::kReason), "SIP ;cause=487 ;text=\"caller cancelled\"");
  EXPECT_EQ(take(browser), (Strings{"progress 180 early", "terminated rejected", "failed 487"}));
  EXPECT_EQ(media.take().back(), "release 1");
  EXPECT_EQ(calls.active_calls(), 0u);
}

}  // namespace
}  // namespace tandem::gateway::test
