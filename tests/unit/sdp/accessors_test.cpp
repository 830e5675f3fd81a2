// Gateway-facing queries: codec lists, session-level fallback, direction, BUNDLE, rewriting.
#include "sdp/accessors.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sdp/codec.hpp"
#include "sdp/parser.hpp"
#include "sdp/serializer.hpp"

namespace tandem::sdp {
namespace {

SessionDescription parse(std::string_view text) {
  auto sd = parse_sdp(text);
  EXPECT_TRUE(sd.ok()) << (sd.ok() ? "" : sd.error().describe());
  return sd.ok() ? std::move(sd).value() : SessionDescription{};
}

constexpr std::string_view kPbxOffer =
    "v=0\n"
    "o=asterisk 1 1 IN IP4 203.0.113.5\n"
    "s=Asterisk\n"
    "c=IN IP4 203.0.113.5\n"
    "t=0 0\n"
    "a=sendonly\n"
    "a=ice-ufrag:sess\n"
    "a=ice-pwd:sessionpassword0123456\n"
    "a=fingerprint:sha-256 AA:BB\n"
    "a=setup:passive\n"
    "a=group:LS 1 2\n"
    "a=group:BUNDLE a v\n"
    "m=audio 10000 RTP/AVP 0 8 9 18 101 13 96\n"
    "a=mid:a\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=fmtp:101 0-16\n"
    "a=fmtp:18 annexb=no\n"
    "a=rtcp-fb:* nack\n"
    "a=rtcp-fb:0 x-custom\n"
    "a=ptime:20\n"
    "a=maxptime:150\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\n"
    "a=crypto:x broken\n"
    "a=rtcp:10001\n"
    "m=video 10002 RTP/AVP 34 97\n"
    "a=mid:v\n"
    "a=ice-ufrag:media\n"
    "a=setup:active\n"
    "a=recvonly\n"
    "a=rtpmap:97 H264/90000\n"
    "a=fingerprint:sha-256 zz\n";

TEST(Codecs, JoinsRtpmapFmtpAndFeedbackWithStaticDefaults) {
  const SessionDescription sd = parse(kPbxOffer);
  const auto list = codecs(sd.media[0]);
  // 96 has no rtpmap and no static entry: skipped.
  ASSERT_EQ(list.size(), 6u);
  EXPECT_EQ(list[0].payload_type, 0);
  EXPECT_EQ(list[0].name, "PCMU");
  EXPECT_EQ(list[0].clock_rate, 8000u);
  EXPECT_EQ(list[0].channels, 1u);
  EXPECT_TRUE(list[0].from_static_table);
  ASSERT_EQ(list[0].feedback.size(), 2u);
  EXPECT_EQ(list[0].feedback[0].type, "x-custom");
  EXPECT_EQ(list[0].feedback[1].format, "*");
  EXPECT_EQ(list[1].name, "PCMA");
  EXPECT_EQ(list[2].name, "G722");
  EXPECT_EQ(list[2].clock_rate, 8000u);  // RFC 3551's famous G.722 clock-rate quirk
  EXPECT_EQ(list[3].name, "G729");
  EXPECT_EQ(list[3].fmtp, "annexb=no");
  EXPECT_EQ(list[4].name, "telephone-event");
  EXPECT_FALSE(list[4].from_static_table);
  EXPECT_EQ(list[4].fmtp, "0-16");
  EXPECT_EQ(list[5].name, "CN");

  const auto video = codecs(sd.media[1]);
  ASSERT_EQ(video.size(), 2u);
  EXPECT_EQ(video[0].name, "H263");
  EXPECT_FALSE(video[0].channels);
  EXPECT_EQ(video[1].name, "H264");
}

TEST(Codecs, StaticTable) {
  EXPECT_EQ(static_rtpmap(8), (Rtpmap{8, "PCMA", 8000, 1}));
  EXPECT_EQ(static_rtpmap(34), (Rtpmap{34, "H263", 90000, std::nullopt}));
  EXPECT_FALSE(static_rtpmap(2));
  EXPECT_FALSE(static_rtpmap(96));
}

TEST(Codecs, RetainPayloadTypesDropsTheOthersLines) {
  SessionDescription sd = parse(kPbxOffer);
  MediaDescription& audio = sd.media[0];
  retain_payload_types(audio, {101, 0});
  EXPECT_EQ(audio.formats, (std::vector<std::string>{"0", "101"}));
  EXPECT_FALSE(audio.attributes.has("fmtp") && audio.attributes.value("fmtp") == "18 annexb=no");
  std::vector<std::string> names;
  for (const Attribute& a : audio.attributes) names.push_back(a.name + ":" + a.value.value_or(""));
  EXPECT_EQ(names,
            (std::vector<std::string>{
                "mid:a", "rtpmap:101 telephone-event/8000", "fmtp:101 0-16", "rtcp-fb:* nack",
                "rtcp-fb:0 x-custom", "ptime:20", "maxptime:150",
                "crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
                "crypto:x broken", "rtcp:10001"}));
}

TEST(Codecs, AddCodecWritesRtpmapFeedbackAndFmtp) {
  MediaDescription m;
  m.proto = "UDP/TLS/RTP/SAVPF";
  // Feedback is rewritten to the codec's payload type; "*" lines are left to the caller.
  Codec opus{111,
             "opus",
             48000,
             2,
             "minptime=10;useinbandfec=1",
             {{"96", "transport-cc", {}}, {"*", "nack", {}}},
             false};
  add_codec(m, opus);
  EXPECT_EQ(m.formats, std::vector<std::string>{"111"});
  ASSERT_EQ(m.attributes.size(), 3u);
  EXPECT_EQ(m.attributes[0], (Attribute{"rtpmap", "111 opus/48000/2"}));
  EXPECT_EQ(m.attributes[1], (Attribute{"rtcp-fb", "111 transport-cc"}));
  EXPECT_EQ(m.attributes[2], (Attribute{"fmtp", "111 minptime=10;useinbandfec=1"}));
  const auto back = codecs(m);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].name, "opus");
  EXPECT_EQ(back[0].feedback[0].format, "111");
}

TEST(Accessors, MediaLevelWinsOverSessionLevel) {
  const SessionDescription sd = parse(kPbxOffer);
  const MediaDescription& audio = sd.media[0];
  const MediaDescription& video = sd.media[1];
  EXPECT_EQ(media_or_session_value(sd, audio, "ice-ufrag"), "sess");
  EXPECT_EQ(media_or_session_value(sd, video, "ice-ufrag"), "media");
  EXPECT_EQ(media_or_session_value(sd, video, "nothing"), std::nullopt);
  EXPECT_EQ(setup(sd, audio), Setup::kPassive);
  EXPECT_EQ(setup(sd, video), Setup::kActive);
  // The video section's fingerprint is malformed, so the session-level one is used.
  EXPECT_EQ(fingerprint(sd, video)->value, "AA:BB");
  const auto ice = ice_parameters(sd, video);
  ASSERT_TRUE(ice);
  EXPECT_EQ(ice->ufrag, "media");
  EXPECT_EQ(ice->pwd, "sessionpassword0123456");
  EXPECT_FALSE(ice->lite);
}

TEST(Accessors, DirectionDefaultsAndFallback) {
  const SessionDescription sd = parse(kPbxOffer);
  EXPECT_EQ(direction(sd, sd.media[0]), Direction::kSendOnly);  // from session level
  EXPECT_EQ(direction(sd, sd.media[1]), Direction::kRecvOnly);
  SessionDescription plain =
      parse("v=0\no=- 1 1 IN IP4 1.1.1.1\ns=-\nt=0 0\nm=audio 1 RTP/AVP 0\n");
  EXPECT_EQ(direction(plain, plain.media[0]), Direction::kSendRecv);
}

TEST(Accessors, SetDirectionReplacesInPlaceAndDropsExtras) {
  SessionDescription sd = parse(
      "v=0\no=- 1 1 IN IP4 1.1.1.1\ns=-\nt=0 0\nm=audio 1 RTP/AVP 0\na=mid:0\na=sendrecv\n"
      "a=rtcp-mux\na=recvonly\n");
  set_direction(sd.media[0], Direction::kInactive);
  EXPECT_EQ(serialize_sdp(sd),
            "v=0\r\no=- 1 1 IN IP4 1.1.1.1\r\ns=-\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\na=mid:0\r\n"
            "a=inactive\r\na=rtcp-mux\r\n");
  MediaDescription bare;
  set_direction(bare, Direction::kSendOnly);
  EXPECT_EQ(bare.attributes[0], (Attribute{"sendonly", std::nullopt}));
}

TEST(Accessors, BundleAndGroups) {
  const SessionDescription sd = parse(kPbxOffer);
  EXPECT_EQ(groups(sd).size(), 2u);
  EXPECT_EQ(bundle_mids(sd), (std::vector<std::string>{"a", "v"}));
  EXPECT_EQ(sd.find_media_by_mid("v"), &sd.media[1]);
  EXPECT_EQ(sd.find_media_by_mid("x"), nullptr);
  EXPECT_TRUE(bundle_mids(SessionDescription{}).empty());
}

TEST(Accessors, SdesPtimeAndRtcp) {
  const SessionDescription sd = parse(kPbxOffer);
  const MediaDescription& audio = sd.media[0];
  const auto keys = cryptos(audio);
  ASSERT_EQ(keys.size(), 1u);  // the malformed line is skipped
  EXPECT_EQ(keys[0].suite, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(ptime(audio), 20u);
  EXPECT_EQ(maxptime(audio), 150u);
  EXPECT_EQ(rtcp(audio)->port, 10001);
  EXPECT_FALSE(rtcp(audio)->address);
  EXPECT_FALSE(rtcp_mux(audio));
  EXPECT_FALSE(sctp_port(audio));
  EXPECT_TRUE(audio.is_rtp());
}

TEST(Accessors, IceLiteAndEndOfCandidates) {
  const SessionDescription sd = parse(
      "v=0\no=- 1 1 IN IP4 1.1.1.1\ns=-\nt=0 0\na=ice-lite\na=ice-ufrag:u\na=ice-pwd:p\n"
      "a=end-of-candidates\nm=audio 1 RTP/AVP 0\n"
      "a=candidate:1 1 udp 1 10.0.0.1 5 typ host\na=candidate:broken\n");
  const auto ice = ice_parameters(sd, sd.media[0]);
  ASSERT_TRUE(ice);
  EXPECT_TRUE(ice->lite);
  EXPECT_TRUE(end_of_candidates(sd, sd.media[0]));
  EXPECT_EQ(candidates(sd.media[0]).size(), 1u);
}

TEST(Accessors, ExtmapsFromBothLevels) {
  const SessionDescription sd = parse(
      "v=0\no=- 1 1 IN IP4 1.1.1.1\ns=-\nt=0 0\na=extmap:1 urn:a\nm=audio 1 RTP/AVP 0\n"
      "a=extmap:2/sendonly urn:b\na=extmap-allow-mixed\n");
  const auto maps = extmaps(sd, sd.media[0]);
  ASSERT_EQ(maps.size(), 2u);
  EXPECT_EQ(maps[0].uri, "urn:a");
  EXPECT_EQ(maps[1].direction, Direction::kSendOnly);
  EXPECT_TRUE(extmap_allow_mixed(sd, sd.media[0]));
}

}  // namespace
}  // namespace tandem::sdp
