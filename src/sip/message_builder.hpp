// Messages derived from other messages: responses to requests (RFC 3261 §8.2.6) and the ACK for
// a non-2xx final response (§17.1.1.3).
#pragma once

#include <string>
#include <string_view>

#include "sip/message.hpp"

namespace tandem::sip {

// A response carrying the request's Via (all, in order), From, To, Call-ID and CSeq. `to_tag` is
// added to To when the request's To has none and the status is above 100.
Message make_response(const Message& request, int status, std::string_view reason = {},
                      std::string_view to_tag = {});

// The ACK the INVITE client transaction sends for a 300-699 response: same Request-URI, Call-ID,
// From and CSeq number, To from the response, only the top Via, the request's Route headers.
Message make_ack_for_failure(const Message& invite, const Message& response);

// A random token for branch parameters (after the "z9hG4bK" magic cookie) and tags.
std::string random_token(size_t length = 16);

}  // namespace tandem::sip
