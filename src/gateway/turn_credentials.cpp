#include "gateway/turn_credentials.hpp"

#include "common/hmac_sha1.hpp"
#include "gateway/base64.hpp"

namespace tandem::gateway {

Result<TurnCredential> make_turn_credential(std::string_view secret, std::string_view user,
                                            WallTime expires) {
  if (secret.empty()) return Error{"the TURN secret is empty"};
  const int64_t expiry =
      std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  TurnCredential out;
  out.username = std::to_string(expiry) + ":" + std::string(user);
  auto hmac = HmacSha1::create(secret);
  if (!hmac) return hmac.error();
  HmacSha1::Digest digest{};
  const std::string_view name = out.username;
  if (!hmac->compute(std::span(reinterpret_cast<const uint8_t*>(name.data()),  // NOLINT
                               name.size()),
                     {}, digest)) {
    return Error{"OpenSSL HMAC-SHA1 failed"};
  }
  out.credential = base64_encode(digest);
  return out;
}

}  // namespace tandem::gateway
