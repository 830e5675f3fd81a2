// Offer/answer for the echo service (the pre-call network test): which of the browser's m=
// sections the echo accepts, and the SDP answer that goes back. ICE-lite with our host
// candidates (UDP per address family, ICE-TCP passive; SessionInfo::candidates), DTLS server
// (a=setup:passive), BUNDLE of the accepted sections, rtcp-mux, Opus for audio and the first real
// codec the offer lists for video, directions mirrored (sendrecv stays sendrecv, sendonly becomes
// recvonly, ...). Only the MID header extension is kept (the echo returns the browser's own MID so
// its BUNDLE demultiplexer finds the transceiver); feedback is limited to what the echo honours
// (nack, PLI, FIR).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "media/session_params.hpp"
#include "sdp/rtp_attributes.hpp"
#include "sdp/session_description.hpp"

namespace tandem::media {

// What happens to one offered m= section, in offer order.
struct EchoMediaPlan {
  bool accepted = false;
  std::string reject_reason;  // why not, when !accepted
  std::string mid;
  MediaKind kind = MediaKind::kAudio;
  std::vector<uint8_t> payload_types;
  sdp::Direction answer_direction = sdp::Direction::kSendRecv;
  std::optional<uint16_t> mid_extmap_id;
  bool rtcp_rsize = false;
  uint32_t local_ssrc = 0;
};

struct EchoPlan {
  SessionParams params;  // for MediaWorker::create_session
  std::vector<EchoMediaPlan> media;
};

// An Error (HTTP 400) when nothing usable is offered: no audio/video RTP section over
// UDP/TLS/RTP/SAVPF with rtcp-mux and a codec we accept, or no ICE credentials or fingerprint,
// or a=setup:passive (we only take the DTLS server role). The reason names each section.
Result<EchoPlan> plan_echo(const sdp::SessionDescription& offer);

// The answer for `offer` once the worker created the session described by `info`.
sdp::SessionDescription build_echo_answer(const sdp::SessionDescription& offer,
                                          const EchoPlan& plan, const SessionInfo& info);

}  // namespace tandem::media
