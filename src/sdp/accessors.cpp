#include "sdp/accessors.hpp"

namespace tandem::sdp {
namespace {

// Parses every `name` line with `parse`, keeping the ones that parse.
template <typename T, typename Parse>
void parse_all(const AttributeList& list, std::string_view name, Parse parse, std::vector<T>& out) {
  for (std::string_view value : list.values(name)) {
    Result<T> parsed = parse(value);
    if (parsed) out.push_back(std::move(parsed).value());
  }
}

template <typename T, typename Parse>
std::vector<T> parse_all(const AttributeList& list, std::string_view name, Parse parse) {
  std::vector<T> out;
  parse_all(list, name, parse, out);
  return out;
}

// First `name` line that parses, or nothing.
template <typename T, typename Parse>
std::optional<T> parse_first(const AttributeList& list, std::string_view name, Parse parse) {
  for (std::string_view value : list.values(name)) {
    Result<T> parsed = parse(value);
    if (parsed) return std::move(parsed).value();
  }
  return std::nullopt;
}

std::optional<Direction> direction_of(const AttributeList& list) {
  for (const Attribute& a : list) {
    if (a.value) continue;
    if (const auto d = parse_direction(a.name)) return d;
  }
  return std::nullopt;
}

bool is_direction(const Attribute& a) { return !a.value && parse_direction(a.name).has_value(); }

}  // namespace

std::optional<std::string_view> media_or_session_value(const SessionDescription& sd,
                                                       const MediaDescription& media,
                                                       std::string_view name) {
  if (auto value = media.attributes.value(name)) return value;
  return sd.attributes.value(name);
}

Direction direction(const SessionDescription& sd, const MediaDescription& media) {
  if (const auto d = direction_of(media.attributes)) return *d;
  return direction_of(sd.attributes).value_or(Direction::kSendRecv);
}

void set_direction(MediaDescription& media, Direction direction) {
  // At most one direction line per section: drop any extra a sloppy peer sent, rename the first.
  bool first = true;
  media.attributes.remove_if([&first](const Attribute& a) {
    if (!is_direction(a)) return false;
    const bool extra = !first;
    first = false;
    return extra;
  });
  const std::string name(to_string(direction));
  for (Attribute& a : media.attributes) {
    if (is_direction(a)) {
      a.name = name;
      return;
    }
  }
  media.attributes.add(name);
}

std::optional<Fingerprint> fingerprint(const SessionDescription& sd,
                                       const MediaDescription& media) {
  if (auto f = parse_first<Fingerprint>(media.attributes, "fingerprint", parse_fingerprint)) {
    return f;
  }
  return parse_first<Fingerprint>(sd.attributes, "fingerprint", parse_fingerprint);
}

std::optional<Setup> setup(const SessionDescription& sd, const MediaDescription& media) {
  const auto value = media_or_session_value(sd, media, "setup");
  return value ? parse_setup(*value) : std::nullopt;
}

std::optional<IceParameters> ice_parameters(const SessionDescription& sd,
                                            const MediaDescription& media) {
  const auto ufrag = media_or_session_value(sd, media, "ice-ufrag");
  const auto pwd = media_or_session_value(sd, media, "ice-pwd");
  if (!ufrag || !pwd) return std::nullopt;
  IceParameters ice{std::string(*ufrag), std::string(*pwd), {}, sd.attributes.has("ice-lite")};
  if (const auto options = media_or_session_value(sd, media, "ice-options")) {
    ice.options = parse_ice_options(*options);
  }
  return ice;
}

std::vector<Candidate> candidates(const MediaDescription& media) {
  return parse_all<Candidate>(media.attributes, "candidate", parse_candidate);
}

bool end_of_candidates(const SessionDescription& sd, const MediaDescription& media) {
  return media.attributes.has("end-of-candidates") || sd.attributes.has("end-of-candidates");
}

std::vector<Group> groups(const SessionDescription& sd) {
  return parse_all<Group>(sd.attributes, "group", parse_group);
}

std::vector<std::string> bundle_mids(const SessionDescription& sd) {
  for (Group& g : groups(sd)) {
    if (g.semantics == "BUNDLE") return std::move(g.mids);
  }
  return {};
}

std::vector<Extmap> extmaps(const SessionDescription& sd, const MediaDescription& media) {
  std::vector<Extmap> out = parse_all<Extmap>(sd.attributes, "extmap", parse_extmap);
  parse_all(media.attributes, "extmap", parse_extmap, out);
  return out;
}

bool extmap_allow_mixed(const SessionDescription& sd, const MediaDescription& media) {
  return media.attributes.has("extmap-allow-mixed") || sd.attributes.has("extmap-allow-mixed");
}

std::vector<Ssrc> ssrcs(const MediaDescription& media) {
  return parse_all<Ssrc>(media.attributes, "ssrc", parse_ssrc);
}

std::vector<SsrcGroup> ssrc_groups(const MediaDescription& media) {
  return parse_all<SsrcGroup>(media.attributes, "ssrc-group", parse_ssrc_group);
}

std::optional<Msid> msid(const MediaDescription& media) {
  return parse_first<Msid>(media.attributes, "msid", parse_msid);
}

std::vector<Crypto> cryptos(const MediaDescription& media) {
  return parse_all<Crypto>(media.attributes, "crypto", parse_crypto);
}

std::optional<Rtcp> rtcp(const MediaDescription& media) {
  return parse_first<Rtcp>(media.attributes, "rtcp", parse_rtcp);
}

std::optional<uint32_t> ptime(const MediaDescription& media) {
  return parse_first<uint32_t>(media.attributes, "ptime", parse_ptime);
}

std::optional<uint32_t> maxptime(const MediaDescription& media) {
  return parse_first<uint32_t>(media.attributes, "maxptime", parse_ptime);
}

bool rtcp_mux(const MediaDescription& media) { return media.attributes.has("rtcp-mux"); }

bool rtcp_rsize(const MediaDescription& media) { return media.attributes.has("rtcp-rsize"); }

std::optional<uint16_t> sctp_port(const MediaDescription& media) {
  return parse_first<uint16_t>(media.attributes, "sctp-port", parse_sctp_port);
}

std::optional<uint64_t> max_message_size(const MediaDescription& media) {
  return parse_first<uint64_t>(media.attributes, "max-message-size", parse_max_message_size);
}

}  // namespace tandem::sdp
