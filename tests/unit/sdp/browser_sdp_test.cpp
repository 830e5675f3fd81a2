// Real browser offers and answers recorded by tools/record-browser-sdp into tests/data/sdp.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sdp/accessors.hpp"
#include "sdp/codec.hpp"
#include "sdp/parser.hpp"
#include "sdp/serializer.hpp"

namespace tandem::sdp {
namespace {

const std::filesystem::path kDir = std::filesystem::path(TANDEM_TEST_DATA_DIR) / "sdp";

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::filesystem::path> recorded() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() == ".sdp") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

SessionDescription load(const std::string& name) {
  auto sd = parse_sdp(read(kDir / name));
  EXPECT_TRUE(sd.ok()) << name << ": " << (sd.ok() ? "" : sd.error().describe());
  return sd.ok() ? std::move(sd).value() : SessionDescription{};
}

std::string lf_only(std::string text) {
  std::erase(text, '\r');
  return text;
}

TEST(BrowserSdp, AllRecordingsArePresent) {
  const std::vector<std::string> expected = {
      "chromium-156-audio.offer.sdp",
      "chromium-156-audio-video.offer.sdp",
      "chromium-156-audio-video-data.offer.sdp",
      "firefox-153-audio.offer.sdp",
      "firefox-153-audio-video.offer.sdp",
      "firefox-153-audio-video-data.offer.sdp",
      "chromium-156-audio-video-data-to-firefox-153.answer.sdp",
      "firefox-153-audio-video-data-to-chromium-156.answer.sdp"};
  for (const std::string& name : expected)
    EXPECT_TRUE(std::filesystem::exists(kDir / name)) << name;
}

TEST(BrowserSdp, EveryRecordingRoundTripsExactly) {
  const auto files = recorded();
  ASSERT_GE(files.size(), 8u);
  for (const auto& path : files) {
    const std::string text = read(path);
    ASSERT_NE(text.find("\r\n"), std::string::npos) << path << " lost its CRLF line endings";
    auto sd = parse_sdp(text);
    ASSERT_TRUE(sd.ok()) << path << ": " << sd.error().describe();
    EXPECT_EQ(serialize_sdp(*sd), text) << path;
  }
}

TEST(BrowserSdp, EveryRecordingParsesTheSameWithLfOnly) {
  for (const auto& path : recorded()) {
    const std::string text = read(path);
    auto crlf = parse_sdp(text);
    auto lf = parse_sdp(lf_only(text));
    ASSERT_TRUE(crlf.ok() && lf.ok()) << path;
    EXPECT_EQ(*lf, *crlf) << path;
    EXPECT_EQ(serialize_sdp(*lf), text) << path;
  }
}

// Every typed attribute of every recording parses and rebuilds to the exact same value.
TEST(BrowserSdp, EveryTypedAttributeRebuildsExactly) {
  using Rebuild = std::function<std::optional<std::string>(std::string_view)>;
  auto via = [](auto parse) -> Rebuild {
    return [parse](std::string_view v) -> std::optional<std::string> {
      auto parsed = parse(v);
      if (!parsed) return std::nullopt;
      return to_string(*parsed);
    };
  };
  const std::map<std::string, Rebuild> typed = {
      {"rtpmap", via(parse_rtpmap)},       {"fmtp", via(parse_fmtp)},
      {"rtcp-fb", via(parse_rtcp_fb)},     {"extmap", via(parse_extmap)},
      {"ssrc", via(parse_ssrc)},           {"ssrc-group", via(parse_ssrc_group)},
      {"msid", via(parse_msid)},           {"rtcp", via(parse_rtcp)},
      {"candidate", via(parse_candidate)}, {"fingerprint", via(parse_fingerprint)},
      {"group", via(parse_group)},         {"crypto", via(parse_crypto)},
  };
  std::map<std::string, int> seen;
  auto check = [&](const AttributeList& list, const std::filesystem::path& path) {
    for (const Attribute& a : list) {
      const auto it = typed.find(a.name);
      if (it == typed.end()) continue;
      ASSERT_TRUE(a.value) << path << " a=" << a.name;
      EXPECT_EQ(it->second(*a.value), *a.value) << path << " a=" << a.name;
      ++seen[a.name];
    }
  };
  for (const auto& path : recorded()) {
    auto sd = parse_sdp(read(path));
    ASSERT_TRUE(sd.ok()) << path;
    check(sd->attributes, path);
    for (const MediaDescription& m : sd->media) check(m.attributes, path);
  }
  for (const char* name : {"rtpmap", "fmtp", "rtcp-fb", "extmap", "ssrc", "ssrc-group", "msid",
                           "rtcp", "candidate", "fingerprint", "group"}) {
    EXPECT_GT(seen[name], 0) << name;
  }
}

TEST(BrowserSdp, ChromiumAudioVideoDataOffer) {
  const SessionDescription sd = load("chromium-156-audio-video-data.offer.sdp");
  ASSERT_EQ(sd.media.size(), 3u);
  EXPECT_EQ(bundle_mids(sd), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_TRUE(sd.attributes.has("extmap-allow-mixed"));
  const MediaDescription& audio = sd.media[0];
  EXPECT_EQ(audio.proto, "UDP/TLS/RTP/SAVPF");
  const std::vector<Codec> audio_codecs = codecs(audio);
  ASSERT_EQ(audio_codecs.size(), audio.formats.size());
  EXPECT_EQ(audio_codecs[0].name, "opus");
  EXPECT_EQ(audio_codecs[0].clock_rate, 48000u);
  EXPECT_EQ(audio_codecs[0].channels, 2u);
  EXPECT_EQ(audio_codecs[0].fmtp, "minptime=10;useinbandfec=1");
  EXPECT_EQ(fmtp_parameter(*audio_codecs[0].fmtp, "useinbandfec"), "1");
  ASSERT_EQ(audio_codecs[0].feedback.size(), 1u);
  EXPECT_EQ(audio_codecs[0].feedback[0].type, "transport-cc");
  EXPECT_EQ(direction(sd, audio), Direction::kSendRecv);
  EXPECT_EQ(setup(sd, audio), Setup::kActpass);
  ASSERT_TRUE(fingerprint(sd, audio));
  EXPECT_EQ(fingerprint(sd, audio)->hash_function, "sha-256");
  EXPECT_EQ(fingerprint_bytes(fingerprint(sd, audio)->value).size(), 32u);
  const auto ice = ice_parameters(sd, audio);
  ASSERT_TRUE(ice);
  EXPECT_EQ(ice->options, std::vector<std::string>{"trickle"});
  EXPECT_TRUE(rtcp_mux(audio));
  EXPECT_TRUE(rtcp_rsize(audio));
  const auto cands = candidates(audio);
  ASSERT_FALSE(cands.empty());
  EXPECT_TRUE(std::any_of(cands.begin(), cands.end(),
                          [](const Candidate& c) { return c.tcp_type == "active"; }));
  EXPECT_EQ(cands[0].extension("generation"), "0");
  ASSERT_TRUE(msid(audio));
  EXPECT_TRUE(msid(audio)->track_id);

  const MediaDescription& video = sd.media[1];
  const auto video_codecs = codecs(video);
  ASSERT_EQ(video_codecs.size(), video.formats.size());
  EXPECT_EQ(video_codecs[0].name, "VP8");
  EXPECT_EQ(video_codecs[0].feedback.size(), 5u);
  EXPECT_GE(extmaps(sd, video).size(), 10u);
  const auto groups = ssrc_groups(video);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].semantics, "FID");
  EXPECT_EQ(ssrcs(video).size(), 4u);

  const MediaDescription& data = sd.media[2];
  EXPECT_FALSE(data.is_rtp());
  EXPECT_TRUE(codecs(data).empty());
  EXPECT_EQ(data.formats, std::vector<std::string>{"webrtc-datachannel"});
  EXPECT_EQ(sctp_port(data), 5000u);
  EXPECT_EQ(max_message_size(data), 262144u);
}

TEST(BrowserSdp, FirefoxAudioVideoDataOffer) {
  const SessionDescription sd = load("firefox-153-audio-video-data.offer.sdp");
  ASSERT_EQ(sd.media.size(), 3u);
  EXPECT_EQ(bundle_mids(sd), (std::vector<std::string>{"0", "1", "2"}));
  const MediaDescription& audio = sd.media[0];
  // Firefox puts fingerprint and ice-options at session level only.
  EXPECT_FALSE(audio.attributes.has("fingerprint"));
  ASSERT_TRUE(fingerprint(sd, audio));
  EXPECT_EQ(ice_parameters(sd, audio)->options, std::vector<std::string>{"trickle"});
  EXPECT_TRUE(end_of_candidates(sd, audio));
  const auto cands = candidates(audio);
  ASSERT_FALSE(cands.empty());
  EXPECT_TRUE(
      std::all_of(cands.begin(), cands.end(), [](const Candidate& c) { return c.is_mdns(); }));
  const auto rtcp_attr = rtcp(audio);
  ASSERT_TRUE(rtcp_attr);
  EXPECT_TRUE(rtcp_attr->address->ends_with(".local"));
  const auto maps = extmaps(sd, audio);
  EXPECT_TRUE(std::any_of(maps.begin(), maps.end(),
                          [](const Extmap& e) { return e.direction == Direction::kRecvOnly; }));
  const auto audio_codecs = codecs(audio);
  ASSERT_EQ(audio_codecs.size(), 5u);
  EXPECT_EQ(audio_codecs[1].name, "G722");
  EXPECT_EQ(audio_codecs[4].name, "telephone-event");
  EXPECT_EQ(audio_codecs[4].fmtp, "0-15");
  EXPECT_EQ(max_message_size(sd.media[2]), 1073741823u);
}

TEST(BrowserSdp, AnswersMirrorTheOffer) {
  const SessionDescription chromium =
      load("chromium-156-audio-video-data-to-firefox-153.answer.sdp");
  const SessionDescription firefox =
      load("firefox-153-audio-video-data-to-chromium-156.answer.sdp");
  for (const SessionDescription* sd : {&chromium, &firefox}) {
    ASSERT_EQ(sd->media.size(), 3u);
    EXPECT_EQ(bundle_mids(*sd), (std::vector<std::string>{"0", "1", "2"}));
    const auto role = setup(*sd, sd->media[0]);
    ASSERT_TRUE(role);
    EXPECT_TRUE(*role == Setup::kActive || *role == Setup::kPassive);
  }
}

}  // namespace
}  // namespace tandem::sdp
