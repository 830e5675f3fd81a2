#include "srtp/aes_ctr.hpp"

#include <climits>

namespace tandem::srtp {

Result<AesCtr> AesCtr::create(std::span<const uint8_t> key) {
  const EVP_CIPHER* cipher = key.size() == 16   ? EVP_aes_128_ctr()
                             : key.size() == 32 ? EVP_aes_256_ctr()
                                                : nullptr;
  if (cipher == nullptr) return Error{"AES-CTR key must be 16 or 32 bytes"};
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.data(), nullptr) != 1) {
    return Error{"EVP AES-CTR initialisation failed"};
  }
  return AesCtr(std::move(ctx));
}

bool AesCtr::apply(const Iv& iv, std::span<uint8_t> data) noexcept {
  if (data.size() > INT_MAX) return false;
  if (EVP_EncryptInit_ex(ctx_.get(), nullptr, nullptr, nullptr, iv.data()) != 1) return false;
  if (data.empty()) return true;
  int out_len = 0;
  return EVP_EncryptUpdate(ctx_.get(), data.data(), &out_len, data.data(),
                           static_cast<int>(data.size())) == 1 &&
         static_cast<size_t>(out_len) == data.size();
}

}  // namespace tandem::srtp
