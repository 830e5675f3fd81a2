// SessionDescription: an owned, mutable SDP (RFC 8866) that a gateway can parse, rewrite and
// serialize back. Session-level lines are typed fields; a= lines stay generic and ordered.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/attribute_list.hpp"
#include "sdp/fields.hpp"
#include "sdp/media_description.hpp"

namespace tandem::sdp {

struct SessionDescription {
  // v= is always 0 (the only version defined); it is not stored.
  Origin origin;
  std::string session_name = "-";          // s=; "-" when a sloppy peer omitted the line
  std::optional<std::string> information;  // i=
  std::optional<std::string> uri;          // u=
  std::vector<std::string> emails;         // e=
  std::vector<std::string> phones;         // p=
  std::optional<Connection> connection;
  std::vector<Bandwidth> bandwidths;
  std::vector<Timing> times;  // parse_sdp supplies "t=0 0" when missing; empty is written so
  std::vector<TimeZoneAdjustment> time_zones;  // z=
  std::optional<std::string> key;              // k= (obsolete, kept for round trip)
  AttributeList attributes;
  std::vector<MediaDescription> media;

  // The m= section whose a=mid is `mid`, or null.
  const MediaDescription* find_media_by_mid(std::string_view mid) const;
  MediaDescription* find_media_by_mid(std::string_view mid);

  bool operator==(const SessionDescription&) const = default;
};

}  // namespace tandem::sdp
