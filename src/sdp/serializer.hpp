// serialize_sdp: SessionDescription to text, CRLF line endings, RFC 8866 line order.
#pragma once

#include <string>

#include "sdp/session_description.hpp"

namespace tandem::sdp {

// Writes v=0 first, then o, s, i, u, e, p, c, b, t (+r), z, k, a, then each media section as
// m, i, c, b, k, a. An empty `times` is written as "t=0 0" so the output is always valid; a
// parsed description re-serializes to the same lines as its input otherwise.
std::string serialize_sdp(const SessionDescription& sd);

// "name" or "name:value", the text after "a=".
std::string to_string(const Attribute& attribute);

// The text after "m=".
std::string media_line(const MediaDescription& media);

}  // namespace tandem::sdp
