// PBX -> browser calls through the CallManager: the INVITE to the browser goes on its WebSocket
// flow (its Contact, *.invalid, resolves nowhere), the answer goes back to the PBX.
#include <gtest/gtest.h>

#include "call_test_util.hpp"

namespace tandem::gateway::test {
namespace {

class CallInboundTest : public CallBench {};

TEST_F(CallInboundTest, RingingAnsweredAckedThenPbxHangsUp) {
  pbx_calls();
  auto invites = sent_to(browser, "INVITE");
  ASSERT_EQ(invites.size(), 1u);
  EXPECT_EQ(invites[0].request_uri().to_string(), "sip:k3j2h1@df7jal23ls0d.invalid;transport=ws");
  EXPECT_EQ(invites[0].from()->uri.to_string(), "sip:2002@pbx.test");
  EXPECT_EQ(invites[0].to()->uri.to_string(), "sip:1001@pbx.test");
  // The fixture Chromium answered: our offer from SIPp's offer is that one, but for the o= line
  // (our own random session id, version 0).
  sdp::SessionDescription offer = parse(invites[0].body());
  EXPECT_EQ(offer.origin.username, "tandem");
  EXPECT_NE(offer.origin.session_id, "0");
  EXPECT_EQ(offer.origin.session_version, "0");
  sdp::SessionDescription fixture = parse(read_sdp("tandem-from-sipp-pcmu.offer.sdp"));
  offer.origin = fixture.origin;
  EXPECT_EQ(offer, fixture);
  EXPECT_EQ(sent_to(pbx, "100").size(), 1u);

  answer(browser, 180);
  EXPECT_EQ(take(pbx), Strings{"progress 180 early"});
  answer(browser, 200, read_sdp("chromium-to-sipp-pcmu.answer.sdp"));
  EXPECT_EQ(media.take(),
            (Strings{"allocate", "configure 1 PCMU browser=sendrecv pbx=sendrecv 127.0.0.1:6000"}));
  EXPECT_EQ(take(browser), (Strings{"invite", "ack"}));
  const auto events = take(pbx);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].starts_with("answered "));
  auto oks = sent_to(pbx, "200");
  ASSERT_EQ(oks.size(), 1u);
  const sdp::SessionDescription pbx_answer = parse(oks[0].body());
  EXPECT_EQ(pbx_answer.media[0].proto, "RTP/AVP");
  EXPECT_EQ(pbx_answer.connection->address, "192.0.2.50");
  EXPECT_EQ(media.modes[1].local_setup, sdp::Setup::kPassive);  // Chromium answered active

  net.clear_log();
  pbx.session->bye();
  settle();
  EXPECT_EQ(sent_to(browser, "BYE").size(), 1u);  // on the browser's flow
  EXPECT_EQ(media.take(), Strings{"release 1"});
  EXPECT_EQ(calls.active_calls(), 0u);
}

TEST_F(CallInboundTest, BrowserHangsUp) {
  inbound_call_up();
  browser.session->bye();
  settle();
  EXPECT_EQ(sent_to(pbx, "BYE").size(), 1u);
  EXPECT_EQ(take(pbx), Strings{"terminated remote BYE"});
  EXPECT_EQ(media.take(), Strings{"release 1"});
}

TEST_F(CallInboundTest, PbxCancelsWhileTheBrowserRings) {
  pbx_calls();
  answer(browser, 180);
  ASSERT_TRUE(pbx.outgoing->cancel());
  settle();
  EXPECT_EQ(sent_to(browser, "CANCEL").size(), 1u);
  EXPECT_EQ(take(browser), (Strings{"invite", "terminated cancelled", "cancelled"}));
  EXPECT_EQ(take(pbx), (Strings{"progress 180 early", "terminated rejected", "failed 487"}));
  EXPECT_EQ(media.take(), (Strings{"allocate", "release 1"}));
  EXPECT_EQ(calls.active_calls(), 0u);
}

TEST_F(CallInboundTest, BrowserRejectsAndTimesOut) {
  pbx_calls();
  answer(browser, 486);
  auto busy = sent_to(pbx, "486");
  ASSERT_EQ(busy.size(), 1u);
  EXPECT_NE(header(busy[0], sip::HeaderId::kReason).find("cause=486"), std::string::npos);
  EXPECT_EQ(take(pbx), Strings{"failed 486"});

  net.clear_log();
  pbx_calls();  // the browser never answers
  advance(std::chrono::seconds(40));
  auto timeouts = sent_to(pbx, "480");
  ASSERT_EQ(timeouts.size(), 1u);
  EXPECT_EQ(header(timeouts[0], sip::HeaderId::kReason),
            "SIP ;cause=408 ;text=\"browser did not answer\"");
}

TEST_F(CallInboundTest, BrowserGoneWhileRingingIs480) {
  pbx_calls();
  answer(browser, 180);
  calls.on_browser_gone(1);
  settle();
  auto gone = sent_to(pbx, "480");
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(header(gone[0], sip::HeaderId::kReason),
            "SIP ;cause=480 ;text=\"browser disconnected\"");
  EXPECT_EQ(calls.active_calls(), 0u);
}

TEST_F(CallInboundTest, PbxOfferWithoutUsableCodecIs488) {
  std::string offer = read_sdp("sipp-pcmu.offer.sdp");
  offer = replace(offer, "RTP/AVP 0", "RTP/AVP 3");
  offer = replace(offer, "a=rtpmap:0 PCMU/8000", "a=rtpmap:3 GSM/8000");
  pbx_calls(offer);
  auto refused = sent_to(pbx, "488");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_FALSE(header(refused[0], sip::HeaderId::kWarning).empty());
  EXPECT_TRUE(sent_to(browser, "INVITE").empty());
  EXPECT_TRUE(media.take().empty());
}

}  // namespace
}  // namespace tandem::gateway::test
