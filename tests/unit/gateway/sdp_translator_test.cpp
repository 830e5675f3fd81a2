// SdpTranslator on real SDPs: Chromium 156 offers recorded by tools/record-browser-sdp
// (tests/data/sdp), Chromium's answers to our offers captured by tests/e2e/sdp_translation
// (data/chromium-to-*.answer.sdp), the SIPp scenario body of tests/interop/pbx, an
// Asterisk-style offer and tandem-pbx service answers (data/, see data/README.md).
#include "gateway/sdp_translator.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fixture_transport.hpp"
#include "sdp/accessors.hpp"
#include "sdp/codec.hpp"
#include "sdp/parser.hpp"
#include "sdp/serializer.hpp"

namespace tandem::gateway {
namespace {

const std::filesystem::path kBrowserDir = std::filesystem::path(TANDEM_TEST_DATA_DIR) / "sdp";
const std::filesystem::path kDataDir =
    std::filesystem::path(TANDEM_TEST_DATA_DIR).parent_path() / "unit" / "gateway" / "data";

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

sdp::SessionDescription parse(const std::string& text) {
  auto sd = sdp::parse_sdp(text);
  EXPECT_TRUE(sd.ok()) << (sd.ok() ? "" : sd.error().describe());
  return sd.ok() ? std::move(sd).value() : sdp::SessionDescription{};
}

// A file from tests/data/sdp (browser recordings) or tests/unit/gateway/data.
sdp::SessionDescription load(const std::string& name) {
  const auto browser = kBrowserDir / name;
  const std::string text = read(std::filesystem::exists(browser) ? browser : kDataDir / name);
  EXPECT_FALSE(text.empty()) << name;
  return parse(text);
}

const PbxTransport kPbx{"198.51.100.7", "IP4", 30000};

std::string formats(const sdp::MediaDescription& m) {
  std::string out;
  for (const std::string& f : m.formats) out += (out.empty() ? "" : " ") + f;
  return out;
}

TEST(SdpTranslator, PbxOfferFromChromiumOffer) {
  struct Case {
    const char* name;
    std::string browser_offer;
    bool transcoding;
    std::string formats;
  };
  const std::vector<Case> cases = {
      {"audio, transcoding", "chromium-156-audio.offer.sdp", true, "111 0 8 101 110"},
      {"audio+video, transcoding", "chromium-156-audio-video.offer.sdp", true, "111 0 8 101 110"},
      {"audio, opus only", "chromium-156-audio.offer.sdp", false, "111 110"},
      {"trickle offer (c=0.0.0.0) is not hold", "chromium-156-trickle-audio.offer.sdp", true,
       "111 0 8 101 110"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TranslatorConfig config;
    config.transcoding = c.transcoding;
    const auto offer = offer_to_pbx(load(c.browser_offer), config, kPbx);
    ASSERT_TRUE(offer.ok()) << offer.error().reason;
    ASSERT_EQ(offer->media.size(), 1u);  // video is not offered to the PBX
    const sdp::MediaDescription& m = offer->media[0];
    EXPECT_EQ(m.proto, "RTP/AVP");
    EXPECT_EQ(m.port, 30000);
    EXPECT_EQ(formats(m), c.formats);
    EXPECT_EQ(offer->connection->address, "198.51.100.7");
    EXPECT_EQ(sdp::ptime(m), 20u);
    EXPECT_EQ(sdp::direction(*offer, m), sdp::Direction::kSendRecv);
    for (const char* webrtc : {"ice-ufrag", "ice-pwd", "fingerprint", "setup", "candidate",
                               "rtcp-mux", "mid", "group", "ice-lite"}) {
      EXPECT_FALSE(m.attributes.has(webrtc)) << webrtc;
      EXPECT_FALSE(offer->attributes.has(webrtc)) << webrtc;
    }
    const auto codecs = sdp::codecs(m);
    EXPECT_EQ(codecs.front().fmtp, "minptime=10;useinbandfec=1");  // the browser's Opus wishes
    // The serialized offer parses back to the same description.
    EXPECT_EQ(parse(sdp::serialize_sdp(*offer)), *offer);
  }
}

// Removes every line containing `needle` from an SDP text.
std::string without_lines(std::string text, const std::string& needle) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) == std::string::npos) out += line + "\n";
  }
  return out;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

TEST(SdpTranslator, BrowserAnswerAndBridgeFromPbxAnswer) {
  using D = sdp::Direction;
  struct Case {
    const char* name;
    std::string browser_offer;
    std::string pbx_answer;
    PbxCodec codec;
    uint8_t pbx_pt;
    std::optional<uint8_t> pbx_dtmf;
    uint32_t pbx_dtmf_rate;
    D browser_direction;  // in our answer to the browser
    D pbx_direction;      // ours on the PBX leg
    size_t media;
  };
  const std::string pcmu = read(kDataDir / "tandem-pbx-pcmu.answer.sdp");
  const std::vector<Case> cases = {
      {"G.711 transcode", "chromium-156-audio.offer.sdp", pcmu, PbxCodec::kPcmu, 0, 101, 8000,
       D::kSendRecv, D::kSendRecv, 1},
      {"Opus passthrough", "chromium-156-audio.offer.sdp",
       read(kDataDir / "tandem-pbx-opus.answer.sdp"), PbxCodec::kOpus, 111, 110, 48000,
       D::kSendRecv, D::kSendRecv, 1},
      {"PCMA without DTMF", "chromium-156-audio.offer.sdp",
       without_lines(replaced(replaced(pcmu, "PCMU", "PCMA"), "RTP/AVP 0 101", "RTP/AVP 8"), "101"),
       PbxCodec::kPcma, 8, std::nullopt, 8000, D::kSendRecv, D::kSendRecv, 1},
      {"video rejected", "chromium-156-audio-video.offer.sdp", pcmu, PbxCodec::kPcmu, 0, 101, 8000,
       D::kSendRecv, D::kSendRecv, 2},
      {"PBX answers recvonly", "chromium-156-audio.offer.sdp",
       replaced(pcmu, "sendrecv", "recvonly"), PbxCodec::kPcmu, 0, 101, 8000, D::kRecvOnly,
       D::kSendOnly, 1},
      {"browser holds", "chromium-156-trickle-audio-hold.offer.sdp",
       replaced(pcmu, "sendrecv", "recvonly"), PbxCodec::kPcmu, 0, 101, 8000, D::kRecvOnly,
       D::kSendOnly, 1},
      {"browser holds, PBX answers sendrecv", "chromium-156-trickle-audio-hold.offer.sdp", pcmu,
       PbxCodec::kPcmu, 0, 101, 8000, D::kRecvOnly, D::kSendRecv, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const sdp::SessionDescription browser_offer = load(c.browser_offer);
    const auto pbx_offer = offer_to_pbx(browser_offer, TranslatorConfig{}, kPbx);
    ASSERT_TRUE(pbx_offer.ok()) << pbx_offer.error().reason;
    const auto got = answer_to_browser(browser_offer, *pbx_offer, parse(c.pbx_answer),
                                       fixture_browser_transport());
    ASSERT_TRUE(got.ok()) << got.error().reason;
    const BridgeMode& b = got->bridge;
    EXPECT_EQ(b.pbx_codec, c.codec);
    EXPECT_EQ(b.passthrough(), c.codec == PbxCodec::kOpus);
    EXPECT_EQ(b.pbx_pt, c.pbx_pt);
    EXPECT_EQ(b.pbx_dtmf_pt, c.pbx_dtmf);
    if (c.pbx_dtmf) {
      EXPECT_EQ(b.pbx_dtmf_clock_rate, c.pbx_dtmf_rate);
    }
    EXPECT_EQ(b.browser_pt, 111);
    EXPECT_EQ(b.browser_dtmf_pt, 110);
    EXPECT_EQ(b.browser_dtmf_clock_rate, 48000u);
    EXPECT_EQ(b.browser_direction, c.browser_direction);
    EXPECT_EQ(b.pbx_direction, c.pbx_direction);
    EXPECT_EQ(b.pbx_address, "127.0.0.1");
    EXPECT_EQ(b.pbx_port, 20000);
    EXPECT_EQ(b.local_setup, sdp::Setup::kPassive);
    const auto ice = sdp::ice_parameters(browser_offer, browser_offer.media[0]);
    EXPECT_EQ(b.remote_ufrag, ice->ufrag);
    EXPECT_EQ(b.remote_fingerprint, sdp::fingerprint(browser_offer, browser_offer.media[0])->value);

    const sdp::SessionDescription& a = got->sdp;
    ASSERT_EQ(a.media.size(), c.media);
    EXPECT_TRUE(a.attributes.has("ice-lite"));
    EXPECT_EQ(sdp::bundle_mids(a), std::vector<std::string>{"0"});
    const sdp::MediaDescription& m = a.media[0];
    EXPECT_EQ(m.proto, "UDP/TLS/RTP/SAVPF");
    EXPECT_EQ(formats(m), "111 110");
    EXPECT_EQ(m.mid(), "0");
    EXPECT_EQ(sdp::setup(a, m), sdp::Setup::kPassive);
    EXPECT_EQ(sdp::direction(a, m), c.browser_direction);
    EXPECT_TRUE(sdp::rtcp_mux(m));
    EXPECT_EQ(sdp::ice_parameters(a, m)->ufrag, "tndm");
    EXPECT_EQ(sdp::candidates(m).size(), 1u);
    EXPECT_TRUE(sdp::end_of_candidates(a, m));
    if (c.media == 2) {
      EXPECT_EQ(a.media[1].media, "video");
      EXPECT_EQ(a.media[1].port, 0);
      EXPECT_EQ(a.media[1].mid(), "1");
    }
    EXPECT_EQ(parse(sdp::serialize_sdp(a)), a);
  }
}

// Firefox offers telephone-event/8000 only: the browser leg keeps it, at its own clock.
TEST(SdpTranslator, BrowserTelephoneEventAt8kHz) {
  std::string offer = read(kBrowserDir / "chromium-156-audio.offer.sdp");
  offer = replaced(offer, "telephone-event/48000", "telephone-event/8000");
  offer = without_lines(offer, "a=rtpmap:126 telephone-event/8000");
  const sdp::SessionDescription browser_offer = parse(offer);
  const auto pbx_offer = offer_to_pbx(browser_offer, TranslatorConfig{}, kPbx);
  ASSERT_TRUE(pbx_offer.ok()) << pbx_offer.error().reason;
  const auto got = answer_to_browser(browser_offer, *pbx_offer,
                                     parse(read(kDataDir / "tandem-pbx-pcmu.answer.sdp")),
                                     fixture_browser_transport());
  ASSERT_TRUE(got.ok()) << got.error().reason;
  EXPECT_EQ(got->bridge.browser_dtmf_pt, 110);
  EXPECT_EQ(got->bridge.browser_dtmf_clock_rate, 8000u);
  EXPECT_EQ(formats(got->sdp.media[0]), "111 110");
  const std::string answer = sdp::serialize_sdp(got->sdp);
  EXPECT_NE(answer.find("a=rtpmap:110 telephone-event/8000"), std::string::npos) << answer;
}

TEST(SdpTranslator, OutgoingErrors) {
  const std::string chromium = read(kBrowserDir / "chromium-156-audio.offer.sdp");
  const std::string pcmu = read(kDataDir / "tandem-pbx-pcmu.answer.sdp");
  struct Case {
    const char* name;
    std::string browser_offer;
    std::string pbx_answer;  // empty: the error comes from offer_to_pbx
    std::string error;
    int status;
  };
  const std::vector<Case> cases = {
      {"no opus", without_lines(chromium, ":111 "), "", "did not offer opus/48000/2", 488},
      {"no audio", replaced(chromium, "m=audio 47874", "m=audio 0"), "", "no audio m= line", 488},
      {"no fingerprint", without_lines(chromium, "a=fingerprint"), "", "no a=fingerprint", 488},
      {"PBX chose G.729", chromium,
       replaced(replaced(pcmu, "RTP/AVP 0 101", "RTP/AVP 18 101"), "0 PCMU/8000", "18 G729/8000"),
       "the PBX answer chose G729/8000 (payload type 18), which we did not offer", 0},
      {"PBX renamed our PT", chromium, replaced(pcmu, "PCMU", "PCMA"),
       "the PBX answer chose PCMA/8000 (payload type 0), which we did not offer", 0},
      {"PBX rejected audio", chromium, replaced(pcmu, "m=audio 20000", "m=audio 0"),
       "the PBX rejected the audio stream (port 0)", 0},
      {"PBX answer without audio", chromium, replaced(pcmu, "m=audio", "m=video"),
       "the PBX answer has no audio m= line", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const sdp::SessionDescription browser_offer = parse(c.browser_offer);
    const auto pbx_offer = offer_to_pbx(browser_offer, TranslatorConfig{}, kPbx);
    if (c.pbx_answer.empty()) {
      ASSERT_FALSE(pbx_offer.ok());
      EXPECT_NE(pbx_offer.error().reason.find(c.error), std::string::npos)
          << pbx_offer.error().reason;
      EXPECT_EQ(pbx_offer.error().status, c.status);
      continue;
    }
    ASSERT_TRUE(pbx_offer.ok()) << pbx_offer.error().reason;
    const auto got = answer_to_browser(browser_offer, *pbx_offer, parse(c.pbx_answer),
                                       fixture_browser_transport());
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().reason, c.error);
  }
}

TEST(SdpTranslator, BrowserOfferFromPbxOfferIsWhatChromiumAccepted) {
  // tandem-from-*.offer.sdp are the offers Chromium 156 applied in e2e.sdp-translation-chromium;
  // the translator must still produce them byte for byte.
  for (const char* pbx : {"sipp-pcmu", "sipp-pcmu-hold", "asterisk", "asterisk-hold"}) {
    SCOPED_TRACE(pbx);
    const auto offer = offer_to_browser(load(std::string(pbx) + ".offer.sdp"), TranslatorConfig{},
                                        fixture_browser_transport());
    ASSERT_TRUE(offer.ok()) << offer.error().reason;
    EXPECT_EQ(sdp::serialize_sdp(*offer),
              read(kDataDir / ("tandem-from-" + std::string(pbx) + ".offer.sdp")));
    const sdp::MediaDescription& m = offer->media.at(0);
    EXPECT_EQ(m.proto, "UDP/TLS/RTP/SAVPF");
    EXPECT_EQ(sdp::setup(*offer, m), sdp::Setup::kActpass);
    EXPECT_EQ(formats(m), "111 110");
    EXPECT_EQ(sdp::bundle_mids(*offer), std::vector<std::string>{"0"});
    EXPECT_TRUE(offer->attributes.has("ice-lite"));
    const bool hold = std::string(pbx).ends_with("-hold");
    EXPECT_EQ(sdp::direction(*offer, m),
              hold ? sdp::Direction::kSendOnly : sdp::Direction::kSendRecv);
  }
  const auto g729 = offer_to_browser(
      parse(replaced(read(kDataDir / "sipp-pcmu.offer.sdp"), "PCMU/8000", "G729/8000")),
      TranslatorConfig{}, fixture_browser_transport());
  ASSERT_FALSE(g729.ok());
  EXPECT_EQ(g729.error().status, 488);
}

TEST(SdpTranslator, PbxAnswerFromChromiumAnswer) {
  using D = sdp::Direction;
  struct Case {
    const char* pbx;
    bool transcoding;
    std::string formats;
    PbxCodec codec;
    D pbx_direction;      // in our answer to the PBX (the PBX holds: we only receive)
    D browser_direction;  // ours toward the browser (we send it the PBX's music on hold)
    std::string pbx_address;
    uint16_t pbx_port;
    size_t media;
  };
  const std::vector<Case> cases = {
      {"sipp-pcmu", true, "0", PbxCodec::kPcmu, D::kSendRecv, D::kSendRecv, "127.0.0.1", 6000, 1},
      {"sipp-pcmu-hold", true, "0", PbxCodec::kPcmu, D::kRecvOnly, D::kSendOnly, "0.0.0.0", 6000,
       1},
      {"asterisk", true, "0 101", PbxCodec::kPcmu, D::kSendRecv, D::kSendRecv, "127.0.0.5", 17000,
       2},
      {"asterisk-hold", true, "0 101", PbxCodec::kPcmu, D::kRecvOnly, D::kSendOnly, "127.0.0.6",
       17002, 2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pbx);
    const std::string name(c.pbx);
    TranslatorConfig config;
    config.transcoding = c.transcoding;
    const auto got =
        answer_to_pbx(load(name + ".offer.sdp"), load("tandem-from-" + name + ".offer.sdp"),
                      load("chromium-to-" + name + ".answer.sdp"), config, kPbx);
    ASSERT_TRUE(got.ok()) << got.error().reason;
    const sdp::SessionDescription& a = got->sdp;
    ASSERT_EQ(a.media.size(), c.media);
    EXPECT_EQ(a.media[0].proto, "RTP/AVP");
    EXPECT_EQ(a.media[0].port, 30000);
    EXPECT_EQ(formats(a.media[0]), c.formats);
    EXPECT_EQ(sdp::direction(a, a.media[0]), c.pbx_direction);
    if (c.media == 2) {
      EXPECT_EQ(a.media[1].port, 0);
    }
    const BridgeMode& b = got->bridge;
    EXPECT_EQ(b.pbx_codec, c.codec);
    EXPECT_EQ(b.browser_pt, 111);
    EXPECT_EQ(b.browser_dtmf_pt, 110);
    EXPECT_EQ(b.pbx_direction, c.pbx_direction);
    EXPECT_EQ(b.browser_direction, c.browser_direction);
    EXPECT_EQ(b.pbx_address, c.pbx_address);
    EXPECT_EQ(b.pbx_port, c.pbx_port);
    EXPECT_EQ(b.local_setup, sdp::Setup::kPassive);  // Chromium answered a=setup:active
    EXPECT_FALSE(b.remote_fingerprint.empty());
  }
  // Opus-only configuration: a G.711-only PBX cannot be bridged.
  TranslatorConfig opus_only;
  opus_only.transcoding = false;
  const auto refused =
      answer_to_pbx(load("sipp-pcmu.offer.sdp"), load("tandem-from-sipp-pcmu.offer.sdp"),
                    load("chromium-to-sipp-pcmu.answer.sdp"), opus_only, kPbx);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 488);
}

TEST(SdpTranslator, OpusFromThePbxIsPassedThroughWithItsPayloadType) {
  // A PBX offering Opus (PT 107) before PCMU: the bridge copies Opus and rewrites 111 <-> 107.
  const std::string pbx_offer =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.5\r\ns=-\r\nc=IN IP4 127.0.0.5\r\nt=0 0\r\n"
      "m=audio 17000 RTP/AVP 107 0 102 101\r\na=rtpmap:107 opus/48000/2\r\n"
      "a=fmtp:107 useinbandfec=1\r\na=rtpmap:0 PCMU/8000\r\n"
      "a=rtpmap:102 telephone-event/48000\r\na=rtpmap:101 telephone-event/8000\r\n";
  const auto got =
      answer_to_pbx(parse(pbx_offer), load("tandem-from-sipp-pcmu.offer.sdp"),
                    load("chromium-to-sipp-pcmu.answer.sdp"), TranslatorConfig{}, kPbx);
  ASSERT_TRUE(got.ok()) << got.error().reason;
  EXPECT_TRUE(got->bridge.passthrough());
  EXPECT_EQ(got->bridge.pbx_pt, 107);
  EXPECT_EQ(got->bridge.browser_pt, 111);
  EXPECT_EQ(got->bridge.pbx_dtmf_pt, 102);
  EXPECT_EQ(got->bridge.pbx_dtmf_clock_rate, 48000u);
  EXPECT_EQ(formats(got->sdp.media.at(0)), "107 102");
  EXPECT_EQ(sdp::codecs(got->sdp.media[0]).front().fmtp, "useinbandfec=1");
}

TEST(SdpTranslator, IncomingErrors) {
  const std::string answer = read(kDataDir / "chromium-to-sipp-pcmu.answer.sdp");
  struct Case {
    const char* name;
    std::string browser_answer;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"actpass answer", replaced(answer, "a=setup:active", "a=setup:actpass"),
       "the browser's answer needs a=setup:active or passive (RFC 5763 §5)"},
      {"audio rejected", replaced(answer, "m=audio 9", "m=audio 0"),
       "the browser rejected the audio stream"},
      {"no opus", replaced(answer, "opus/48000/2", "G722/8000"),
       "the browser's answer has no opus/48000/2 with our payload type"},
      {"no ICE", without_lines(answer, "a=ice-pwd"),
       "the browser's audio has no a=ice-ufrag/a=ice-pwd"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const auto got =
        answer_to_pbx(load("sipp-pcmu.offer.sdp"), load("tandem-from-sipp-pcmu.offer.sdp"),
                      parse(c.browser_answer), TranslatorConfig{}, kPbx);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().reason, c.error);
    EXPECT_EQ(got.error().status, 488);
  }
  const auto no_audio = offer_to_browser(
      parse(replaced(read(kDataDir / "sipp-pcmu.offer.sdp"), "m=audio", "m=video")),
      TranslatorConfig{}, fixture_browser_transport());
  ASSERT_FALSE(no_audio.ok());
  EXPECT_EQ(no_audio.error().reason, "the PBX offer has no audio m= line");
}

TEST(SdpTranslator, ReOfferChangesAreReported) {
  auto negotiate = [](const std::string& pbx) {
    return answer_to_pbx(load(pbx + ".offer.sdp"), load("tandem-from-" + pbx + ".offer.sdp"),
                         load("chromium-to-" + pbx + ".answer.sdp"), TranslatorConfig{}, kPbx);
  };
  const auto first = negotiate("asterisk");
  const auto hold = negotiate("asterisk-hold");
  ASSERT_TRUE(first.ok() && hold.ok());
  const MediaChange change = media_change(first->bridge, hold->bridge);
  EXPECT_TRUE(change.pbx_address_changed);
  EXPECT_TRUE(change.direction_changed);
  EXPECT_FALSE(change.codec_changed);
  EXPECT_FALSE(change.new_dtls_handshake);  // same Chromium PeerConnection, same certificate
  EXPECT_EQ(hold->bridge.local_setup, first->bridge.local_setup);

  const MediaChange none = media_change(first->bridge, first->bridge);
  EXPECT_FALSE(none.pbx_address_changed || none.direction_changed || none.codec_changed ||
               none.new_dtls_handshake);
  BridgeMode other = first->bridge;
  other.remote_fingerprint = "00:11";
  EXPECT_TRUE(media_change(first->bridge, other).new_dtls_handshake);

  sdp::Origin origin;
  origin.session_id = "7393";
  origin.session_version = "41";
  const sdp::Origin next = next_origin(origin);
  EXPECT_EQ(next.session_id, "7393");
  EXPECT_EQ(next.session_version, "42");
}

}  // namespace
}  // namespace tandem::gateway
