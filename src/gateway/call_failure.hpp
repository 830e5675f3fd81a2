// How a failed leg is reported on the other leg of a B2BUA call: which status the caller gets for
// the callee's final failure, and the Reason header (RFC 3326) that says what really happened.
#pragma once

#include <string>
#include <string_view>

#include "sip/message.hpp"

namespace tandem::gateway {

struct MappedFailure {
  int status = 500;
  std::string reason;  // the Reason header value
};

// Which side failed: the PBX (caller is a browser) or the browser (caller is the PBX).
enum class FailedLeg { kPbx, kBrowser };

// The status for the caller and a Reason for `response`, the callee's final failure. Responses the
// user agent made up itself (no To tag: timeout, transport failure) become 408/503 toward a
// browser and 480 toward the PBX (the browser is unreachable); statuses that only concern the
// callee leg (Digest challenges, extensions) are not passed on as such.
MappedFailure map_failure(const sip::Message& response, FailedLeg leg);

// `SIP ;cause=486 ;text="Busy Here"` (RFC 3326 §2); the text is sanitised into a quoted string.
std::string sip_reason(int cause, std::string_view text);
// `Q.850 ;cause=41 ;text="..."`, for calls that end without a SIP cause (media lost).
std::string q850_reason(int cause, std::string_view text);

}  // namespace tandem::gateway
