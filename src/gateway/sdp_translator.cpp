#include "gateway/sdp_translator.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "common/text.hpp"
#include "sdp/accessors.hpp"
#include "sdp/codec.hpp"

namespace tandem::gateway {
namespace {

constexpr int kNotAcceptableHere = 488;
constexpr std::string_view kWebRtcProto = "UDP/TLS/RTP/SAVPF";
sdp::CodecPreference opus_48k() { return {"opus", 48000, 2}; }
sdp::CodecPreference dtmf_48k() { return {"telephone-event", 48000, std::nullopt}; }
sdp::CodecPreference dtmf_8k() { return {"telephone-event", 8000, std::nullopt}; }
constexpr uint8_t kOurOpusPt = 111;
constexpr uint8_t kOurDtmf48kPt = 110;
constexpr std::string_view kDtmfEvents = "0-16";
constexpr std::string_view kOpusFmtp = "minptime=10;useinbandfec=1";
constexpr std::string_view kMsid = "tandem tandem-audio";

Error not_acceptable(std::string reason) {
  return Error{std::move(reason), 0, 0, kNotAcceptableHere};
}

// Index of the first audio RTP section that is not disabled.
std::optional<size_t> audio_index(const sdp::SessionDescription& sd) {
  for (size_t i = 0; i < sd.media.size(); ++i) {
    const sdp::MediaDescription& m = sd.media[i];
    if (m.media == "audio" && m.is_rtp() && !m.is_disabled()) return i;
  }
  return std::nullopt;
}

// The browser's telephone-event: /48000 (Chromium, Safari), else /8000 (Firefox offers only that).
std::optional<sdp::Codec> browser_dtmf(const std::vector<sdp::Codec>& codecs) {
  if (auto c = sdp::find_codec(codecs, dtmf_48k())) return c;
  return sdp::find_codec(codecs, dtmf_8k());
}

bool sends(sdp::Direction d) {
  return d == sdp::Direction::kSendRecv || d == sdp::Direction::kSendOnly;
}

std::optional<PbxCodec> pbx_codec(const sdp::Codec& codec) {
  if (sdp::codec_matches(codec, opus_48k())) return PbxCodec::kOpus;
  if (sdp::codec_matches(codec, {"PCMU", 8000, std::nullopt})) return PbxCodec::kPcmu;
  if (sdp::codec_matches(codec, {"PCMA", 8000, std::nullopt})) return PbxCodec::kPcma;
  return std::nullopt;
}

// The PBX codecs the config allows, in its order.
std::vector<sdp::CodecPreference> pbx_preferences(const TranslatorConfig& config) {
  std::vector<sdp::CodecPreference> out;
  for (const sdp::CodecPreference& p : config.pbx_codecs) {
    sdp::Codec probe{0, p.name, p.clock_rate, p.channels, std::nullopt, {}, false};
    const auto kind = pbx_codec(probe);
    if (kind && (*kind == PbxCodec::kOpus || config.transcoding)) out.push_back(p);
  }
  return out;
}

// A dynamic payload type (96-127) not in `used`.
uint8_t free_dynamic_pt(const std::vector<uint8_t>& used, uint8_t wanted) {
  for (uint8_t pt = wanted; pt <= 127; ++pt) {
    if (std::find(used.begin(), used.end(), pt) == used.end()) return pt;
  }
  for (uint8_t pt = 96; pt < wanted; ++pt) {
    if (std::find(used.begin(), used.end(), pt) == used.end()) return pt;
  }
  return wanted;
}

sdp::SessionDescription new_session(const std::string& name, const std::string& address_type,
                                    const std::string& address) {
  sdp::SessionDescription sd;
  sd.origin.address_type = address_type;
  sd.origin.address = address;
  sd.session_name = name;
  sd.times.push_back(sdp::Timing{});
  return sd;
}

// The browser's ICE and DTLS parameters; the answer direction and setup are derived elsewhere.
Result<BridgeMode> browser_transport(const sdp::SessionDescription& sd,
                                     const sdp::MediaDescription& m) {
  if (m.proto != kWebRtcProto)
    return not_acceptable("the browser's audio is " + m.proto + ", not UDP/TLS/RTP/SAVPF");
  const auto ice = sdp::ice_parameters(sd, m);
  if (!ice) return not_acceptable("the browser's audio has no a=ice-ufrag/a=ice-pwd");
  const auto fingerprint = sdp::fingerprint(sd, m);
  if (!fingerprint) return not_acceptable("the browser's audio has no a=fingerprint");
  if (!sdp::rtcp_mux(m)) return not_acceptable("the browser's audio has no a=rtcp-mux");
  BridgeMode mode;
  mode.remote_ufrag = ice->ufrag;
  mode.remote_pwd = ice->pwd;
  mode.remote_fingerprint_alg = fingerprint->hash_function;
  mode.remote_fingerprint = fingerprint->value;
  return mode;
}

// Our browser-side audio section (offer or answer) with the given codecs.
sdp::MediaDescription browser_audio(const BrowserTransport& local, const std::string& mid,
                                    sdp::Setup setup, sdp::Direction direction,
                                    const std::vector<sdp::Codec>& codecs, bool rtcp_rsize) {
  sdp::MediaDescription m;
  m.media = "audio";
  m.port = local.port;
  m.proto = std::string(kWebRtcProto);
  m.connection =
      sdp::Connection{"IN", local.address_type, local.address, std::nullopt, std::nullopt};
  m.attributes.add("ice-ufrag", local.ufrag);
  m.attributes.add("ice-pwd", local.pwd);
  m.attributes.add("fingerprint", "sha-256 " + local.fingerprint_sha256);
  m.attributes.add("setup", std::string(sdp::to_string(setup)));
  m.attributes.add("mid", mid);
  m.attributes.add(std::string(sdp::to_string(direction)));
  if (sends(direction)) m.attributes.add("msid", std::string(kMsid));
  m.attributes.add("rtcp-mux");
  if (rtcp_rsize) m.attributes.add("rtcp-rsize");
  for (sdp::Codec codec : codecs) {
    codec.feedback.clear();  // we honour no RTCP feedback on audio
    sdp::add_codec(m, codec);
  }
  for (const sdp::Candidate& c : local.candidates) m.attributes.add("candidate", sdp::to_string(c));
  m.attributes.add("end-of-candidates");
  return m;
}

sdp::SessionDescription browser_session(const std::string& name, const BrowserTransport& local,
                                        const std::vector<std::string>& bundle) {
  sdp::SessionDescription sd = new_session(name, local.address_type, local.address);
  sd.attributes.add("ice-lite");
  std::string group = "BUNDLE";
  for (const std::string& mid : bundle) group += " " + mid;
  sd.attributes.add("group", group);
  sd.attributes.add("msid-semantic", " WMS tandem");
  return sd;
}

// Our PBX-side audio section with the given codecs (their payload types as given).
sdp::MediaDescription pbx_audio(const PbxTransport& local, sdp::Direction direction,
                                const std::vector<sdp::Codec>& codecs, uint32_t ptime) {
  sdp::MediaDescription m;
  m.media = "audio";
  m.port = local.port;
  m.proto = "RTP/AVP";
  m.connection =
      sdp::Connection{"IN", local.address_type, local.address, std::nullopt, std::nullopt};
  for (sdp::Codec codec : codecs) {
    codec.feedback.clear();
    sdp::add_codec(m, codec);
  }
  m.attributes.add("ptime", std::to_string(ptime));
  m.attributes.add(std::string(sdp::to_string(direction)));
  return m;
}

// Where the PBX wants RTP: media c= else session c=.
void pbx_target(const sdp::SessionDescription& sd, const sdp::MediaDescription& m,
                BridgeMode& mode) {
  const auto& c = m.connection ? m.connection : sd.connection;
  mode.pbx_address = c ? c->address : std::string();
  mode.pbx_port = m.port;
}

// The telephone-event of `codecs` at `clock_rate`, else any telephone-event.
std::optional<uint8_t> dtmf_pt(const std::vector<sdp::Codec>& codecs, uint32_t clock_rate,
                               uint32_t* chosen_rate) {
  for (const sdp::CodecPreference& p :
       {sdp::CodecPreference{"telephone-event", clock_rate, std::nullopt}, dtmf_8k(), dtmf_48k()}) {
    if (const auto c = sdp::find_codec(codecs, p)) {
      if (chosen_rate != nullptr) *chosen_rate = c->clock_rate;
      return c->payload_type;
    }
  }
  return std::nullopt;
}

uint32_t clock_rate(PbxCodec codec) { return codec == PbxCodec::kOpus ? 48000 : 8000; }

// Rejected copies of every section except `accepted`, in offer order.
std::vector<sdp::MediaDescription> with_rejections(const sdp::SessionDescription& offer,
                                                   size_t accepted,
                                                   const sdp::MediaDescription& audio) {
  std::vector<sdp::MediaDescription> out;
  for (size_t i = 0; i < offer.media.size(); ++i) {
    out.push_back(i == accepted ? audio : sdp::rejected_media(offer.media[i]));
  }
  return out;
}

}  // namespace

Result<sdp::SessionDescription> offer_to_pbx(const sdp::SessionDescription& browser_offer,
                                             const TranslatorConfig& config,
                                             const PbxTransport& local) {
  const auto index = audio_index(browser_offer);
  if (!index) return not_acceptable("the browser's offer has no audio m= line");
  const sdp::MediaDescription& bm = browser_offer.media[*index];
  auto transport = browser_transport(browser_offer, bm);
  if (!transport) return transport.error();
  const std::vector<sdp::Codec> offered = sdp::codecs(bm);
  const auto opus = sdp::find_codec(offered, opus_48k());
  if (!opus) return not_acceptable("no usable audio codec: the browser did not offer opus/48000/2");

  std::vector<sdp::Codec> ours;
  std::vector<uint8_t> used;
  for (const sdp::CodecPreference& p : pbx_preferences(config)) {
    sdp::Codec c{0, p.name, p.clock_rate, p.channels, std::nullopt, {}, false};
    if (pbx_codec(c) == PbxCodec::kOpus) {
      c.payload_type = opus->payload_type;  // same PT on both legs keeps passthrough a copy
      c.fmtp = opus->fmtp ? *opus->fmtp : std::string(kOpusFmtp);
    } else {
      c.payload_type = pbx_codec(c) == PbxCodec::kPcmu ? 0 : 8;  // RFC 3551 static types
    }
    used.push_back(c.payload_type);
    ours.push_back(std::move(c));
  }
  if (ours.empty()) return not_acceptable("no usable audio codec: the configuration allows none");
  const bool with_opus = std::any_of(ours.begin(), ours.end(), [](const sdp::Codec& c) {
    return pbx_codec(c) == PbxCodec::kOpus;
  });
  const bool with_g711 = std::any_of(ours.begin(), ours.end(), [](const sdp::Codec& c) {
    return pbx_codec(c) != PbxCodec::kOpus;
  });
  if (with_g711) {
    const uint8_t pt = free_dynamic_pt(used, 101);
    used.push_back(pt);
    ours.push_back(
        {pt, "telephone-event", 8000, std::nullopt, std::string(kDtmfEvents), {}, false});
  }
  if (with_opus) {
    const auto offered_dtmf = sdp::find_codec(offered, dtmf_48k());
    const uint8_t pt = offered_dtmf && std::find(used.begin(), used.end(),
                                                 offered_dtmf->payload_type) == used.end()
                           ? offered_dtmf->payload_type
                           : free_dynamic_pt(used, kOurDtmf48kPt);
    ours.push_back(
        {pt, "telephone-event", 48000, std::nullopt, std::string(kDtmfEvents), {}, false});
  }

  sdp::SessionDescription sd = new_session(config.session_name, local.address_type, local.address);
  sd.connection =
      sdp::Connection{"IN", local.address_type, local.address, std::nullopt, std::nullopt};
  sd.media.push_back(
      pbx_audio(local, sdp::effective_direction(browser_offer, bm), ours, config.ptime_ms));
  return sd;
}

Result<Negotiated> answer_to_browser(const sdp::SessionDescription& browser_offer,
                                     const sdp::SessionDescription& pbx_offer,
                                     const sdp::SessionDescription& pbx_answer,
                                     const BrowserTransport& local) {
  const auto index = audio_index(browser_offer);
  if (!index || pbx_offer.media.empty())
    return not_acceptable("the browser's offer has no audio m= line");
  const sdp::MediaDescription& bm = browser_offer.media[*index];
  auto mode = browser_transport(browser_offer, bm);
  if (!mode) return mode.error();
  if (pbx_answer.media.empty() || pbx_answer.media[0].media != "audio")
    return Error{"the PBX answer has no audio m= line", 0, 0, 0};
  const sdp::MediaDescription& pm = pbx_answer.media[0];
  if (pm.is_disabled()) return Error{"the PBX rejected the audio stream (port 0)", 0, 0, 0};

  const std::vector<sdp::Codec> we_offered = sdp::codecs(pbx_offer.media[0]);
  const std::vector<sdp::Codec> answered = sdp::codecs(pm);
  std::optional<PbxCodec> chosen;
  for (const sdp::Codec& c : answered) {
    if (iequals(c.name, "telephone-event") || iequals(c.name, "CN")) continue;
    const auto ours = std::find_if(we_offered.begin(), we_offered.end(), [&](const sdp::Codec& o) {
      return o.payload_type == c.payload_type;
    });
    if (ours == we_offered.end() || !iequals(ours->name, c.name) ||
        ours->clock_rate != c.clock_rate) {
      return Error{"the PBX answer chose " + c.name + "/" + std::to_string(c.clock_rate) +
                       " (payload type " + std::to_string(c.payload_type) +
                       "), which we did not offer",
                   0, 0, 0};
    }
    chosen = pbx_codec(c);
    mode->pbx_pt = c.payload_type;
    break;
  }
  if (!chosen) return Error{"the PBX answer names no audio codec", 0, 0, 0};
  mode->pbx_codec = *chosen;
  mode->pbx_dtmf_pt = dtmf_pt(answered, clock_rate(*chosen), &mode->pbx_dtmf_clock_rate);
  pbx_target(pbx_answer, pm, *mode);

  const std::vector<sdp::Codec> offered = sdp::codecs(bm);
  const auto opus = sdp::find_codec(offered, opus_48k());
  if (!opus) return not_acceptable("no usable audio codec: the browser did not offer opus/48000/2");
  std::vector<sdp::Codec> codecs = {*opus};
  if (const auto dtmf = browser_dtmf(offered)) {
    codecs.push_back(*dtmf);
    mode->browser_dtmf_pt = dtmf->payload_type;
    mode->browser_dtmf_clock_rate = dtmf->clock_rate;
  }
  mode->browser_pt = opus->payload_type;
  // The PBX's answer direction is ours toward the browser, made a valid answer to its offer.
  const sdp::Direction pbx_dir = sdp::effective_direction(pbx_answer, pm);
  mode->pbx_direction = sdp::reverse(pbx_dir);
  mode->browser_direction =
      sdp::answer_direction(sdp::effective_direction(browser_offer, bm), pbx_dir);
  // RFC 5763 §5: we answer actpass (and active) as the DTLS server; only a passive offerer makes
  // us the client.
  mode->local_setup = sdp::setup(browser_offer, bm) == sdp::Setup::kPassive ? sdp::Setup::kActive
                                                                            : sdp::Setup::kPassive;

  const std::string mid(bm.mid().value_or("0"));
  Negotiated out;
  out.sdp = browser_session("tandem", local, {mid});
  out.sdp.media =
      with_rejections(browser_offer, *index,
                      browser_audio(local, mid, mode->local_setup, mode->browser_direction, codecs,
                                    sdp::rtcp_rsize(bm)));
  out.bridge = std::move(*mode);
  return out;
}

Result<sdp::SessionDescription> offer_to_browser(const sdp::SessionDescription& pbx_offer,
                                                 const TranslatorConfig& config,
                                                 const BrowserTransport& local) {
  const auto index = audio_index(pbx_offer);
  if (!index) return not_acceptable("the PBX offer has no audio m= line");
  const sdp::MediaDescription& pm = pbx_offer.media[*index];
  if (sdp::intersect_codecs(sdp::codecs(pm), pbx_preferences(config)).empty()) {
    return not_acceptable(
        "no usable audio codec: the PBX offered none of opus, PCMU, PCMA that we allow");
  }
  const std::vector<sdp::Codec> codecs = {
      {kOurOpusPt, "opus", 48000, 2u, std::string(kOpusFmtp), {}, false},
      {kOurDtmf48kPt, "telephone-event", 48000, std::nullopt, std::string(kDtmfEvents), {}, false}};
  sdp::SessionDescription sd = browser_session(config.session_name, local, {"0"});
  sd.media.push_back(browser_audio(local, "0", sdp::Setup::kActpass,
                                   sdp::effective_direction(pbx_offer, pm), codecs, true));
  return sd;
}

Result<Negotiated> answer_to_pbx(const sdp::SessionDescription& pbx_offer,
                                 const sdp::SessionDescription& browser_offer,
                                 const sdp::SessionDescription& browser_answer,
                                 const TranslatorConfig& config, const PbxTransport& local) {
  const auto index = audio_index(pbx_offer);
  if (!index || browser_offer.media.empty())
    return not_acceptable("the PBX offer has no audio m= line");
  const sdp::MediaDescription& pm = pbx_offer.media[*index];
  if (browser_answer.media.empty() || browser_answer.media[0].media != "audio" ||
      browser_answer.media[0].is_disabled()) {
    return not_acceptable("the browser rejected the audio stream");
  }
  const sdp::MediaDescription& bm = browser_answer.media[0];
  auto mode = browser_transport(browser_answer, bm);
  if (!mode) return mode.error();
  const auto their_setup = sdp::setup(browser_answer, bm);
  if (their_setup != sdp::Setup::kActive && their_setup != sdp::Setup::kPassive) {
    return not_acceptable("the browser's answer needs a=setup:active or passive (RFC 5763 §5)");
  }
  mode->local_setup =
      their_setup == sdp::Setup::kActive ? sdp::Setup::kPassive : sdp::Setup::kActive;
  const std::vector<sdp::Codec> browser_codecs = sdp::codecs(bm);
  const auto opus = sdp::find_codec(browser_codecs, opus_48k());
  if (!opus || opus->payload_type != kOurOpusPt)
    return not_acceptable("the browser's answer has no opus/48000/2 with our payload type");
  mode->browser_pt = opus->payload_type;
  if (const auto dtmf = browser_dtmf(browser_codecs)) {
    mode->browser_dtmf_pt = dtmf->payload_type;
    mode->browser_dtmf_clock_rate = dtmf->clock_rate;
  }

  const std::vector<sdp::Codec> offered = sdp::codecs(pm);
  const std::vector<sdp::Codec> common = sdp::intersect_codecs(offered, pbx_preferences(config));
  if (common.empty()) return not_acceptable("no usable audio codec: the PBX offered none we allow");
  const sdp::Codec& chosen = common.front();
  mode->pbx_codec = *pbx_codec(chosen);
  mode->pbx_pt = chosen.payload_type;
  std::vector<sdp::Codec> answer_codecs = {chosen};
  const auto dtmf =
      sdp::find_codec(offered, {"telephone-event", clock_rate(mode->pbx_codec), std::nullopt});
  if (dtmf) {
    answer_codecs.push_back(*dtmf);
    mode->pbx_dtmf_pt = dtmf->payload_type;
    mode->pbx_dtmf_clock_rate = dtmf->clock_rate;
  }
  pbx_target(pbx_offer, pm, *mode);
  const sdp::Direction browser_dir = sdp::effective_direction(browser_answer, bm);
  mode->browser_direction = sdp::reverse(browser_dir);
  mode->pbx_direction = sdp::answer_direction(sdp::effective_direction(pbx_offer, pm), browser_dir);

  Negotiated out;
  out.sdp = new_session(config.session_name, local.address_type, local.address);
  out.sdp.connection =
      sdp::Connection{"IN", local.address_type, local.address, std::nullopt, std::nullopt};
  out.sdp.media = with_rejections(
      pbx_offer, *index, pbx_audio(local, mode->pbx_direction, answer_codecs, config.ptime_ms));
  out.bridge = std::move(*mode);
  return out;
}

sdp::Origin next_origin(const sdp::Origin& previous) {
  sdp::Origin next = previous;
  const auto version = parse_uint(previous.session_version);
  next.session_version = std::to_string(version ? *version + 1 : 1);
  return next;
}

MediaChange media_change(const BridgeMode& before, const BridgeMode& after) {
  MediaChange change;
  change.pbx_address_changed =
      before.pbx_address != after.pbx_address || before.pbx_port != after.pbx_port;
  change.codec_changed = before.pbx_codec != after.pbx_codec || before.pbx_pt != after.pbx_pt ||
                         before.browser_pt != after.browser_pt;
  change.direction_changed = before.browser_direction != after.browser_direction ||
                             before.pbx_direction != after.pbx_direction;
  change.new_dtls_handshake = !iequals(before.remote_fingerprint, after.remote_fingerprint) ||
                              !iequals(before.remote_fingerprint_alg, after.remote_fingerprint_alg);
  return change;
}

}  // namespace tandem::gateway
