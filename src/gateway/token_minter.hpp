// Mints JWTs for development, tests and (later) the demo login page: HS256 from the shared
// secret, RS256/ES256 from a private key. Claims: sub, aud, iat, exp and an optional allow list.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "gateway/jwt_key.hpp"
#include "gateway/token_verifier.hpp"

namespace tandem::gateway {

struct TokenClaims {
  std::string subject;
  std::string audience;
  std::chrono::seconds ttl{3600};
  std::optional<std::vector<std::string>> allow;
};

// The compact JWS "header.payload.signature". Errors: a key that cannot sign, empty sub or aud,
// a non-positive ttl, an empty allow entry.
Result<std::string> mint_token(const JwtKey& key, const TokenClaims& claims, WallTime now);

}  // namespace tandem::gateway
