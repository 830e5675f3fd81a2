// Verifies the JWT (RFC 7519, JWS compact serialization RFC 7515) a browser presents at the
// WebSocket upgrade and at GET /api/ice-servers. The signature is checked with the one key
// configured for the header's `alg` before any claim is read; then `exp` (required), `nbf` and
// `iat` (optional) against the caller's `now` with a configured skew, `aud` (a string or an array
// that must contain our audience), `sub` (required: the SIP identity) and the optional `allow`
// list (the destinations this token may call). Rejections carry a reason code and a detail text
// that never contains the token itself.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.hpp"
#include "gateway/jwt_key.hpp"

namespace tandem::gateway {

// JWT times are wall-clock (seconds since the Unix epoch), unlike the protocol timers' steady
// clock: callers pass `now` from an injectable source.
using WallClock = std::chrono::system_clock;
using WallTime = WallClock::time_point;

enum class TokenFailure {
  kMissing,               // no token in the request
  kMalformed,             // not three base64url segments of JSON objects, bad claim types, too big
  kUnsupportedAlgorithm,  // `alg` is none, unknown, or has no configured key
  kBadSignature,
  kExpired,
  kNotYetValid,    // nbf (or iat) in the future beyond the skew
  kWrongAudience,  // aud missing or not ours
  kMissingSubject,
};

// Stable machine-readable code: "missing_token", "malformed", "unsupported_alg",
// "bad_signature", "expired", "not_yet_valid", "wrong_audience", "missing_sub".
std::string_view reason_code(TokenFailure failure);

struct TokenRejection {
  TokenFailure failure = TokenFailure::kMalformed;
  std::string detail;  // for humans and logs; never the token

  // "<code>: <detail>".
  std::string describe() const;
};

struct TokenIdentity {
  std::string subject;  // `sub`: the SIP user this connection may act as
  // `allow`: destinations this token may call; empty optional = no restriction.
  std::optional<std::vector<std::string>> allow;
  WallTime expires;
  JwtAlgorithm algorithm = JwtAlgorithm::kHs256;

  // True when there is no allow-list or `destination` is on it (exact match).
  bool may_call(std::string_view destination) const;
};

class [[nodiscard]] TokenResult {
 public:
  TokenResult(TokenIdentity identity) : state_(std::move(identity)) {}     // NOLINT: implicit
  TokenResult(TokenRejection rejection) : state_(std::move(rejection)) {}  // NOLINT: implicit

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const TokenIdentity& identity() const { return std::get<0>(state_); }
  const TokenRejection& rejection() const { return std::get<1>(state_); }

 private:
  std::variant<TokenIdentity, TokenRejection> state_;
};

struct TokenVerifierConfig {
  std::vector<JwtKey> keys;  // at most one per algorithm; private keys verify too
  std::string audience;      // required in every token's `aud`
  std::chrono::seconds clock_skew{30};
  size_t max_token_size = 8192;  // longer input is refused before decoding
};

class TokenVerifier {
 public:
  // Errors: no key, two keys for one algorithm, empty audience, negative skew.
  static Result<TokenVerifier> create(TokenVerifierConfig config);

  TokenResult verify(std::string_view token, WallTime now) const;

  const std::string& audience() const { return config_.audience; }

 private:
  explicit TokenVerifier(TokenVerifierConfig config) : config_(std::move(config)) {}
  const JwtKey* key_for(JwtAlgorithm alg) const;

  TokenVerifierConfig config_;
};

}  // namespace tandem::gateway
