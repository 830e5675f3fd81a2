#include "common/hmac_sha1.hpp"

#include <openssl/core_names.h>

#include <algorithm>

namespace tandem {

namespace {
struct MacFree {
  void operator()(EVP_MAC* mac) const noexcept { EVP_MAC_free(mac); }
};
}  // namespace

Result<HmacSha1> HmacSha1::create(std::span<const uint8_t> key) {
  std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) return Error{"EVP_MAC HMAC unavailable"};
  CtxPtr ctx(EVP_MAC_CTX_new(mac.get()));  // holds its own reference to mac
  char digest[] = "SHA1";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  // OpenSSL rejects a null key pointer even with length 0; an empty password is legal STUN.
  static const uint8_t kEmpty = 0;
  const uint8_t* key_data = key.empty() ? &kEmpty : key.data();
  if (!ctx || EVP_MAC_init(ctx.get(), key_data, key.size(), params) != 1) {
    return Error{"EVP_MAC HMAC-SHA1 initialisation failed"};
  }
  return HmacSha1(std::move(ctx));
}

Result<HmacSha1> HmacSha1::create(std::string_view key) {
  return create(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(key.data()), key.size()));
}

bool HmacSha1::compute(std::span<const uint8_t> part1, std::span<const uint8_t> part2,
                       std::span<uint8_t> out) const noexcept {
  if (out.size() > kDigestSize) return false;
  // Re-initialising with a null key restarts HMAC with the key schedule already set. In OpenSSL
  // 3.0 this duplicates the inner and outer SHA-1 states (two small allocations inside libcrypto,
  // measured in allocation_test.cpp); nothing else is allocated.
  EVP_MAC_CTX* ctx = ctx_.get();
  Digest full;
  size_t len = 0;
  if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(ctx, part1.data(), part1.size()) != 1 ||
      EVP_MAC_update(ctx, part2.data(), part2.size()) != 1 ||
      EVP_MAC_final(ctx, full.data(), &len, full.size()) != 1 || len != kDigestSize) {
    return false;
  }
  std::copy_n(full.begin(), out.size(), out.begin());
  return true;
}

}  // namespace tandem
