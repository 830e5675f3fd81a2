// Move-only owning handle for the cipher contexts an SRTP session keeps for its lifetime.
#pragma once

#include <openssl/evp.h>

#include <memory>

namespace tandem::srtp {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
};

using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

}  // namespace tandem::srtp
