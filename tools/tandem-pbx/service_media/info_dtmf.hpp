// The digit in a SIP INFO body, for the 602 service (and the gateway's INFO → RFC 4733 mapping
// later): `application/dtmf-relay` (the de-facto Cisco format, "Signal=5\r\nDuration=160") and
// `application/dtmf` (a bare digit). Signal may also be the RFC 4733 event code (10 for '*',
// 11 for '#', 12-15 for A-D), which several phones send. Pure text, no SIP types: the SIP side
// passes the Content-Type value (parameters allowed) and the body.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tandem::pbx {

struct InfoDigit {
  char digit = '\0';         // '0'-'9', '*', '#', 'A'-'D'
  uint32_t duration_ms = 0;  // 0 when the body gives none
  bool operator==(const InfoDigit&) const = default;
};

// Empty when the content type is neither of the two, or the body carries no valid digit.
std::optional<InfoDigit> parse_info_dtmf(std::string_view content_type, std::string_view body);

}  // namespace tandem::pbx
