// The codec list of an RTP m= section: rtpmap + fmtp + rtcp-fb joined by payload type, with the
// RFC 3551 defaults for static payload types that come without an rtpmap.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sdp/media_description.hpp"
#include "sdp/rtp_attributes.hpp"

namespace tandem::sdp {

struct Codec {
  uint8_t payload_type = 0;
  std::string name;  // encoding name as received ("opus", "PCMU")
  uint32_t clock_rate = 0;
  std::optional<uint32_t> channels;
  std::optional<std::string> fmtp;  // the parameters of a=fmtp for this payload type
  std::vector<RtcpFb> feedback;     // a=rtcp-fb for this payload type or "*"
  bool from_static_table = false;   // no a=rtpmap; defaults from RFC 3551

  bool operator==(const Codec&) const = default;
};

// RFC 3551 §6 static payload types (0 PCMU, 8 PCMA, 9 G722, 18 G729, ...).
std::optional<Rtpmap> static_rtpmap(uint8_t payload_type);

// Codecs in m= line order. Formats that are neither numeric 0-127 nor described (dynamic without
// rtpmap) are skipped; malformed rtpmap/fmtp/rtcp-fb lines are ignored. Empty for non-RTP media.
std::vector<Codec> codecs(const MediaDescription& media);

// Keeps only the listed payload types (in their existing m= order) and drops the rtpmap, fmtp
// and rtcp-fb lines of the others; other attributes stay in place.
void retain_payload_types(MediaDescription& media, const std::vector<uint8_t>& keep);

// Appends a codec: its payload type to the m= line, then a=rtpmap, a=rtcp-fb..., a=fmtp lines.
void add_codec(MediaDescription& media, const Codec& codec);

}  // namespace tandem::sdp
