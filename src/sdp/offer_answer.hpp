// Offer/answer helpers (RFC 3264) shared by the echo service and the gateway's leg translation:
// codec intersection in our preference order with the offerer's payload types, answer
// directions, hold detection (including the RFC 2543 c=0.0.0.0 form) and rejected m= lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sdp/codec.hpp"
#include "sdp/media_description.hpp"
#include "sdp/rtp_attributes.hpp"
#include "sdp/session_description.hpp"

namespace tandem::sdp {

// One codec we support, by encoding name (ASCII case-insensitive), clock rate and channels
// (absent means 1, RFC 4566 §6: "channels" defaults to one for audio).
struct CodecPreference {
  std::string name;
  uint32_t clock_rate = 0;
  std::optional<uint32_t> channels;

  bool operator==(const CodecPreference&) const = default;
};

// True when `codec` is `preference` and its fmtp is one we can honour: for telephone-event the
// offered events must include the DTMF digits 0-15 (no fmtp means 0-15, RFC 4733 §7.1.1); Opus
// parameters are receiver preferences (RFC 7587 §7) and never make it incompatible.
bool codec_matches(const Codec& codec, const CodecPreference& preference);

// The offered codecs we accept, ordered by `preferences` (first match per preference; a
// preference the offer lacks is skipped). Each keeps the offerer's payload type, rtpmap and fmtp
// because the answer must use them (RFC 3264 §6.1).
std::vector<Codec> intersect_codecs(const std::vector<Codec>& offered,
                                    const std::vector<CodecPreference>& preferences);

// The first codec of `codecs` matching `preference`, or none.
std::optional<Codec> find_codec(const std::vector<Codec>& codecs,
                                const CodecPreference& preference);

// RFC 3264 §6.1: the answer's direction given the offered one and what the answerer itself is
// willing to do (`local`: sendrecv, or sendonly/recvonly/inactive when it holds). We send only
// if the offerer receives and we want to send; we receive only if the offerer sends and we want
// to receive.
Direction answer_direction(Direction offered, Direction local = Direction::kSendRecv);

// The direction the section effectively signals: its a= direction (or the session's), with the
// RFC 2543 hold form c=0.0.0.0 ("do not send to me", RFC 3264 §8.4) removing the receive half.
// Sections with ICE credentials are exempt: a trickle-ICE offer has c=0.0.0.0 before gathering.
Direction effective_direction(const SessionDescription& sd, const MediaDescription& media);

// True when the sender of `sd` puts this stream on hold: it no longer wants to receive
// (sendonly, inactive, or c=0.0.0.0). A disabled (port 0) section is not a hold.
bool is_hold(const SessionDescription& sd, const MediaDescription& media);

// The answer's m= line for a rejected offered section (RFC 3264 §6): same media and proto, port
// 0, the offered formats (at least one is required by the grammar), and the mid so that BUNDLE
// answers stay aligned (RFC 8843 §7.3.3).
MediaDescription rejected_media(const MediaDescription& offered);

}  // namespace tandem::sdp
