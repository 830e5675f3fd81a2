// Offer/answer helpers against real offers: the recorded Chromium 156 / Firefox 153 offers in
// tests/data/sdp (tools/record-browser-sdp) and the SIPp scenario bodies of tests/interop.
#include "sdp/offer_answer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sdp/parser.hpp"

namespace tandem::sdp {
namespace {

const std::filesystem::path kDir = std::filesystem::path(TANDEM_TEST_DATA_DIR) / "sdp";

SessionDescription load(const std::string& name) {
  std::ifstream in(kDir / name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  auto sd = parse_sdp(text.str());
  EXPECT_TRUE(sd.ok()) << name;
  return sd.ok() ? std::move(sd).value() : SessionDescription{};
}

SessionDescription parse(const std::string& text) {
  auto sd = parse_sdp(text);
  EXPECT_TRUE(sd.ok()) << (sd.ok() ? "" : sd.error().describe());
  return sd.ok() ? std::move(sd).value() : SessionDescription{};
}

// The body tests/interop/pbx/scenarios/call.xml sends, and an Asterisk-style multi-codec offer.
constexpr const char* kSippOffer =
    "v=0\r\no=sipp 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
constexpr const char* kAsteriskOffer =
    "v=0\r\no=- 1744 1744 IN IP4 10.0.0.5\r\ns=Asterisk\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
    "m=audio 17000 RTP/AVP 8 0 3 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:3 GSM/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
    "a=ptime:20\r\na=maxptime:150\r\na=sendrecv\r\n";

const CodecPreference kOpus{"opus", 48000, 2};
const CodecPreference kPcmu{"PCMU", 8000, std::nullopt};
const CodecPreference kPcma{"PCMA", 8000, std::nullopt};
const CodecPreference kDtmf8k{"telephone-event", 8000, std::nullopt};
const CodecPreference kDtmf48k{"telephone-event", 48000, std::nullopt};

std::vector<uint8_t> pts(const std::vector<Codec>& codecs) {
  std::vector<uint8_t> out;
  for (const Codec& c : codecs) out.push_back(c.payload_type);
  return out;
}

struct IntersectCase {
  const char* name;
  std::string offer;  // file name in tests/data/sdp, or inline SDP text
  std::vector<CodecPreference> preferences;
  std::vector<uint8_t> expected;  // the offerer's payload types, in preference order
};

TEST(OfferAnswer, IntersectHonoursPreferenceAndOffererPayloadTypes) {
  const std::vector<IntersectCase> cases = {
      {"chromium opus first",
       "chromium-156-audio.offer.sdp",
       {kOpus, kPcmu, kDtmf48k},
       {111, 0, 110}},
      {"chromium pcma preferred",
       "chromium-156-audio.offer.sdp",
       {kPcma, kOpus, kDtmf8k},
       {8, 111, 126}},
      {"firefox", "firefox-153-audio.offer.sdp", {kOpus, kDtmf48k, kDtmf8k}, {109, 101}},
      {"sipp pcmu only", kSippOffer, {kOpus, kPcma, kPcmu, kDtmf8k}, {0}},
      {"asterisk", kAsteriskOffer, {kOpus, kPcmu, kPcma, kDtmf8k}, {0, 8, 101}},
      {"nothing in common", kSippOffer, {kOpus, kPcma}, {}},
  };
  for (const IntersectCase& c : cases) {
    SCOPED_TRACE(c.name);
    const SessionDescription sd = c.offer.ends_with(".sdp") ? load(c.offer) : parse(c.offer);
    ASSERT_FALSE(sd.media.empty());
    EXPECT_EQ(pts(intersect_codecs(codecs(sd.media[0]), c.preferences)), c.expected);
  }
}

TEST(OfferAnswer, IntersectKeepsTheOfferersFmtp) {
  const SessionDescription sd = load("chromium-156-audio.offer.sdp");
  const auto got = intersect_codecs(codecs(sd.media[0]), {kOpus});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].fmtp, "minptime=10;useinbandfec=1");
  EXPECT_EQ(got[0].channels, 2u);
}

struct MatchCase {
  const char* name;
  Codec codec;
  CodecPreference preference;
  bool matches;
};

TEST(OfferAnswer, CodecMatching) {
  const std::vector<MatchCase> cases = {
      {"name case-insensitive", {0, "pcmu", 8000, {}, {}, {}, false}, kPcmu, true},
      {"clock rate differs", {96, "opus", 16000, 2u, {}, {}, false}, kOpus, false},
      {"channels differ", {96, "opus", 48000, 1u, {}, {}, false}, kOpus, false},
      {"absent channels mean 1", {0, "PCMU", 8000, 1u, {}, {}, false}, kPcmu, true},
      {"opus fmtp never blocks",
       {96, "opus", 48000, 2u, "stereo=1;maxplaybackrate=16000", {}, false},
       kOpus,
       true},
      {"dtmf without fmtp", {101, "telephone-event", 8000, {}, {}, {}, false}, kDtmf8k, true},
      {"dtmf 0-16", {101, "telephone-event", 8000, {}, "0-16", {}, false}, kDtmf8k, true},
      {"dtmf split ranges",
       {101, "telephone-event", 8000, {}, "0-9,10-15,66", {}, false},
       kDtmf8k,
       true},
      {"dtmf events= form",
       {101, "telephone-event", 8000, {}, "events=0-15", {}, false},
       kDtmf8k,
       true},
      {"dtmf without digits",
       {101, "telephone-event", 8000, {}, "0-11", {}, false},
       kDtmf8k,
       false},
      {"dtmf flash only", {101, "telephone-event", 8000, {}, "16", {}, false}, kDtmf8k, false},
      {"dtmf garbage", {101, "telephone-event", 8000, {}, "x-y", {}, false}, kDtmf8k, false},
      {"dtmf wrong rate", {101, "telephone-event", 48000, {}, {}, {}, false}, kDtmf8k, false},
  };
  for (const MatchCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(codec_matches(c.codec, c.preference), c.matches);
  }
}

struct DirectionCase {
  Direction offered;
  Direction local;
  Direction answer;
};

TEST(OfferAnswer, AnswerDirectionFollowsRfc3264Section61) {
  using D = Direction;
  const std::vector<DirectionCase> cases = {
      {D::kSendRecv, D::kSendRecv, D::kSendRecv}, {D::kSendOnly, D::kSendRecv, D::kRecvOnly},
      {D::kRecvOnly, D::kSendRecv, D::kSendOnly}, {D::kInactive, D::kSendRecv, D::kInactive},
      {D::kSendRecv, D::kSendOnly, D::kSendOnly}, {D::kSendRecv, D::kRecvOnly, D::kRecvOnly},
      {D::kSendRecv, D::kInactive, D::kInactive}, {D::kSendOnly, D::kSendOnly, D::kInactive},
      {D::kRecvOnly, D::kRecvOnly, D::kInactive}, {D::kSendOnly, D::kRecvOnly, D::kRecvOnly},
  };
  for (const DirectionCase& c : cases) {
    SCOPED_TRACE(std::string(to_string(c.offered)) + "/" + std::string(to_string(c.local)));
    EXPECT_EQ(answer_direction(c.offered, c.local), c.answer);
  }
}

struct HoldCase {
  const char* name;
  std::string sdp;
  Direction effective;
  bool hold;
};

TEST(OfferAnswer, HoldDetectionIncludingLegacyNullAddress) {
  const std::string head = "v=0\r\no=- 1 2 IN IP4 10.0.0.5\r\ns=-\r\n";
  const std::string media = "m=audio 17000 RTP/AVP 0\r\n";
  using D = Direction;
  const std::vector<HoldCase> cases = {
      {"active", head + "c=IN IP4 10.0.0.5\r\nt=0 0\r\n" + media, D::kSendRecv, false},
      {"sendonly", head + "c=IN IP4 10.0.0.5\r\nt=0 0\r\n" + media + "a=sendonly\r\n", D::kSendOnly,
       true},
      {"inactive", head + "c=IN IP4 10.0.0.5\r\nt=0 0\r\n" + media + "a=inactive\r\n", D::kInactive,
       true},
      {"recvonly", head + "c=IN IP4 10.0.0.5\r\nt=0 0\r\n" + media + "a=recvonly\r\n", D::kRecvOnly,
       false},
      {"session sendonly", head + "c=IN IP4 10.0.0.5\r\nt=0 0\r\na=sendonly\r\n" + media,
       D::kSendOnly, true},
      {"legacy c=0.0.0.0", head + "c=IN IP4 0.0.0.0\r\nt=0 0\r\n" + media, D::kSendOnly, true},
      {"legacy media c=0.0.0.0",
       head + "c=IN IP4 10.0.0.5\r\nt=0 0\r\n" + media + "c=IN IP4 0.0.0.0\r\n", D::kSendOnly,
       true},
      {"legacy + recvonly", head + "c=IN IP4 0.0.0.0\r\nt=0 0\r\n" + media + "a=recvonly\r\n",
       D::kInactive, true},
      {"media c overrides null",
       head + "c=IN IP4 0.0.0.0\r\nt=0 0\r\n" + media + "c=IN IP4 10.0.0.6\r\n", D::kSendRecv,
       false},
      {"trickle ICE c=0.0.0.0 is not hold",
       head + "c=IN IP4 0.0.0.0\r\nt=0 0\r\n" + media +
           "a=ice-ufrag:zfox\r\na=ice-pwd:uv78u2aY30rKRXis7c0XhFW7\r\n",
       D::kSendRecv, false},
      {"disabled is not hold",
       head + "c=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\na=inactive\r\n", D::kInactive,
       false},
  };
  for (const HoldCase& c : cases) {
    SCOPED_TRACE(c.name);
    const SessionDescription sd = parse(c.sdp);
    ASSERT_EQ(sd.media.size(), 1u);
    EXPECT_EQ(effective_direction(sd, sd.media[0]), c.effective);
    EXPECT_EQ(is_hold(sd, sd.media[0]), c.hold);
  }
}

TEST(OfferAnswer, RejectedMediaKeepsOrderMidAndFormats) {
  const SessionDescription sd = load("chromium-156-audio-video-data.offer.sdp");
  ASSERT_EQ(sd.media.size(), 3u);
  for (const MediaDescription& offered : sd.media) {
    SCOPED_TRACE(offered.media);
    const MediaDescription m = rejected_media(offered);
    EXPECT_EQ(m.port, 0);
    EXPECT_EQ(m.media, offered.media);
    EXPECT_EQ(m.proto, offered.proto);
    EXPECT_EQ(m.formats, offered.formats);
    EXPECT_EQ(m.mid(), offered.mid());
    EXPECT_TRUE(m.is_disabled());
  }
  MediaDescription empty;
  empty.formats.clear();
  EXPECT_EQ(rejected_media(empty).formats, std::vector<std::string>{"0"});
}

}  // namespace
}  // namespace tandem::sdp
