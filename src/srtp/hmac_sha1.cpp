#include "srtp/hmac_sha1.hpp"

#include <openssl/core_names.h>

#include <cstring>

namespace tandem::srtp {

Result<HmacSha1> HmacSha1::create(std::span<const uint8_t> key) {
  MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) return Error{"EVP_MAC HMAC unavailable"};
  MacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));  // the context holds its own reference to mac
  char digest[] = "SHA1";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  if (!ctx || EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1) {
    return Error{"EVP_MAC HMAC-SHA1 initialisation failed"};
  }
  return HmacSha1(std::move(ctx));
}

bool HmacSha1::compute(std::span<const uint8_t> part1, std::span<const uint8_t> part2,
                       std::span<uint8_t> out) noexcept {
  if (out.size() > kDigestLen) return false;
  // A null key restarts HMAC with the key already set. OpenSSL 3.0 copies its inner/outer digest
  // states here, which costs two small OpenSSL heap allocations per call (measured; see tests).
  EVP_MAC_CTX* ctx = ctx_.get();
  uint8_t digest[kDigestLen];
  size_t len = 0;
  if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(ctx, part1.data(), part1.size()) != 1 ||
      EVP_MAC_update(ctx, part2.data(), part2.size()) != 1 ||
      EVP_MAC_final(ctx, digest, &len, sizeof digest) != 1 || len != kDigestLen) {
    return false;
  }
  std::memcpy(out.data(), digest, out.size());
  return true;
}

}  // namespace tandem::srtp
