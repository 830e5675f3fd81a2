// In-dialog traffic of established calls: hold/resume re-INVITEs from either side, refused
// re-offers (488), glare (491), UPDATE, SIP INFO DTMF to RFC 4733 or relayed, MESSAGE relayed.
#include <gtest/gtest.h>

#include "call_test_util.hpp"
#include "sdp/accessors.hpp"

namespace tandem::gateway::test {
namespace {

class CallDialogTest : public CallBench {
 protected:
  static std::string browser_offer(const char* direction, int version) {
    std::string offer = read_sdp("chromium-156-audio.offer.sdp");
    offer =
        replace(offer, "5743973104967742130 2", "5743973104967742130 " + std::to_string(version));
    return replace(offer, "a=sendrecv", std::string("a=") + direction);
  }
  static std::string pbx_answer(const char* direction, int version) {
    std::string answer = read_sdp("tandem-pbx-pcmu.answer.sdp");
    answer = replace(answer, "7393 1", "7393 " + std::to_string(version));
    return replace(answer, "a=sendrecv", std::string("a=") + direction);
  }
  static sdp::Direction direction_of(const std::string& body) {
    const sdp::SessionDescription sd = parse(body);
    return sd.media.empty() ? sdp::Direction::kInactive : sdp::direction(sd, sd.media[0]);
  }
  // Sends an in-dialog request from `party` and returns the final status it got.
  int request(Party& party, const std::string& method, const std::string& body,
              const std::string& type) {
    int status = 0;
    EXPECT_TRUE(party.session->request(method, body, type,
                                       [&status](const sip::Message& r, const sip::Message&) {
                                         if (r.status() >= 200) status = r.status();
                                       }));
    settle();
    return status;
  }
  int reinvite(Party& party, const std::string& body) {
    int status = 0;
    EXPECT_TRUE(party.session->reinvite(
        body, "application/sdp",
        [&status](const sip::Message& r, const sip::Message&) { status = r.status(); }));
    settle();
    return status;
  }
};

TEST_F(CallDialogTest, BrowserHoldsAndResumes) {
  outbound_call_up();
  pbx.reoffer_answer = pbx_answer("recvonly", 2);
  EXPECT_EQ(reinvite(browser, browser_offer("sendonly", 3)), 200);
  auto reinvites = sent_to(pbx, "INVITE");
  ASSERT_EQ(reinvites.size(), 1u);
  EXPECT_EQ(direction_of(reinvites[0].body()), sdp::Direction::kSendOnly);
  // Our o= continues from our first offer to the PBX (RFC 3264 §8).
  const sdp::Origin first = parse(first_pbx_offer).origin;
  EXPECT_EQ(parse(reinvites[0].body()).origin.session_id, first.session_id);
  EXPECT_EQ(std::stoll(parse(reinvites[0].body()).origin.session_version),
            std::stoll(first.session_version) + 1);
  auto oks = sent_to(browser, "200");
  ASSERT_EQ(oks.size(), 1u);
  EXPECT_EQ(direction_of(oks[0].body()), sdp::Direction::kRecvOnly);
  const auto held = media.take();
  ASSERT_EQ(held.size(), 1u);
  EXPECT_TRUE(held[0].starts_with("configure 1 PCMU")) << held[0];
  EXPECT_NE(held[0].find("pbx=sendonly"), std::string::npos) << held[0];

  net.clear_log();
  pbx.reoffer_answer = pbx_answer("sendrecv", 3);
  EXPECT_EQ(reinvite(browser, browser_offer("sendrecv", 4)), 200);
  reinvites = sent_to(pbx, "INVITE");
  ASSERT_EQ(reinvites.size(), 1u);
  EXPECT_EQ(direction_of(reinvites[0].body()), sdp::Direction::kSendRecv);
  EXPECT_EQ(std::stoll(parse(reinvites[0].body()).origin.session_version),
            std::stoll(first.session_version) + 2);
  oks = sent_to(browser, "200");
  ASSERT_EQ(oks.size(), 1u);
  EXPECT_EQ(direction_of(oks[0].body()), sdp::Direction::kSendRecv);
  EXPECT_EQ(media.take(),
            Strings{"configure 1 PCMU browser=sendrecv pbx=sendrecv 127.0.0.1:20000"});
  EXPECT_EQ(calls.active_calls(), 1u);
}

TEST_F(CallDialogTest, PbxHoldsAndResumes) {
  inbound_call_up();
  browser.reoffer_answer = read_sdp("chromium-to-sipp-pcmu-hold.answer.sdp");
  EXPECT_EQ(reinvite(pbx, read_sdp("sipp-pcmu-hold.offer.sdp")), 200);
  auto reinvites = sent_to(browser, "INVITE");
  ASSERT_EQ(reinvites.size(), 1u);
  // What Chromium answered in the e2e capture, but for the o= line, which continues ours.
  sdp::SessionDescription expected = parse(read_sdp("tandem-from-sipp-pcmu-hold.offer.sdp"));
  sdp::SessionDescription got = parse(reinvites[0].body());
  const sdp::Origin first = parse(first_browser_offer).origin;
  EXPECT_EQ(got.origin.session_id, first.session_id);
  EXPECT_EQ(std::stoll(got.origin.session_version), std::stoll(first.session_version) + 1);
  got.origin = expected.origin;
  EXPECT_EQ(got, expected);
  auto oks = sent_to(pbx, "200");
  ASSERT_EQ(oks.size(), 1u);
  EXPECT_EQ(direction_of(oks[0].body()), sdp::Direction::kRecvOnly);
  auto held = media.take();
  ASSERT_EQ(held.size(), 1u);
  EXPECT_NE(held[0].find("browser=sendonly"), std::string::npos) << held[0];

  net.clear_log();
  browser.reoffer_answer = read_sdp("chromium-to-sipp-pcmu.answer.sdp");
  std::string resume = replace(read_sdp("sipp-pcmu.offer.sdp"), "sipp 1 1", "sipp 1 3");
  EXPECT_EQ(reinvite(pbx, resume), 200);
  oks = sent_to(pbx, "200");
  ASSERT_EQ(oks.size(), 1u);
  EXPECT_EQ(direction_of(oks[0].body()), sdp::Direction::kSendRecv);
  EXPECT_EQ(media.take(), Strings{"configure 1 PCMU browser=sendrecv pbx=sendrecv 127.0.0.1:6000"});
}

TEST_F(CallDialogTest, PbxReofferWithoutUsableCodecIs488) {
  outbound_call_up();
  std::string offer = replace(read_sdp("sipp-pcmu.offer.sdp"), "RTP/AVP 0", "RTP/AVP 3");
  offer = replace(offer, "a=rtpmap:0 PCMU/8000", "a=rtpmap:3 GSM/8000");
  EXPECT_EQ(reinvite(pbx, offer), 488);
  EXPECT_TRUE(sent_to(browser, "INVITE").empty());
  EXPECT_TRUE(media.take().empty());
  EXPECT_EQ(calls.active_calls(), 1u);  // the call goes on as before
}

TEST_F(CallDialogTest, GlareIs491) {
  inbound_call_up();
  browser.reoffer_answer = read_sdp("chromium-to-sipp-pcmu-hold.answer.sdp");
  pbx.reoffer_answer = read_sdp("tandem-pbx-pcmu.answer.sdp");
  // The PBX holds while the browser re-offers too: the re-INVITEs cross (RFC 3261 §14.2).
  int pbx_status = 0;
  ASSERT_TRUE(pbx.session->reinvite(
      read_sdp("sipp-pcmu-hold.offer.sdp"), "application/sdp",
      [&](const sip::Message& r, const sip::Message&) { pbx_status = r.status(); }));
  ASSERT_TRUE(browser.session->reinvite(browser_offer("sendonly", 3), "application/sdp"));
  net.pump();
  media.run();
  net.pump();
  // We refused the browser's re-INVITE (ours to it is pending), the browser refused ours.
  size_t refused_by_us = 0;
  size_t refused_by_browser = 0;
  for (const sip::test::Packet& p : net.log()) {
    if (p.message.is_request() || p.message.status() != 491) continue;
    if (p.to == browser.address()) ++refused_by_us;
    if (p.from == browser.address()) ++refused_by_browser;
  }
  EXPECT_EQ(refused_by_us, 1u);
  EXPECT_EQ(refused_by_browser, 1u);
  // An UPDATE with an offer while the PBX's re-offer is still being negotiated: 491 from us.
  EXPECT_EQ(request(pbx, "UPDATE", read_sdp("sipp-pcmu.offer.sdp"), "application/sdp"), 491);
  // After the §14.1 back-off our re-INVITE goes again and the PBX gets its answer.
  advance(std::chrono::seconds(5));
  advance(std::chrono::seconds(5));
  EXPECT_EQ(pbx_status, 200);
  EXPECT_EQ(calls.active_calls(), 1u);
}

TEST_F(CallDialogTest, ReinviteWithoutOfferGetsOurLastDescription) {
  outbound_call_up();
  // A session refresh without SDP: our last description on that leg is the offer, unchanged.
  EXPECT_EQ(reinvite(pbx, ""), 200);
  auto oks = sent_to(pbx, "200");
  ASSERT_EQ(oks.size(), 1u);
  EXPECT_EQ(oks[0].body(), first_pbx_offer);
  EXPECT_TRUE(sent_to(browser, "INVITE").empty());
  EXPECT_TRUE(media.take().empty());
}

TEST_F(CallDialogTest, PbxUpdateIsTranslatedAndAnswered) {
  inbound_call_up();
  browser.reoffer_answer = read_sdp("chromium-to-sipp-pcmu-hold.answer.sdp");
  EXPECT_EQ(request(pbx, "UPDATE", read_sdp("sipp-pcmu-hold.offer.sdp"), "application/sdp"), 200);
  EXPECT_EQ(sent_to(browser, "INVITE").size(), 1u);
  auto oks = sent_to(pbx, "200");
  ASSERT_EQ(oks.size(), 1u);
  EXPECT_EQ(direction_of(oks[0].body()), sdp::Direction::kRecvOnly);
}

TEST_F(CallDialogTest, InfoDtmfBecomesRfc4733WhenThePbxNegotiatedTelephoneEvent) {
  outbound_call_up();  // tandem-pbx answers telephone-event/8000 on 101
  EXPECT_EQ(request(browser, "INFO", "Signal=5\r\nDuration=160\r\n", "application/dtmf-relay"),
            200);
  EXPECT_EQ(request(browser, "INFO", "#", "application/dtmf"), 200);
  EXPECT_EQ(media.take(), (Strings{"dtmf 1 5 160", "dtmf 1 # 160"}));
  EXPECT_TRUE(sent_to(pbx, "INFO").empty());
}

TEST_F(CallDialogTest, InfoIsRelayedWhenThePbxHasNoTelephoneEvent) {
  std::string answer = read_sdp("tandem-pbx-pcmu.answer.sdp");
  answer = replace(answer, "RTP/AVP 0 101", "RTP/AVP 0");
  answer = replace(answer, "a=rtpmap:101 telephone-event/8000\r\n", "");
  answer = replace(answer, "a=fmtp:101 0-16\r\n", "");
  outbound_call_up(answer);
  EXPECT_EQ(request(browser, "INFO", "Signal=7\r\nDuration=250\r\n", "application/dtmf-relay"),
            200);
  auto infos = sent_to(pbx, "INFO");
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].body(), "Signal=7\r\nDuration=250\r\n");
  EXPECT_EQ(header(infos[0], sip::HeaderId::kContentType), "application/dtmf-relay");
  EXPECT_TRUE(media.take().empty());
  // The PBX's answer is what the browser gets.
  pbx.in_dialog_status = 415;
  EXPECT_EQ(request(browser, "INFO", "3", "application/dtmf"), 415);
}

TEST_F(CallDialogTest, OtherInfoAndMessageAreRelayedBothWays) {
  outbound_call_up();
  EXPECT_EQ(request(browser, "INFO", "<xml/>", "application/media_control+xml"), 200);
  EXPECT_EQ(sent_to(pbx, "INFO").size(), 1u);
  EXPECT_EQ(request(pbx, "MESSAGE", "hello", "text/plain"), 200);
  auto messages = sent_to(browser, "MESSAGE");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].body(), "hello");
  EXPECT_TRUE(media.take().empty());
}

}  // namespace
}  // namespace tandem::gateway::test
