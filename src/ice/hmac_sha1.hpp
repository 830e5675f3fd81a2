// HMAC-SHA1 (RFC 2104) for STUN MESSAGE-INTEGRITY (RFC 8489 §14.5) through OpenSSL 3's EVP_MAC,
// keyed once (with the ICE password, RFC 8489 §9.1.1 short-term credentials) and reused for
// every message. Move-only.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "common/result.hpp"

namespace tandem::ice {

class HmacSha1 {
 public:
  static constexpr size_t kDigestSize = 20;
  using Digest = std::array<uint8_t, kDigestSize>;

  // key: for short-term credentials the password bytes as is (OpaqueString-prepared passwords
  // are plain ASCII for ICE: ice-char is ALPHA / DIGIT / "+" / "/").
  static Result<HmacSha1> create(std::span<const uint8_t> key);
  static Result<HmacSha1> create(std::string_view key);

  // HMAC(key, part1 || part2). False only if OpenSSL fails.
  bool compute(std::span<const uint8_t> part1, std::span<const uint8_t> part2,
               Digest& out) const noexcept;

 private:
  struct CtxFree {
    void operator()(EVP_MAC_CTX* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }
  };
  using CtxPtr = std::unique_ptr<EVP_MAC_CTX, CtxFree>;

  explicit HmacSha1(CtxPtr ctx) : ctx_(std::move(ctx)) {}

  CtxPtr ctx_;
};

}  // namespace tandem::ice
