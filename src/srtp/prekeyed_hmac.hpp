// HMAC-SHA1 (RFC 2104) for the SRTP/SRTCP authentication tag (RFC 3711 §4.2.1), keyed once per
// session. Nettle's HMAC keeps the SHA-1 states after absorbing K ^ ipad and K ^ opad by value
// and restores them by copy, so a packet costs the data plus two SHA-1 compressions (SHA-NI
// where the CPU has it) and no allocation. OpenSSL 3.0 offers either EVP_MAC or EVP_MD_CTX
// copies, both of which allocate twice per packet inside libcrypto (its by-value SHA_CTX API is
// deprecated): ~150 ns against ~200 for a 172-byte packet here. Move-only; one packet at a time.
#pragma once

#include <nettle/hmac.h>

#include <cstdint>
#include <span>

#include "common/result.hpp"

namespace tandem::srtp {

class PrekeyedHmacSha1 {
 public:
  static constexpr size_t kDigestSize = 20;

  // Any key length (keys longer than SHA-1's 64-byte block are hashed first, RFC 2104 §2).
  static Result<PrekeyedHmacSha1> create(std::span<const uint8_t> key);

  PrekeyedHmacSha1(PrekeyedHmacSha1&& other) noexcept;
  PrekeyedHmacSha1& operator=(PrekeyedHmacSha1&& other) noexcept;
  PrekeyedHmacSha1(const PrekeyedHmacSha1&) = delete;
  PrekeyedHmacSha1& operator=(const PrekeyedHmacSha1&) = delete;
  ~PrekeyedHmacSha1();  // wipes the key-derived states

  // The leading out.size() (at most 20) bytes of HMAC(key, part1 || part2). False only if out
  // is longer than a digest.
  bool compute(std::span<const uint8_t> part1, std::span<const uint8_t> part2,
               std::span<uint8_t> out) noexcept;

 private:
  PrekeyedHmacSha1() = default;

  hmac_sha1_ctx ctx_{};
};

}  // namespace tandem::srtp
