// Replies that need no transaction: the answer to a request the parser rejected (RFC 3261 §8.2,
// §16.3), and the Via bookkeeping a server does for every request it receives (§18.2.1, RFC 3581).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "sip/message.hpp"

namespace tandem::sip {

// "SIP/2.0 400 Bad Request (line L, column C: reason)" with the request's Via, From, To (tagged),
// Call-ID and CSeq lines copied as written, so the sender can match it to its request. Empty when
// the bytes are not a request, are an ACK (never answered), or lack those headers: the request is
// then dropped. The status is error.status, or 400.
std::optional<std::string> stateless_error_response(std::string_view raw, const Error& error);

// §18.2.1 and RFC 3581 §4: adds `received` when the top Via's sent-by differs from the source
// address (always when `rport` is present) and fills an empty `rport` with the source port.
void stamp_top_via(Message& request, std::string_view source_ip, uint16_t source_port);

// Where a response goes over an unreliable transport (§18.2.2, RFC 3581 §4): maddr, else
// received (with rport when present), else the sent-by host and port (default 5060).
struct ResponseTarget {
  std::string host;
  uint16_t port = 5060;
};
Result<ResponseTarget> response_target(const Message& response);

}  // namespace tandem::sip
