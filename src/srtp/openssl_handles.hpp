// Move-only owning handles for the OpenSSL objects an SRTP session keeps for its lifetime.
#pragma once

#include <openssl/evp.h>

#include <memory>

namespace tandem::srtp {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }
};
struct MacFree {
  void operator()(EVP_MAC* mac) const noexcept { EVP_MAC_free(mac); }
};

using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;
using MacPtr = std::unique_ptr<EVP_MAC, MacFree>;

}  // namespace tandem::srtp
