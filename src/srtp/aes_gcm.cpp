#include "srtp/aes_gcm.hpp"

#include <climits>
#include <cstring>

namespace tandem::srtp {

Result<AesGcm> AesGcm::create(std::span<const uint8_t> key) {
  const EVP_CIPHER* cipher = key.size() == 16   ? EVP_aes_128_gcm()
                             : key.size() == 32 ? EVP_aes_256_gcm()
                                                : nullptr;
  if (cipher == nullptr) return Error{"AES-GCM key must be 16 or 32 bytes"};
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  // 12 bytes is OpenSSL's default GCM IV length, so no EVP_CTRL_GCM_SET_IVLEN is needed.
  if (!ctx || EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key.data(), nullptr, 1) != 1) {
    return Error{"EVP AES-GCM initialisation failed"};
  }
  return AesGcm(std::move(ctx));
}

bool AesGcm::start(const Iv& iv, int encrypt, std::span<const uint8_t> aad1,
                   std::span<const uint8_t> aad2, std::span<uint8_t> data) noexcept {
  if (aad1.size() > INT_MAX || aad2.size() > INT_MAX || data.size() > INT_MAX) return false;
  EVP_CIPHER_CTX* ctx = ctx_.get();
  if (EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, iv.data(), encrypt) != 1) return false;
  int len = 0;
  for (std::span<const uint8_t> aad : {aad1, aad2}) {
    if (!aad.empty() &&
        EVP_CipherUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) {
      return false;
    }
  }
  if (data.empty()) return true;
  return EVP_CipherUpdate(ctx, data.data(), &len, data.data(), static_cast<int>(data.size())) ==
             1 &&
         static_cast<size_t>(len) == data.size();
}

bool AesGcm::seal(const Iv& iv, std::span<const uint8_t> aad1, std::span<const uint8_t> aad2,
                  std::span<uint8_t> data, std::span<uint8_t, kTagLen> tag) noexcept {
  if (!start(iv, 1, aad1, aad2, data)) return false;
  int len = 0;
  uint8_t none[1];
  return EVP_CipherFinal_ex(ctx_.get(), none, &len) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_GET_TAG, kTagLen, tag.data()) == 1;
}

bool AesGcm::open(const Iv& iv, std::span<const uint8_t> aad1, std::span<const uint8_t> aad2,
                  std::span<uint8_t> data, std::span<const uint8_t, kTagLen> tag) noexcept {
  if (!start(iv, 0, aad1, aad2, data)) return false;
  uint8_t expected[kTagLen];
  std::memcpy(expected, tag.data(), kTagLen);  // the ctrl wants a mutable pointer
  int len = 0;
  uint8_t none[1];
  // EVP_CipherFinal_ex fails when the computed tag differs (CRYPTO_memcmp inside OpenSSL).
  return EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_SET_TAG, kTagLen, expected) == 1 &&
         EVP_CipherFinal_ex(ctx_.get(), none, &len) == 1;
}

}  // namespace tandem::srtp
