// Typed views of the RTP-related attributes: rtpmap, fmtp, rtcp-fb, extmap, ssrc, ssrc-group,
// msid, rtcp, ptime/maxptime and the direction attributes. Each parse_* takes the attribute value
// (the text after "a=<name>:") and each to_string builds it back. Errors carry the reason only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace tandem::sdp {

// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>]
struct Rtpmap {
  uint8_t payload_type = 0;  // 0-127
  std::string encoding;      // case as received ("opus", "PCMU", "telephone-event")
  uint32_t clock_rate = 0;
  std::optional<uint32_t> channels;

  bool operator==(const Rtpmap&) const = default;
};
Result<Rtpmap> parse_rtpmap(std::string_view value);
std::string to_string(const Rtpmap& rtpmap);

// a=fmtp:<format> <format specific parameters>; parameters kept verbatim.
struct Fmtp {
  std::string format;
  std::string parameters;

  bool operator==(const Fmtp&) const = default;
};
Result<Fmtp> parse_fmtp(std::string_view value);
std::string to_string(const Fmtp& fmtp);

// One "name=value" of a ';'-separated fmtp parameter string; a bare "0-15" has no value.
struct FmtpParameter {
  std::string name;
  std::optional<std::string> value;

  bool operator==(const FmtpParameter&) const = default;
};
std::vector<FmtpParameter> parse_fmtp_parameters(std::string_view parameters);
std::string to_string(const std::vector<FmtpParameter>& parameters);
// Value of parameter `name` (ASCII case-insensitive) in a ';'-separated parameter string.
std::optional<std::string> fmtp_parameter(std::string_view parameters, std::string_view name);

// a=rtcp-fb:<format or *> <type> [<parameters>] (RFC 4585), e.g. "96 nack pli".
struct RtcpFb {
  std::string format;  // payload type or "*"
  std::string type;    // nack, ccm, goog-remb, transport-cc, trr-int, ...
  std::optional<std::string> parameters;

  bool operator==(const RtcpFb&) const = default;
};
Result<RtcpFb> parse_rtcp_fb(std::string_view value);
std::string to_string(const RtcpFb& fb);

// a=sendrecv / sendonly / recvonly / inactive (RFC 3264); absent means sendrecv.
enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };
std::optional<Direction> parse_direction(std::string_view name);
std::string_view to_string(Direction direction);
// The direction the other side sees: sendonly <-> recvonly.
Direction reverse(Direction direction);

// a=extmap:<id>[/<direction>] <uri> [<extension attributes>] (RFC 8285).
struct Extmap {
  uint16_t id = 0;  // 1-14 one-byte, 1-255 two-byte, 4096-4351 for negotiation
  std::optional<Direction> direction;
  std::string uri;
  std::optional<std::string> attributes;

  bool operator==(const Extmap&) const = default;
};
Result<Extmap> parse_extmap(std::string_view value);
std::string to_string(const Extmap& extmap);

// a=ssrc:<ssrc-id> <attribute>[:<value>] (RFC 5576), e.g. "1234 cname:abc".
struct Ssrc {
  uint32_t id = 0;
  std::string attribute;
  std::optional<std::string> value;

  bool operator==(const Ssrc&) const = default;
};
Result<Ssrc> parse_ssrc(std::string_view value);
std::string to_string(const Ssrc& ssrc);

// a=ssrc-group:<semantics> <ssrc-id>... (RFC 5576), e.g. "FID 1 2".
struct SsrcGroup {
  std::string semantics;
  std::vector<uint32_t> ssrcs;

  bool operator==(const SsrcGroup&) const = default;
};
Result<SsrcGroup> parse_ssrc_group(std::string_view value);
std::string to_string(const SsrcGroup& group);

// a=msid:<stream id> [<track id>] (RFC 8830).
struct Msid {
  std::string stream_id;
  std::optional<std::string> track_id;

  bool operator==(const Msid&) const = default;
};
Result<Msid> parse_msid(std::string_view value);
std::string to_string(const Msid& msid);

// a=rtcp:<port> [<nettype> <addrtype> <connection-address>] (RFC 3605).
struct Rtcp {
  uint16_t port = 0;
  std::optional<std::string> net_type;
  std::optional<std::string> address_type;
  std::optional<std::string> address;

  bool operator==(const Rtcp&) const = default;
};
Result<Rtcp> parse_rtcp(std::string_view value);
std::string to_string(const Rtcp& rtcp);

// a=ptime / a=maxptime in whole milliseconds (fractions like "0.125" are refused).
Result<uint32_t> parse_ptime(std::string_view value);

}  // namespace tandem::sdp
