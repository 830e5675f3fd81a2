#include "srtp/prekeyed_hmac.hpp"

#include <openssl/crypto.h>

namespace tandem::srtp {

Result<PrekeyedHmacSha1> PrekeyedHmacSha1::create(std::span<const uint8_t> key) {
  PrekeyedHmacSha1 hmac;
  hmac_sha1_set_key(&hmac.ctx_, key.size(), key.data());
  return hmac;
}

PrekeyedHmacSha1::PrekeyedHmacSha1(PrekeyedHmacSha1&& other) noexcept : ctx_(other.ctx_) {
  OPENSSL_cleanse(&other.ctx_, sizeof other.ctx_);
}

PrekeyedHmacSha1& PrekeyedHmacSha1::operator=(PrekeyedHmacSha1&& other) noexcept {
  if (this != &other) {
    ctx_ = other.ctx_;
    OPENSSL_cleanse(&other.ctx_, sizeof other.ctx_);
  }
  return *this;
}

PrekeyedHmacSha1::~PrekeyedHmacSha1() { OPENSSL_cleanse(&ctx_, sizeof ctx_); }

bool PrekeyedHmacSha1::compute(std::span<const uint8_t> part1, std::span<const uint8_t> part2,
                               std::span<uint8_t> out) noexcept {
  if (out.size() > kDigestSize) {
    return false;
  }
  hmac_sha1_update(&ctx_, part1.size(), part1.data());
  hmac_sha1_update(&ctx_, part2.size(), part2.data());
  // Writes the truncated tag and resets the running state to the inner pad's.
  hmac_sha1_digest(&ctx_, out.size(), out.data());
  return true;
}

}  // namespace tandem::srtp
