#include "gateway/token_minter.hpp"

#include <nlohmann/json.hpp>

#include "gateway/base64.hpp"
#include "gateway/jws.hpp"

namespace tandem::gateway {

Result<std::string> mint_token(const JwtKey& key, const TokenClaims& claims, WallTime now) {
  if (!key.can_sign()) return Error{"the configured key cannot sign: a private key is needed"};
  if (claims.subject.empty()) return Error{"the subject must not be empty"};
  if (claims.audience.empty()) return Error{"the audience must not be empty"};
  if (claims.ttl.count() <= 0) return Error{"the ttl must be positive"};
  const int64_t iat =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  nlohmann::json payload = {{"sub", claims.subject},
                            {"aud", claims.audience},
                            {"iat", iat},
                            {"exp", iat + claims.ttl.count()}};
  if (claims.allow) {
    for (const std::string& entry : *claims.allow) {
      if (entry.empty()) return Error{"an allow entry must not be empty"};
    }
    payload["allow"] = *claims.allow;
  }
  const nlohmann::json header = {{"alg", std::string(to_string(key.algorithm()))}, {"typ", "JWT"}};
  std::string input = base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
  auto signature = jws_sign(key, input);
  if (!signature) return signature.error();
  return input + "." + base64url_encode(*signature);
}

}  // namespace tandem::gateway
