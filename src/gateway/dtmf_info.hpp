// DTMF carried in SIP INFO (what JsSIP and SIP.js send): `application/dtmf-relay` bodies
// ("Signal=5\r\nDuration=160") and `application/dtmf` bodies ("5").
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace tandem::gateway {

struct DtmfDigit {
  char digit = '0';  // 0-9, *, #, A-D
  std::chrono::milliseconds duration{160};
};

// The digit of an INFO body of `content_type`; nullopt for other types and malformed bodies.
// Durations are clamped to 40..5000 ms; missing ones are 160 ms.
std::optional<DtmfDigit> parse_dtmf_info(std::string_view content_type, std::string_view body);

}  // namespace tandem::gateway
