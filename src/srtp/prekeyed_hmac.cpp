#include "srtp/prekeyed_hmac.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace tandem::srtp {
namespace {

constexpr size_t kBlockSize = 64;  // SHA-1's block (RFC 2104's B)

// Fetched once: an explicitly fetched EVP_MD spares every EVP_DigestInit_ex the implicit fetch
// that OpenSSL 3 does for EVP_sha1(). Never freed (process lifetime).
const EVP_MD* sha1() noexcept {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  return md;
}

// A SHA-1 context that has absorbed (K ^ pad), K already at most one block long.
bool absorb_padded_key(EVP_MD_CTX* ctx, std::span<const uint8_t> key, uint8_t pad) noexcept {
  std::array<uint8_t, kBlockSize> block{};
  block.fill(pad);
  for (size_t i = 0; i < key.size(); ++i) {
    block[i] ^= key[i];
  }
  const bool ok = EVP_DigestInit_ex(ctx, sha1(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, block.data(), block.size()) == 1;
  OPENSSL_cleanse(block.data(), block.size());
  return ok;
}

}  // namespace

Result<PrekeyedHmacSha1> PrekeyedHmacSha1::create(std::span<const uint8_t> key) {
  if (sha1() == nullptr) {
    return Error{"OpenSSL SHA-1 unavailable"};
  }
  MdCtxPtr inner(EVP_MD_CTX_new());
  MdCtxPtr outer(EVP_MD_CTX_new());
  MdCtxPtr work(EVP_MD_CTX_new());
  if (!inner || !outer || !work) {
    return Error{"EVP_MD_CTX allocation failed"};
  }
  std::array<uint8_t, kDigestSize> hashed_key{};
  if (key.size() > kBlockSize) {
    unsigned int len = 0;
    if (EVP_Digest(key.data(), key.size(), hashed_key.data(), &len, sha1(), nullptr) != 1 ||
        len != kDigestSize) {
      return Error{"SHA-1 of the HMAC key failed"};
    }
    key = hashed_key;
  }
  const bool ok = absorb_padded_key(inner.get(), key, 0x36) &&
                  absorb_padded_key(outer.get(), key, 0x5c) &&
                  EVP_DigestInit_ex(work.get(), sha1(), nullptr) == 1;
  OPENSSL_cleanse(hashed_key.data(), hashed_key.size());
  if (!ok) {
    return Error{"HMAC-SHA1 key set-up failed"};
  }
  return PrekeyedHmacSha1(std::move(inner), std::move(outer), std::move(work));
}

bool PrekeyedHmacSha1::compute(std::span<const uint8_t> part1, std::span<const uint8_t> part2,
                               std::span<uint8_t> out) noexcept {
  if (out.size() > kDigestSize) {
    return false;
  }
  EVP_MD_CTX* work = work_.get();
  std::array<uint8_t, kDigestSize> digest{};
  unsigned int len = 0;
  // H(K ^ opad || H(K ^ ipad || text)), each half resuming from its precomputed state.
  if (EVP_MD_CTX_copy_ex(work, inner_.get()) != 1 ||
      EVP_DigestUpdate(work, part1.data(), part1.size()) != 1 ||
      EVP_DigestUpdate(work, part2.data(), part2.size()) != 1 ||
      EVP_DigestFinal_ex(work, digest.data(), &len) != 1 || len != kDigestSize ||
      EVP_MD_CTX_copy_ex(work, outer_.get()) != 1 ||
      EVP_DigestUpdate(work, digest.data(), digest.size()) != 1 ||
      EVP_DigestFinal_ex(work, digest.data(), &len) != 1 || len != kDigestSize) {
    return false;
  }
  std::copy_n(digest.begin(), out.size(), out.begin());
  return true;
}

}  // namespace tandem::srtp
