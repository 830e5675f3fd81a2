// parse_sdp: text to SessionDescription, tolerant of what real browsers and PBXs send.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/result.hpp"
#include "sdp/session_description.hpp"

namespace tandem::sdp {

// Bounds on untrusted input. A 3-track browser offer is ~6 KB and 180 lines; the defaults leave
// room for large simulcast offers while capping memory per message.
struct SdpLimits {
  size_t max_bytes = size_t{256} * 1024;
  size_t max_lines = 8192;
  size_t max_media = 128;
};

// Parses an SDP. Accepts CRLF or bare LF line endings, blank lines, trailing spaces, doubled
// spaces between fields, a missing s= (becomes "-") or t= (becomes "0 0"), and session-level
// lines in any order after o= (they are re-serialized in RFC order).
// Rejects what no peer should send: no leading v=0 and o=, unknown line types, a repeated
// single-occurrence line (s, i, u, c, z, k), session-only lines inside a media section, NUL or
// stray CR bytes. Errors carry the 1-based line and column. Never throws.
Result<SessionDescription> parse_sdp(std::string_view text, const SdpLimits& limits = {});

// Parses the text after "a=" into an attribute (name up to the first ':', the rest verbatim).
// Error columns are 1-based within `text`.
Result<Attribute> parse_attribute(std::string_view text);

}  // namespace tandem::sdp
