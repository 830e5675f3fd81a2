// Offer/answer for tandem-pbx's service extensions (600 echo, 601 tone, 602 DTMF readback): plain
// RTP/AVP audio, one of PCMU/PCMA/Opus plus telephone-event. The first audio m= section over
// RTP/AVP (or RTP/AVPF) with a codec we speak is accepted, in the caller's codec order (RFC 3264
// §6.1: the answerer should keep the offerer's preference); every other section is rejected with
// port 0. No common codec is an Error with status 488 (Not Acceptable Here).
//
// Usage from the INVITE handler:
//   auto plan = plan_service_media(offer);            // Error → answer plan.error().status
//   auto ep = ServiceMediaEndpoint::create(io, endpoint_config(*plan, ...), on_digit);
//   auto answer = build_service_answer(offer, *plan, "127.0.0.1", (*ep)->local_port());
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "sdp/rtp_attributes.hpp"
#include "sdp/session_description.hpp"

namespace tandem::pbx {

enum class ServiceCodec : uint8_t { kPcmu, kPcma, kOpus };

std::string_view to_string(ServiceCodec codec);

struct ServiceMediaPlan {
  size_t media_index = 0;  // the accepted m= section of the offer
  ServiceCodec codec = ServiceCodec::kPcmu;
  uint8_t payload_type = 0;
  uint32_t clock_rate = 8000;  // RTP clock: 8000 for G.711, 48000 for Opus (RFC 7587)
  std::optional<uint8_t> telephone_event_pt;
  uint32_t telephone_event_rate = 8000;
  // Where the caller wants media (c= and m= port of the offer); the endpoint latches to the real
  // source once packets arrive (symmetric RTP), this is only where to send before that.
  std::string remote_address;
  uint16_t remote_port = 0;
  sdp::Direction answer_direction = sdp::Direction::kSendRecv;
  uint32_t ptime_ms = 20;
};

// Picks the codec and telephone-event; Error{status 488} when the offer has no audio section we
// can take or no common codec, naming why.
Result<ServiceMediaPlan> plan_service_media(const sdp::SessionDescription& offer);

// The answer: our address and port on the accepted section, its codec and telephone-event (with
// the offer's payload type numbers and fmtp), a=ptime:20, the mirrored direction; port 0 for the
// rest (RFC 3264 §6). `session_name` appears in s=.
sdp::SessionDescription build_service_answer(const sdp::SessionDescription& offer,
                                             const ServiceMediaPlan& plan,
                                             std::string_view local_address, uint16_t local_port,
                                             std::string_view session_name = "tandem-pbx");

}  // namespace tandem::pbx
