// Typed queries over a parsed description: what a gateway asks of an offer or answer. Values
// are parsed on demand from the generic attributes; malformed lines are skipped (use the
// parse_* functions directly to be strict). Where RFCs allow an attribute at either level, the
// media-level value wins and the session-level one is the fallback.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/candidate.hpp"
#include "sdp/crypto.hpp"
#include "sdp/rtp_attributes.hpp"
#include "sdp/session_description.hpp"
#include "sdp/transport_attributes.hpp"

namespace tandem::sdp {

// The media-level value of `name`, else the session-level value.
std::optional<std::string_view> media_or_session_value(const SessionDescription& sd,
                                                       const MediaDescription& media,
                                                       std::string_view name);

// Direction of the media section, else of the session, else sendrecv (RFC 3264 §5.1).
Direction direction(const SessionDescription& sd, const MediaDescription& media);
// Replaces the media section's direction attribute in place (or appends one).
void set_direction(MediaDescription& media, Direction direction);

std::optional<Fingerprint> fingerprint(const SessionDescription& sd, const MediaDescription& media);
std::optional<Setup> setup(const SessionDescription& sd, const MediaDescription& media);

struct IceParameters {
  std::string ufrag;
  std::string pwd;
  std::vector<std::string> options;  // "trickle", "ice2", ...
  bool lite = false;                 // a=ice-lite (session level)

  bool operator==(const IceParameters&) const = default;
};
// Present only when both ice-ufrag and ice-pwd are found (at either level).
std::optional<IceParameters> ice_parameters(const SessionDescription& sd,
                                            const MediaDescription& media);
std::vector<Candidate> candidates(const MediaDescription& media);
bool end_of_candidates(const SessionDescription& sd, const MediaDescription& media);

std::vector<Group> groups(const SessionDescription& sd);
// The mids of the first a=group:BUNDLE, empty if there is none.
std::vector<std::string> bundle_mids(const SessionDescription& sd);

// Session-level extmaps followed by media-level ones (RFC 8285 allows both).
std::vector<Extmap> extmaps(const SessionDescription& sd, const MediaDescription& media);
bool extmap_allow_mixed(const SessionDescription& sd, const MediaDescription& media);

std::vector<Ssrc> ssrcs(const MediaDescription& media);
std::vector<SsrcGroup> ssrc_groups(const MediaDescription& media);
std::optional<Msid> msid(const MediaDescription& media);
std::vector<Crypto> cryptos(const MediaDescription& media);
std::optional<Rtcp> rtcp(const MediaDescription& media);
std::optional<uint32_t> ptime(const MediaDescription& media);
std::optional<uint32_t> maxptime(const MediaDescription& media);
bool rtcp_mux(const MediaDescription& media);
bool rtcp_rsize(const MediaDescription& media);
std::optional<uint16_t> sctp_port(const MediaDescription& media);
std::optional<uint64_t> max_message_size(const MediaDescription& media);

}  // namespace tandem::sdp
