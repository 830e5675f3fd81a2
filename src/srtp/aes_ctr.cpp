#include "srtp/aes_ctr.hpp"

namespace tandem::srtp {

Result<AesCtr> AesCtr::create(std::span<const uint8_t> key) {
  auto cipher = ProviderCipher::create_aes("CTR", key);
  if (!cipher) {
    return cipher.error();
  }
  return AesCtr(std::move(*cipher));
}

bool AesCtr::apply(const Iv& iv, std::span<uint8_t> data) noexcept {
  if (!cipher_.start(iv, true)) {
    return false;
  }
  return data.empty() || cipher_.update(data.data(), data.data(), data.size());
}

}  // namespace tandem::srtp
