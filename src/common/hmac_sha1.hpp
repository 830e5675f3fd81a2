// HMAC-SHA1 (RFC 2104) through OpenSSL 3's EVP_MAC, keyed once and reused for every packet:
// STUN MESSAGE-INTEGRITY (RFC 8489 §14.5, keyed with the ICE password) and the SRTP/SRTCP
// authentication tag (RFC 3711 §4.2.1, keyed per session). Move-only.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "common/result.hpp"

namespace tandem {

class HmacSha1 {
 public:
  static constexpr size_t kDigestSize = 20;
  using Digest = std::array<uint8_t, kDigestSize>;

  // For STUN short-term credentials the key is the password bytes as is (ICE passwords are
  // plain ASCII: ice-char is ALPHA / DIGIT / "+" / "/").
  static Result<HmacSha1> create(std::span<const uint8_t> key);
  static Result<HmacSha1> create(std::string_view key);

  // The leading out.size() (at most 20) bytes of HMAC(key, part1 || part2), so truncated SRTP
  // tags need no copy by the caller. False only if OpenSSL fails.
  bool compute(std::span<const uint8_t> part1, std::span<const uint8_t> part2,
               std::span<uint8_t> out) const noexcept;

 private:
  struct CtxFree {
    void operator()(EVP_MAC_CTX* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }
  };
  using CtxPtr = std::unique_ptr<EVP_MAC_CTX, CtxFree>;

  explicit HmacSha1(CtxPtr ctx) : ctx_(std::move(ctx)) {}

  CtxPtr ctx_;
};

}  // namespace tandem
