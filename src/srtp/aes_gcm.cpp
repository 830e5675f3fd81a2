#include "srtp/aes_gcm.hpp"

#include <openssl/core_names.h>
#include <openssl/params.h>

#include <cstring>

namespace tandem::srtp {

Result<AesGcm> AesGcm::create(std::span<const uint8_t> key) {
  // 12 bytes is OpenSSL's default GCM IV length, so the IV length needs no parameter.
  auto cipher = ProviderCipher::create_aes("GCM", key);
  if (!cipher) {
    return cipher.error();
  }
  return AesGcm(std::move(*cipher));
}

bool AesGcm::start(const Iv& iv, bool encrypt, std::span<const uint8_t> aad1,
                   std::span<const uint8_t> aad2, std::span<uint8_t> data) noexcept {
  if (!cipher_.start(iv, encrypt)) {
    return false;
  }
  for (std::span<const uint8_t> aad : {aad1, aad2}) {
    if (!aad.empty() && !cipher_.update(aad.data(), nullptr, aad.size())) {
      return false;
    }
  }
  return data.empty() || cipher_.update(data.data(), data.data(), data.size());
}

namespace {

OSSL_PARAM tag_param(uint8_t* tag) noexcept {
  return OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, AesGcm::kTagLen);
}

}  // namespace

bool AesGcm::seal(const Iv& iv, std::span<const uint8_t> aad1, std::span<const uint8_t> aad2,
                  std::span<uint8_t> data, std::span<uint8_t, kTagLen> tag) noexcept {
  OSSL_PARAM params[] = {tag_param(tag.data()), OSSL_PARAM_construct_end()};
  return start(iv, true, aad1, aad2, data) && cipher_.finish() && cipher_.get_params(params);
}

bool AesGcm::open(const Iv& iv, std::span<const uint8_t> aad1, std::span<const uint8_t> aad2,
                  std::span<uint8_t> data, std::span<const uint8_t, kTagLen> tag) noexcept {
  uint8_t expected[kTagLen];
  std::memcpy(expected, tag.data(), kTagLen);  // OSSL_PARAM wants a mutable pointer
  OSSL_PARAM params[] = {tag_param(expected), OSSL_PARAM_construct_end()};
  // The provider's final fails when the computed tag differs (CRYPTO_memcmp inside OpenSSL).
  return start(iv, false, aad1, aad2, data) && cipher_.set_params(params) && cipher_.finish();
}

}  // namespace tandem::srtp
