// JWS signatures (RFC 7515, algorithms of RFC 7518 §3) over OpenSSL EVP: HMAC-SHA256,
// RSASSA-PKCS1-v1_5 with SHA-256 and ECDSA P-256 with SHA-256. ES256 signatures travel as the raw
// 64-byte R||S (RFC 7518 §3.4); OpenSSL speaks DER, so they are converted both ways here.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "gateway/jwt_key.hpp"

namespace tandem::gateway {

// The signature of `signing_input` (BASE64URL(header) "." BASE64URL(payload)).
Result<std::vector<uint8_t>> jws_sign(const JwtKey& key, std::string_view signing_input);

// True only when `signature` is a valid signature of `signing_input` under `key` for the key's
// algorithm. Comparisons of MACs are constant-time.
bool jws_verify(const JwtKey& key, std::string_view signing_input,
                std::span<const uint8_t> signature);

}  // namespace tandem::gateway
