#include "media/echo_sdp.hpp"

#include <arpa/inet.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "common/text.hpp"
#include "sdp/accessors.hpp"
#include "sdp/candidate.hpp"
#include "sdp/codec.hpp"
#include "sdp/offer_answer.hpp"
#include "sdp/transport_attributes.hpp"

namespace tandem::media {

namespace {

constexpr std::string_view kMidExtension = "urn:ietf:params:rtp-hdrext:sdes:mid";
// RFC 8445 §5.1.2.1: type preference 126 (host), component 1; the local preference orders our
// candidates as listed. RFC 6544 §4.2: a TCP candidate's local preference is
// 2^13 * direction-pref (4 for passive host candidates) + other-pref, below every UDP one.
constexpr uint32_t kHostTypePreference = 126;
constexpr uint32_t kPassiveDirectionPreference = 4;

uint32_t host_priority(const ice::Endpoint& e, uint32_t rank) {
  const uint32_t local =
      e.is_tcp() ? (kPassiveDirectionPreference << 13) + (8191u - rank) : 65535u - rank;
  return (kHostTypePreference << 24) | (local << 8) | (256u - 1u);
}

uint32_t random_u32() {
  uint32_t v = 0;
  while (v == 0) {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) v = 0x5eed1234;
  }
  return v;
}

bool is_video_codec(const sdp::Codec& codec) {
  for (std::string_view skip :
       {"rtx", "red", "ulpfec", "flexfec-03", "flexfec", "CN", "telephone-event"}) {
    if (iequals(codec.name, skip)) return false;
  }
  return true;
}

std::optional<sdp::Codec> pick_codec(const sdp::MediaDescription& m, MediaKind kind) {
  const std::vector<sdp::Codec> offered = sdp::codecs(m);
  if (kind == MediaKind::kAudio) return sdp::find_codec(offered, {"opus", 48000, 2});
  for (const sdp::Codec& codec : offered) {
    if (is_video_codec(codec)) return codec;
  }
  return std::nullopt;
}

// Feedback the echo honours: NACK is answered by the browser's own retransmission of what it
// sent (the echo forwards it), PLI/FIR are turned into a PLI toward the browser's sender.
sdp::Codec answer_codec(sdp::Codec codec, MediaKind kind) {
  std::vector<sdp::RtcpFb> kept;
  if (kind == MediaKind::kVideo) {
    for (const sdp::RtcpFb& fb : codec.feedback) {
      if (fb.type == "nack" || (fb.type == "ccm" && fb.parameters == "fir")) kept.push_back(fb);
    }
  }
  codec.feedback = std::move(kept);
  return codec;
}

uint32_t primary_ssrc(const sdp::MediaDescription& m, bool& found) {
  for (const sdp::SsrcGroup& g : sdp::ssrc_groups(m)) {
    if (g.semantics == "FID" && !g.ssrcs.empty()) {
      found = true;
      return g.ssrcs.front();
    }
  }
  const auto list = sdp::ssrcs(m);
  found = !list.empty();
  return found ? list.front().id : 0;
}

std::string address_text(const ice::Endpoint& e) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  const int family = e.is_ipv4() ? AF_INET : AF_INET6;
  if (inet_ntop(family, e.address().data(), text.data(), text.size()) == nullptr) return "0.0.0.0";
  return text.data();
}

}  // namespace

Result<EchoPlan> plan_echo(const sdp::SessionDescription& offer) {
  EchoPlan plan;
  const std::vector<std::string> bundle = sdp::bundle_mids(offer);
  std::string reasons;
  bool have_transport = false;
  for (size_t i = 0; i < offer.media.size(); ++i) {
    const sdp::MediaDescription& m = offer.media[i];
    EchoMediaPlan mp;
    mp.mid = std::string(m.mid().value_or(""));
    auto reject = [&](std::string reason) {
      mp.reject_reason = std::move(reason);
      reasons += "; m=" + m.media + (mp.mid.empty() ? "" : " (mid " + mp.mid + ")") + ": " +
                 mp.reject_reason;
      plan.media.push_back(mp);
    };
    if (m.media != "audio" && m.media != "video") {
      reject("only audio and video are echoed");
      continue;
    }
    mp.kind = m.media == "audio" ? MediaKind::kAudio : MediaKind::kVideo;
    if (m.is_disabled()) {
      reject("disabled in the offer");
      continue;
    }
    if (m.proto != "UDP/TLS/RTP/SAVPF") {
      reject("needs UDP/TLS/RTP/SAVPF (DTLS-SRTP), not " + m.proto);
      continue;
    }
    if (mp.mid.empty()) {
      reject("has no a=mid");
      continue;
    }
    if (!bundle.empty() && std::find(bundle.begin(), bundle.end(), mp.mid) == bundle.end()) {
      reject("not in the BUNDLE group");
      continue;
    }
    if (bundle.empty() && have_transport) {
      reject("no BUNDLE: only the first stream is echoed");
      continue;
    }
    if (!sdp::rtcp_mux(m)) {
      reject("needs a=rtcp-mux");
      continue;
    }
    const auto setup = sdp::setup(offer, m);
    if (setup == sdp::Setup::kPassive || setup == sdp::Setup::kHoldconn) {
      reject("a=setup:passive/holdconn offers are not supported (we are the DTLS server)");
      continue;
    }
    const auto codec = pick_codec(m, mp.kind);
    if (!codec) {
      reject(mp.kind == MediaKind::kAudio ? "no opus/48000 offered" : "no video codec offered");
      continue;
    }
    if (!have_transport) {
      const auto ice = sdp::ice_parameters(offer, m);
      const auto fingerprint = sdp::fingerprint(offer, m);
      if (!ice) {
        reject("no a=ice-ufrag/a=ice-pwd");
        continue;
      }
      if (!fingerprint) {
        reject("no a=fingerprint");
        continue;
      }
      plan.params.remote_ufrag = ice->ufrag;
      plan.params.remote_pwd = ice->pwd;
      plan.params.remote_fingerprint_alg = fingerprint->hash_function;
      plan.params.remote_fingerprint = fingerprint->value;
      have_transport = true;
    }
    mp.accepted = true;
    mp.payload_types = {codec->payload_type};
    const sdp::Direction offered = sdp::direction(offer, m);
    mp.answer_direction = sdp::answer_direction(offered);
    for (const sdp::Extmap& ext : sdp::extmaps(offer, m)) {
      if (ext.uri == kMidExtension) mp.mid_extmap_id = ext.id;
    }
    mp.rtcp_rsize = sdp::rtcp_rsize(m);
    do {
      mp.local_ssrc = random_u32();
    } while (std::any_of(plan.media.begin(), plan.media.end(),
                         [&](const EchoMediaPlan& o) { return o.local_ssrc == mp.local_ssrc; }));
    StreamParams stream;
    stream.mid = mp.mid;
    stream.kind = mp.kind;
    stream.clock_rate = codec->clock_rate;
    stream.payload_types = mp.payload_types;
    bool signaled = false;
    const uint32_t remote = primary_ssrc(m, signaled);
    if (signaled) stream.remote_ssrcs.push_back(remote);
    stream.local_ssrc = mp.local_ssrc;
    // We echo only when the browser both sends (we receive) and receives (we send).
    stream.echo = mp.answer_direction == sdp::Direction::kSendRecv;
    plan.params.streams.push_back(std::move(stream));
    plan.media.push_back(std::move(mp));
  }
  if (plan.params.streams.empty()) {
    if (offer.media.empty()) return Error{"the offer has no m= sections", 0, 0, 400};
    return Error{"the offer has no usable audio or video" + reasons, 0, 0, 400};
  }
  return plan;
}

sdp::SessionDescription build_echo_answer(const sdp::SessionDescription& offer,
                                          const EchoPlan& plan, const SessionInfo& info) {
  const std::string address = address_text(info.candidate);
  const std::string address_type = info.candidate.is_ipv4() ? "IP4" : "IP6";
  sdp::SessionDescription answer;
  answer.origin.session_id = std::to_string(random_u32() & 0x7fffffff);
  answer.origin.session_version = "2";
  answer.origin.address_type = address_type;
  answer.origin.address = address;
  answer.session_name = "tandem-echo";
  answer.times.push_back(sdp::Timing{});
  answer.attributes.add("ice-lite");
  std::string group = "BUNDLE";
  for (const EchoMediaPlan& mp : plan.media) {
    if (mp.accepted) group += " " + mp.mid;
  }
  answer.attributes.add("group", group);
  answer.attributes.add("msid-semantic", " WMS tandem-echo");

  // One foundation per base address and transport (RFC 8445 §5.1.1.3).
  std::vector<sdp::Candidate> candidates;
  const std::vector<ice::Endpoint> ours =
      info.candidates.empty() ? std::vector<ice::Endpoint>{info.candidate} : info.candidates;
  for (uint32_t rank = 0; rank < ours.size(); ++rank) {
    const ice::Endpoint& e = ours[rank];
    sdp::Candidate c;
    c.foundation = std::to_string(rank + 1);
    c.transport = e.is_tcp() ? "tcp" : "udp";
    c.priority = host_priority(e, rank);
    c.address = address_text(e);
    c.port = e.port();
    c.type = "host";
    if (e.is_tcp()) c.tcp_type = "passive";  // RFC 6544 §4.5: we only accept connections
    candidates.push_back(std::move(c));
  }

  for (size_t i = 0; i < offer.media.size() && i < plan.media.size(); ++i) {
    const sdp::MediaDescription& om = offer.media[i];
    const EchoMediaPlan& mp = plan.media[i];
    const sdp::Connection connection{"IN", address_type, address, std::nullopt, std::nullopt};
    if (!mp.accepted) {
      // RFC 3264 §6: a rejected stream keeps its m= line with port 0.
      sdp::MediaDescription rejected = sdp::rejected_media(om);
      rejected.connection = connection;
      answer.media.push_back(std::move(rejected));
      continue;
    }
    sdp::MediaDescription m;
    m.media = om.media;
    m.proto = om.proto;
    m.connection = connection;
    m.port = info.candidate.port();
    m.attributes.add("ice-ufrag", info.local_ufrag);
    m.attributes.add("ice-pwd", info.local_pwd);
    m.attributes.add("fingerprint", "sha-256 " + info.fingerprint_sha256);
    m.attributes.add("setup", "passive");
    m.attributes.add("mid", mp.mid);
    if (mp.mid_extmap_id) {
      m.attributes.add("extmap",
                       std::to_string(*mp.mid_extmap_id) + " " + std::string(kMidExtension));
    }
    m.attributes.add(std::string(sdp::to_string(mp.answer_direction)));
    const bool sends = mp.answer_direction == sdp::Direction::kSendRecv ||
                       mp.answer_direction == sdp::Direction::kSendOnly;
    if (sends) m.attributes.add("msid", "tandem-echo echo-" + mp.mid);
    m.attributes.add("rtcp-mux");
    if (mp.rtcp_rsize) m.attributes.add("rtcp-rsize");
    for (const sdp::Codec& codec : sdp::codecs(om)) {
      if (std::find(mp.payload_types.begin(), mp.payload_types.end(), codec.payload_type) !=
          mp.payload_types.end()) {
        sdp::add_codec(m, answer_codec(codec, mp.kind));
      }
    }
    if (sends) {
      m.attributes.add("ssrc", std::to_string(mp.local_ssrc) + " cname:" + plan.params.cname);
      m.attributes.add("ssrc", std::to_string(mp.local_ssrc) + " msid:tandem-echo echo-" + mp.mid);
    }
    for (const sdp::Candidate& c : candidates) m.attributes.add("candidate", sdp::to_string(c));
    m.attributes.add("end-of-candidates");
    answer.media.push_back(std::move(m));
  }
  return answer;
}

}  // namespace tandem::media
