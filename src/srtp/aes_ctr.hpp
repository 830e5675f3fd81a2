// AES in counter mode (RFC 3711 §4.1.1 "AES-CM") over one cipher context keyed once.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "srtp/provider_cipher.hpp"

namespace tandem::srtp {

class AesCtr {
 public:
  static constexpr size_t kBlockLen = 16;
  using Iv = std::array<uint8_t, kBlockLen>;

  // key: 16 bytes (AES-128) or 32 bytes (AES-256).
  static Result<AesCtr> create(std::span<const uint8_t> key);

  // XORs data in place with the keystream whose first counter block is iv. Re-initialising
  // only the IV keeps the key schedule and allocates nothing.
  bool apply(const Iv& iv, std::span<uint8_t> data) noexcept;

 private:
  explicit AesCtr(ProviderCipher cipher) : cipher_(std::move(cipher)) {}

  ProviderCipher cipher_;
};

}  // namespace tandem::srtp
