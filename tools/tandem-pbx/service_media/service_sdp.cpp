#include "service_media/service_sdp.hpp"

#include <openssl/rand.h>

#include <vector>

#include "common/text.hpp"
#include "sdp/accessors.hpp"
#include "sdp/codec.hpp"

namespace tandem::pbx {

namespace {

constexpr int kNotAcceptableHere = 488;

std::optional<ServiceCodec> service_codec(const sdp::Codec& c) {
  if (iequals(c.name, "PCMU") && c.clock_rate == 8000) return ServiceCodec::kPcmu;
  if (iequals(c.name, "PCMA") && c.clock_rate == 8000) return ServiceCodec::kPcma;
  // RFC 7587 §7: opus/48000/2 whatever the channel count actually sent.
  if (iequals(c.name, "opus") && c.clock_rate == 48000) return ServiceCodec::kOpus;
  return std::nullopt;
}

bool plain_rtp(std::string_view proto) { return proto == "RTP/AVP" || proto == "RTP/AVPF"; }

const sdp::Connection* connection_of(const sdp::SessionDescription& sd,
                                     const sdp::MediaDescription& m) {
  if (m.connection) return &*m.connection;
  return sd.connection ? &*sd.connection : nullptr;
}

std::string random_session_id() {
  uint32_t v = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) v = 1;
  return std::to_string(v & 0x7fffffff);
}

}  // namespace

std::string_view to_string(ServiceCodec codec) {
  switch (codec) {
    case ServiceCodec::kPcmu:
      return "PCMU";
    case ServiceCodec::kPcma:
      return "PCMA";
    case ServiceCodec::kOpus:
      return "opus";
  }
  return "?";
}

Result<ServiceMediaPlan> plan_service_media(const sdp::SessionDescription& offer) {
  std::string reasons;
  for (size_t i = 0; i < offer.media.size(); ++i) {
    const sdp::MediaDescription& m = offer.media[i];
    auto skip = [&](std::string_view why) {
      reasons += "; m=" + m.media + " " + std::to_string(i) + ": " + std::string(why);
    };
    if (m.media != "audio") {
      skip("not audio");
      continue;
    }
    if (m.is_disabled()) {
      skip("disabled");
      continue;
    }
    if (!plain_rtp(m.proto)) {
      skip("needs RTP/AVP, not " + m.proto);
      continue;
    }
    const sdp::Connection* c = connection_of(offer, m);
    if (c == nullptr) {
      skip("no c= line");
      continue;
    }
    const std::vector<sdp::Codec> codecs = sdp::codecs(m);
    std::optional<ServiceMediaPlan> plan;
    for (const sdp::Codec& codec : codecs) {
      if (auto sc = service_codec(codec)) {
        plan.emplace();
        plan->codec = *sc;
        plan->payload_type = codec.payload_type;
        plan->clock_rate = codec.clock_rate;
        break;
      }
    }
    if (!plan) {
      skip("no PCMU, PCMA or opus offered");
      continue;
    }
    // Prefer the telephone-event at the audio clock rate (RFC 4733 §2.1), else any.
    for (const sdp::Codec& codec : codecs) {
      if (!iequals(codec.name, "telephone-event")) continue;
      if (!plan->telephone_event_pt || codec.clock_rate == plan->clock_rate) {
        plan->telephone_event_pt = codec.payload_type;
        plan->telephone_event_rate = codec.clock_rate;
      }
    }
    plan->media_index = i;
    plan->remote_address = c->address;
    plan->remote_port = m.port;
    plan->answer_direction = sdp::reverse(sdp::direction(offer, m));
    return std::move(*plan);
  }
  if (offer.media.empty()) return Error{"the offer has no m= sections", 0, 0, kNotAcceptableHere};
  return Error{"no common codec" + reasons, 0, 0, kNotAcceptableHere};
}

sdp::SessionDescription build_service_answer(const sdp::SessionDescription& offer,
                                             const ServiceMediaPlan& plan,
                                             std::string_view local_address, uint16_t local_port,
                                             std::string_view session_name) {
  const std::string address(local_address);
  const std::string address_type = address.find(':') == std::string::npos ? "IP4" : "IP6";
  sdp::SessionDescription answer;
  answer.origin.username = "tandem-pbx";
  answer.origin.session_id = random_session_id();
  answer.origin.session_version = "1";
  answer.origin.address_type = address_type;
  answer.origin.address = address;
  answer.session_name = std::string(session_name);
  answer.connection = sdp::Connection{"IN", address_type, address, std::nullopt, std::nullopt};
  answer.times.push_back(sdp::Timing{});
  for (size_t i = 0; i < offer.media.size(); ++i) {
    const sdp::MediaDescription& om = offer.media[i];
    sdp::MediaDescription m;
    m.media = om.media;
    m.proto = om.proto;
    if (i != plan.media_index) {
      m.port = 0;
      m.formats = om.formats;
      if (auto mid = om.mid()) m.attributes.add("mid", std::string(*mid));
      answer.media.push_back(std::move(m));
      continue;
    }
    m.port = local_port;
    if (auto mid = om.mid()) m.attributes.add("mid", std::string(*mid));
    for (const sdp::Codec& codec : sdp::codecs(om)) {
      const bool audio = codec.payload_type == plan.payload_type;
      const bool events = plan.telephone_event_pt && codec.payload_type == *plan.telephone_event_pt;
      if (!audio && !events) continue;
      sdp::Codec c = codec;
      c.feedback.clear();
      sdp::add_codec(m, c);
    }
    m.attributes.add("ptime", std::to_string(plan.ptime_ms));
    m.attributes.add(std::string(sdp::to_string(plan.answer_direction)));
    answer.media.push_back(std::move(m));
  }
  return answer;
}

}  // namespace tandem::pbx
