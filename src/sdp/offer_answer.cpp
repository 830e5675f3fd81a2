#include "sdp/offer_answer.hpp"

#include <string_view>

#include "common/text.hpp"
#include "sdp/accessors.hpp"

namespace tandem::sdp {
namespace {

// Does an RFC 4733 event list ("0-15,66,70" or "0-16") cover every event in [first, last]?
bool covers_events(std::string_view list, uint32_t first, uint32_t last) {
  uint32_t next = first;  // the lowest event not yet covered
  bool progressed = true;
  while (progressed && next <= last) {
    progressed = false;
    std::string_view rest = list;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      const std::string_view item = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      const size_t dash = item.find('-');
      const auto lo = parse_uint(item.substr(0, dash), 255);
      const auto hi = dash == std::string_view::npos ? lo : parse_uint(item.substr(dash + 1), 255);
      if (!lo || !hi || *lo > *hi) continue;
      if (*lo <= next && next <= *hi) {
        next = static_cast<uint32_t>(*hi) + 1;
        progressed = true;
      }
    }
  }
  return next > last;
}

bool fmtp_compatible(const Codec& codec) {
  if (iequals(codec.name, "telephone-event")) {
    if (!codec.fmtp) return true;
    const std::string_view params = trim(*codec.fmtp);
    // The fmtp of telephone-event is the bare event list; tolerate "events=" spellings too.
    const auto named = fmtp_parameter(params, "events");
    return covers_events(named ? std::string_view(*named) : params, 0, 15);
  }
  return true;
}

bool receives(Direction d) { return d == Direction::kSendRecv || d == Direction::kRecvOnly; }
bool sends(Direction d) { return d == Direction::kSendRecv || d == Direction::kSendOnly; }

Direction from_halves(bool send, bool receive) {
  if (send && receive) return Direction::kSendRecv;
  if (send) return Direction::kSendOnly;
  if (receive) return Direction::kRecvOnly;
  return Direction::kInactive;
}

bool is_null_address(const std::optional<Connection>& c) {
  return c && c->address_type == "IP4" && c->address == "0.0.0.0";
}

}  // namespace

bool codec_matches(const Codec& codec, const CodecPreference& preference) {
  return iequals(codec.name, preference.name) && codec.clock_rate == preference.clock_rate &&
         codec.channels.value_or(1) == preference.channels.value_or(1) && fmtp_compatible(codec);
}

std::optional<Codec> find_codec(const std::vector<Codec>& codecs,
                                const CodecPreference& preference) {
  for (const Codec& codec : codecs) {
    if (codec_matches(codec, preference)) return codec;
  }
  return std::nullopt;
}

std::vector<Codec> intersect_codecs(const std::vector<Codec>& offered,
                                    const std::vector<CodecPreference>& preferences) {
  std::vector<Codec> out;
  for (const CodecPreference& preference : preferences) {
    auto codec = find_codec(offered, preference);
    if (!codec) continue;
    bool duplicate = false;
    for (const Codec& c : out) duplicate = duplicate || c.payload_type == codec->payload_type;
    if (!duplicate) out.push_back(std::move(*codec));
  }
  return out;
}

Direction answer_direction(Direction offered, Direction local) {
  return from_halves(receives(offered) && sends(local), sends(offered) && receives(local));
}

Direction effective_direction(const SessionDescription& sd, const MediaDescription& media) {
  const Direction signalled = direction(sd, media);
  const std::optional<Connection>& c = media.connection ? media.connection : sd.connection;
  // With ICE, c=0.0.0.0 (port 9) only says "no candidates yet" (RFC 8840 §4.1.1), not hold.
  if (!is_null_address(c) || ice_parameters(sd, media)) return signalled;
  return from_halves(sends(signalled), false);
}

bool is_hold(const SessionDescription& sd, const MediaDescription& media) {
  return !media.is_disabled() && !receives(effective_direction(sd, media));
}

MediaDescription rejected_media(const MediaDescription& offered) {
  MediaDescription m;
  m.media = offered.media;
  m.port = 0;
  m.proto = offered.proto;
  m.formats = offered.formats;
  if (m.formats.empty()) m.formats.push_back(offered.is_rtp() ? "0" : "*");
  if (const auto mid = offered.mid()) m.attributes.add("mid", std::string(*mid));
  return m;
}

}  // namespace tandem::sdp
