// MediaDescription: one m= section and the lines that belong to it (RFC 8866 §5.14).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/attribute_list.hpp"
#include "sdp/fields.hpp"

namespace tandem::sdp {

struct MediaDescription {
  std::string media = "audio";  // audio, video, application, text, message, ...
  uint16_t port = 9;
  std::optional<uint16_t> port_count;  // m=<media> <port>/<number of ports> ...
  std::string proto = "RTP/AVP";
  std::vector<std::string> formats;  // payload types for RTP, else e.g. "webrtc-datachannel"

  std::optional<std::string> title;  // i=
  std::optional<Connection> connection;
  std::vector<Bandwidth> bandwidths;
  std::optional<std::string> key;  // k= (obsolete, kept for round trip)
  AttributeList attributes;

  // The a=mid value, if any.
  std::optional<std::string_view> mid() const { return attributes.value("mid"); }
  // True for RTP-based protocols (RTP/AVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF, ...).
  bool is_rtp() const;
  // Port 0 marks a rejected or disabled stream (RFC 3264 §6).
  bool is_disabled() const { return port == 0; }

  bool operator==(const MediaDescription&) const = default;
};

}  // namespace tandem::sdp
