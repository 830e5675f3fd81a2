#include "srtp/aes_ctr.hpp"

namespace tandem::srtp {

Result<AesCtr> AesCtr::create(std::span<const uint8_t> key) {
  const char* name = key.size() == 16 ? "AES-128-CTR" : key.size() == 32 ? "AES-256-CTR" : nullptr;
  if (name == nullptr) {
    return Error{"AES-CTR key must be 16 or 32 bytes"};
  }
  auto cipher = ProviderCipher::create(name, key);
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
