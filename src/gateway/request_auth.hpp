// Finds and verifies the token of an HTTP request or WebSocket upgrade: `Authorization: Bearer`
// (RFC 6750 §2.1) first, else the `token` query parameter (§2.3; browsers cannot set headers on
// a WebSocket; RFC 6750's own name `access_token` is accepted too). One call serves both edges: the
// /api handlers and the SIP WebSocket upgrade hook pass the request target and the Authorization
// value and get an identity or a rejection with the HTTP status and WWW-Authenticate value to
// answer with.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/token_verifier.hpp"

namespace tandem::gateway {

// The token from the Authorization value or from `token=` in the target's query (target may be a
// whole "/path?query" or just the query). Empty optional when neither carries one.
std::optional<std::string> find_request_token(std::string_view target,
                                              std::string_view authorization);

struct RequestAuth {
  TokenResult result;
  unsigned http_status = 200;    // 200 when accepted, else 401
  std::string www_authenticate;  // RFC 6750 §3 challenge for a 401, empty otherwise
};

RequestAuth authenticate_request(const TokenVerifier& verifier, std::string_view target,
                                 std::string_view authorization, WallTime now);

// The body of a refusal: {"error":"<reason code>","detail":"..."} (never the token). Browsers
// cannot read a refused WebSocket upgrade, but /api/ice-servers shows them this (DESIGN.md §1).
std::string rejection_json(const TokenRejection& rejection);

}  // namespace tandem::gateway
