// AES-GCM with a 12-byte IV and 16-byte tag (RFC 7714 §5, §6) over one cipher context keyed once.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "srtp/provider_cipher.hpp"

namespace tandem::srtp {

class AesGcm {
 public:
  static constexpr size_t kIvLen = 12;
  static constexpr size_t kTagLen = 16;
  using Iv = std::array<uint8_t, kIvLen>;

  // key: 16 bytes (AEAD_AES_128_GCM) or 32 bytes (AEAD_AES_256_GCM).
  static Result<AesGcm> create(std::span<const uint8_t> key);

  // Encrypts data in place; the AAD is aad1 || aad2. Writes the tag to tag[0..16).
  bool seal(const Iv& iv, std::span<const uint8_t> aad1, std::span<const uint8_t> aad2,
            std::span<uint8_t> data, std::span<uint8_t, kTagLen> tag) noexcept;

  // Decrypts data in place and verifies tag (OpenSSL compares it in constant time). On false the
  // data holds unauthenticated plaintext and must be discarded.
  bool open(const Iv& iv, std::span<const uint8_t> aad1, std::span<const uint8_t> aad2,
            std::span<uint8_t> data, std::span<const uint8_t, kTagLen> tag) noexcept;

 private:
  explicit AesGcm(ProviderCipher cipher) : cipher_(std::move(cipher)) {}

  bool start(const Iv& iv, bool encrypt, std::span<const uint8_t> aad1,
             std::span<const uint8_t> aad2, std::span<uint8_t> data) noexcept;

  ProviderCipher cipher_;
};

}  // namespace tandem::srtp
