// Offer/answer for tandem-pbx's service extensions, with offers as SIPp, a PBX and a WebRTC-less
// softphone send them.
#include "service_media/service_sdp.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sdp/accessors.hpp"
#include "sdp/codec.hpp"
#include "sdp/parser.hpp"
#include "sdp/serializer.hpp"

namespace tandem::pbx {
namespace {

sdp::SessionDescription parse(const std::string& text) {
  auto sd = sdp::parse_sdp(text);
  EXPECT_TRUE(sd.ok()) << (sd.ok() ? "" : sd.error().describe());
  return std::move(sd).value();
}

// SIPp's uac_pcap scenario offer.
const std::string kSippOffer =
    "v=0\r\n"
    "o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "m=audio 6000 RTP/AVP 8 101\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-11,16\r\n";

TEST(ServiceSdp, AnswersSippOfferWithPcmaAndEvents) {
  const auto offer = parse(kSippOffer);
  auto plan = plan_service_media(offer);
  ASSERT_TRUE(plan.ok()) << plan.error().reason;
  EXPECT_EQ(plan->codec, ServiceCodec::kPcma);
  EXPECT_EQ(plan->payload_type, 8);
  EXPECT_EQ(plan->clock_rate, 8000u);
  ASSERT_TRUE(plan->telephone_event_pt.has_value());
  EXPECT_EQ(*plan->telephone_event_pt, 101);
  EXPECT_EQ(plan->remote_address, "127.0.0.1");
  EXPECT_EQ(plan->remote_port, 6000);

  const auto answer = build_service_answer(offer, *plan, "127.0.0.2", 20000);
  // Re-parse what goes on the wire: it must be valid SDP with exactly our choices.
  const auto wire = parse(sdp::serialize_sdp(answer));
  ASSERT_EQ(wire.media.size(), 1u);
  const auto& m = wire.media[0];
  EXPECT_EQ(m.port, 20000);
  EXPECT_EQ(m.proto, "RTP/AVP");
  EXPECT_EQ(m.formats, (std::vector<std::string>{"8", "101"}));
  ASSERT_TRUE(wire.connection.has_value());
  EXPECT_EQ(wire.connection->address, "127.0.0.2");
  const auto codecs = sdp::codecs(m);
  ASSERT_EQ(codecs.size(), 2u);
  EXPECT_EQ(codecs[1].name, "telephone-event");
  EXPECT_EQ(codecs[1].fmtp, "0-11,16");
  EXPECT_EQ(sdp::ptime(m), 20u);
  EXPECT_EQ(sdp::direction(wire, m), sdp::Direction::kSendRecv);
}

TEST(ServiceSdp, KeepsCallerOrderAndPicksMatchingEventRate) {
  const auto offer = parse(
      "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\n"
      "m=audio 7000 RTP/AVP 111 0 8 9 110 101\r\n"
      "c=IN IP4 10.0.0.9\r\n"
      "a=rtpmap:111 opus/48000/2\r\n"
      "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
      "a=rtpmap:110 telephone-event/48000\r\n"
      "a=rtpmap:101 telephone-event/8000\r\n"
      "a=sendonly\r\n");
  auto plan = plan_service_media(offer);
  ASSERT_TRUE(plan.ok()) << plan.error().reason;
  EXPECT_EQ(plan->codec, ServiceCodec::kOpus);
  EXPECT_EQ(plan->payload_type, 111);
  EXPECT_EQ(plan->clock_rate, 48000u);
  EXPECT_EQ(plan->telephone_event_pt, std::optional<uint8_t>(110));
  EXPECT_EQ(plan->telephone_event_rate, 48000u);
  EXPECT_EQ(plan->remote_address, "10.0.0.9");  // media-level c= wins
  EXPECT_EQ(plan->answer_direction, sdp::Direction::kRecvOnly);
  const auto answer = parse(sdp::serialize_sdp(build_service_answer(offer, *plan, "::1", 30000)));
  EXPECT_EQ(answer.media[0].formats, (std::vector<std::string>{"111", "110"}));
  EXPECT_EQ(answer.connection->address_type, "IP6");
  EXPECT_EQ(sdp::codecs(answer.media[0])[0].fmtp, "minptime=10;useinbandfec=1");
}

TEST(ServiceSdp, RejectsOtherSectionsWithPortZero) {
  const auto offer = parse(
      "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
      "m=video 7002 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n"
      "m=audio 7004 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"
      "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVzcyAoc2VuZGVyKSB7CSRzdGFtcCA9I\r\n"
      "m=audio 7006 RTP/AVP 0\r\n");
  auto plan = plan_service_media(offer);
  ASSERT_TRUE(plan.ok()) << plan.error().reason;
  EXPECT_EQ(plan->media_index, 2u);
  EXPECT_EQ(plan->codec, ServiceCodec::kPcmu);
  EXPECT_FALSE(plan->telephone_event_pt.has_value());
  const auto answer =
      parse(sdp::serialize_sdp(build_service_answer(offer, *plan, "10.1.1.1", 4000)));
  ASSERT_EQ(answer.media.size(), 3u);  // RFC 3264 §6: same number of m= lines
  EXPECT_EQ(answer.media[0].port, 0);
  EXPECT_EQ(answer.media[1].port, 0);
  EXPECT_EQ(answer.media[2].port, 4000);
  EXPECT_EQ(sdp::codecs(answer.media[2])[0].name, "PCMU");
}

TEST(ServiceSdp, NoCommonCodecIs488) {
  const auto offer = parse(
      "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
      "m=audio 7000 RTP/AVP 9 18 101\r\na=rtpmap:101 telephone-event/8000\r\n");
  auto plan = plan_service_media(offer);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().status, 488);
  EXPECT_NE(plan.error().reason.find("no common codec"), std::string::npos);
  EXPECT_NE(plan.error().reason.find("no PCMU, PCMA or opus"), std::string::npos);

  const auto empty = parse("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\n");
  auto none = plan_service_media(empty);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().status, 488);

  // Opus at a wrong clock rate is not Opus (RFC 7587 requires 48000).
  const auto bad_opus = parse(
      "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
      "m=audio 7000 RTP/AVP 111\r\na=rtpmap:111 opus/16000\r\n");
  EXPECT_FALSE(plan_service_media(bad_opus).ok());
}

}  // namespace
}  // namespace tandem::pbx
