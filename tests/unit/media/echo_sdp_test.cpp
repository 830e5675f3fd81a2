#include "media/echo_sdp.hpp"

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <sstream>
#include <string>

#include "sdp/accessors.hpp"
#include "sdp/codec.hpp"
#include "sdp/parser.hpp"
#include "sdp/serializer.hpp"

namespace tandem::media {
namespace {

sdp::SessionDescription load(const std::string& name) {
  std::ifstream in(std::string(TANDEM_TEST_DATA_DIR) + "/sdp/" + name);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = sdp::parse_sdp(text.str());
  EXPECT_TRUE(parsed.ok()) << name;
  return parsed.value();
}

SessionInfo info() {
  SessionInfo i;
  i.id = 3;
  i.local_ufrag = "LoCaLuFr";
  i.local_pwd = "0123456789abcdefghijklmn";
  i.fingerprint_sha256 = "AA:BB";
  const std::array<uint8_t, 4> addr{127, 0, 0, 1};
  i.candidate = ice::Endpoint::ipv4(addr, 40000);
  return i;
}

TEST(EchoSdp, ChromiumAudioVideoDataOffer) {
  const auto offer = load("chromium-156-audio-video-data.offer.sdp");
  auto plan = plan_echo(offer);
  ASSERT_TRUE(plan.ok()) << plan.error().reason;
  ASSERT_EQ(plan->media.size(), 3u);
  EXPECT_TRUE(plan->media[0].accepted);
  EXPECT_TRUE(plan->media[1].accepted);
  EXPECT_FALSE(plan->media[2].accepted);  // data channel
  ASSERT_EQ(plan->params.streams.size(), 2u);
  EXPECT_EQ(plan->params.streams[0].kind, MediaKind::kAudio);
  EXPECT_EQ(plan->params.streams[0].clock_rate, 48000u);
  EXPECT_EQ(plan->params.streams[1].kind, MediaKind::kVideo);
  EXPECT_EQ(plan->params.streams[1].clock_rate, 90000u);
  EXPECT_NE(plan->params.streams[0].local_ssrc, plan->params.streams[1].local_ssrc);
  EXPECT_FALSE(plan->params.remote_ufrag.empty());
  EXPECT_EQ(plan->params.remote_fingerprint_alg, "sha-256");

  const auto answer = build_echo_answer(offer, *plan, info());
  const std::string text = sdp::serialize_sdp(answer);
  auto reparsed = sdp::parse_sdp(text);
  ASSERT_TRUE(reparsed.ok()) << reparsed.error().describe() << "\n" << text;
  EXPECT_TRUE(answer.attributes.has("ice-lite"));
  EXPECT_EQ(sdp::bundle_mids(answer), (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(answer.media.size(), 3u);
  const auto& audio = answer.media[0];
  EXPECT_EQ(audio.port, 40000);
  EXPECT_EQ(sdp::setup(answer, audio), sdp::Setup::kPassive);
  EXPECT_TRUE(sdp::rtcp_mux(audio));
  EXPECT_EQ(sdp::direction(answer, audio), sdp::Direction::kSendRecv);
  ASSERT_EQ(sdp::codecs(audio).size(), 1u);
  EXPECT_EQ(sdp::codecs(audio)[0].name, "opus");
  const auto candidates = sdp::candidates(audio);
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].address, "127.0.0.1");
  EXPECT_EQ(candidates[0].port, 40000);
  const auto ice = sdp::ice_parameters(answer, audio);
  ASSERT_TRUE(ice);
  EXPECT_EQ(ice->ufrag, "LoCaLuFr");
  EXPECT_EQ(sdp::fingerprint(answer, audio)->value, "AA:BB");
  const auto video_codecs = sdp::codecs(answer.media[1]);
  ASSERT_EQ(video_codecs.size(), 1u);
  EXPECT_EQ(video_codecs[0].name, "VP8");  // Chromium lists VP8 first
  for (const auto& fb : video_codecs[0].feedback) {
    EXPECT_TRUE(fb.type == "nack" || fb.type == "ccm") << fb.type;
  }
  EXPECT_EQ(answer.media[2].port, 0);
  // Only the MID extension is kept.
  const auto ext = sdp::extmaps(answer, audio);
  ASSERT_EQ(ext.size(), 1u);
  EXPECT_EQ(ext[0].uri, "urn:ietf:params:rtp-hdrext:sdes:mid");
  // Our SSRC is announced for the echo.
  const auto ssrcs = sdp::ssrcs(audio);
  ASSERT_FALSE(ssrcs.empty());
  EXPECT_EQ(ssrcs[0].id, plan->params.streams[0].local_ssrc);
}

TEST(EchoSdp, FirefoxOfferIsAccepted) {
  const auto offer = load("firefox-153-audio-video.offer.sdp");
  auto plan = plan_echo(offer);
  ASSERT_TRUE(plan.ok()) << plan.error().reason;
  EXPECT_EQ(plan->params.streams.size(), 2u);
}

TEST(EchoSdp, DirectionsAreMirrored) {
  auto offer = load("chromium-156-audio.offer.sdp");
  sdp::set_direction(offer.media[0], sdp::Direction::kSendOnly);
  auto plan = plan_echo(offer);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->media[0].answer_direction, sdp::Direction::kRecvOnly);
  EXPECT_FALSE(plan->params.streams[0].echo);
  const auto answer = build_echo_answer(offer, *plan, info());
  EXPECT_EQ(sdp::direction(answer, answer.media[0]), sdp::Direction::kRecvOnly);
  EXPECT_TRUE(sdp::ssrcs(answer.media[0]).empty());  // we send nothing
}

TEST(EchoSdp, RejectsOfferWithoutUsableMedia) {
  auto offer = load("chromium-156-audio.offer.sdp");
  sdp::retain_payload_types(offer.media[0], {0});  // PCMU only: no Opus
  auto plan = plan_echo(offer);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().status, 400);
  EXPECT_NE(plan.error().reason.find("no opus/48000 offered"), std::string::npos)
      << plan.error().reason;
}

TEST(EchoSdp, RejectsDataOnlyAndPassiveOffers) {
  auto data_only = load("chromium-156-audio-video-data.offer.sdp");
  data_only.media.erase(data_only.media.begin(), data_only.media.begin() + 2);
  auto plan = plan_echo(data_only);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().reason.find("only audio and video"), std::string::npos);

  auto passive = load("chromium-156-audio.offer.sdp");
  passive.media[0].attributes.set("setup", "passive");
  plan = plan_echo(passive);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().reason.find("setup:passive"), std::string::npos);

  auto no_mux = load("chromium-156-audio.offer.sdp");
  no_mux.media[0].attributes.remove("rtcp-mux");
  EXPECT_FALSE(plan_echo(no_mux).ok());

  sdp::SessionDescription empty;
  EXPECT_FALSE(plan_echo(empty).ok());
}

TEST(EchoSdp, AnswerCarriesIpv4Ipv6AndIceTcpCandidates) {
  const auto offer = load("chromium-156-audio-video-data.offer.sdp");
  auto plan = plan_echo(offer);
  ASSERT_TRUE(plan.ok());
  SessionInfo i = info();
  const std::array<uint8_t, 16> v6{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const std::array<uint8_t, 4> v4{127, 0, 0, 1};
  using T = ice::Endpoint::Transport;
  i.candidates = {ice::Endpoint::ipv4(v4, 40000), ice::Endpoint::ipv6(v6, 40000),
                  ice::Endpoint::ipv4(v4, 40100).with_transport(T::kTcp),
                  ice::Endpoint::ipv6(v6, 40100).with_transport(T::kTcp)};
  const auto answer = build_echo_answer(offer, *plan, i);
  const std::string text = sdp::serialize_sdp(answer);
  auto reparsed = sdp::parse_sdp(text);
  ASSERT_TRUE(reparsed.ok()) << reparsed.error().describe() << "\n" << text;
  for (size_t m = 0; m < 2; ++m) {
    const auto candidates = sdp::candidates(reparsed->media[m]);
    ASSERT_EQ(candidates.size(), 4u) << text;
    EXPECT_EQ(candidates[0].transport, "udp");
    EXPECT_EQ(candidates[0].address, "127.0.0.1");
    EXPECT_EQ(candidates[0].port, 40000);
    EXPECT_FALSE(candidates[0].tcp_type);
    EXPECT_EQ(candidates[1].transport, "udp");
    EXPECT_EQ(candidates[1].address, "::1");
    EXPECT_EQ(candidates[1].port, 40000);
    EXPECT_EQ(candidates[2].transport, "tcp");
    EXPECT_EQ(candidates[2].address, "127.0.0.1");
    EXPECT_EQ(candidates[2].port, 40100);
    EXPECT_EQ(candidates[2].tcp_type, "passive");
    EXPECT_EQ(candidates[3].transport, "tcp");
    EXPECT_EQ(candidates[3].address, "::1");
    EXPECT_EQ(candidates[3].tcp_type, "passive");
    // Distinct foundations, all host, UDP above TCP, listed order kept (RFC 8445 §5.1.2).
    for (size_t a = 0; a < candidates.size(); ++a) {
      EXPECT_EQ(candidates[a].type, "host");
      EXPECT_EQ(candidates[a].component, 1);
      for (size_t b = a + 1; b < candidates.size(); ++b) {
        EXPECT_NE(candidates[a].foundation, candidates[b].foundation);
        EXPECT_GT(candidates[a].priority, candidates[b].priority);
      }
    }
    EXPECT_EQ(candidates[0].priority >> 24, 126u);
    EXPECT_EQ(candidates[2].priority >> 24, 126u);
    EXPECT_EQ((candidates[2].priority >> 8) & 0xffff, (4u << 13) + 8191u - 2u);  // RFC 6544 §4.2
  }
  // The m= line and c= stay on the first (UDP) candidate.
  EXPECT_EQ(reparsed->media[0].port, 40000);
  EXPECT_NE(text.find("c=IN IP4 127.0.0.1"), std::string::npos);
  EXPECT_NE(text.find("a=candidate:4 1 tcp"), std::string::npos);
  EXPECT_NE(text.find(" ::1 40100 typ host tcptype passive"), std::string::npos) << text;
}

}  // namespace
}  // namespace tandem::media
