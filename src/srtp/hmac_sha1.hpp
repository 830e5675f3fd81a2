// HMAC-SHA1 (RFC 2104) through OpenSSL 3's EVP_MAC, keyed once per session (RFC 3711 §4.2.1).
#pragma once

#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "srtp/openssl_handles.hpp"

namespace tandem::srtp {

class HmacSha1 {
 public:
  static constexpr size_t kDigestLen = 20;

  static Result<HmacSha1> create(std::span<const uint8_t> key);

  // Writes the leading out.size() (<= 20) bytes of HMAC-SHA1(key, part1 || part2).
  bool compute(std::span<const uint8_t> part1, std::span<const uint8_t> part2,
               std::span<uint8_t> out) noexcept;

 private:
  explicit HmacSha1(MacCtxPtr ctx) : ctx_(std::move(ctx)) {}

  MacCtxPtr ctx_;
};

}  // namespace tandem::srtp
