// ProviderCipher (OpenSSL's cipher called through its provider's dispatch table) against the same
// ciphers through the ordinary EVP API, the oracle: AES-CTR over many lengths in a row (a new IV
// must also reset a partial block), AES-GCM seal and open, a wrong tag, and a context reused
// after a failed open.
#include "srtp/provider_cipher.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>
#include <vector>

namespace tandem::srtp {
namespace {

struct EvpFree {
  void operator()(EVP_CIPHER_CTX* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
};

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (uint8_t& byte : v) {
    byte = seed;
    seed = static_cast<uint8_t>(seed + 7);
  }
  return v;
}

// One-shot EVP encryption; for GCM also returns the 16-byte tag after the data.
std::vector<uint8_t> evp_encrypt(const EVP_CIPHER* cipher, const std::vector<uint8_t>& key,
                                 const std::vector<uint8_t>& iv, const std::vector<uint8_t>& aad,
                                 std::vector<uint8_t> data, bool aead) {
  std::unique_ptr<EVP_CIPHER_CTX, EvpFree> ctx(EVP_CIPHER_CTX_new());
  EXPECT_EQ(EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.data(), iv.data()), 1);
  int len = 0;
  if (!aad.empty()) {
    EXPECT_EQ(EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())),
              1);
  }
  if (!data.empty()) {
    EXPECT_EQ(
        EVP_EncryptUpdate(ctx.get(), data.data(), &len, data.data(), static_cast<int>(data.size())),
        1);
  }
  uint8_t none[16];
  EXPECT_EQ(EVP_EncryptFinal_ex(ctx.get(), none, &len), 1);
  if (aead) {
    uint8_t tag[16];
    EXPECT_EQ(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag), 1);
    data.insert(data.end(), tag, tag + 16);
  }
  return data;
}

TEST(ProviderCipher, UnknownCipherIsAnError) {
  const std::vector<uint8_t> key(16, 1);
  const auto cipher = ProviderCipher::create("AES-128-NOSUCHMODE", key);
  ASSERT_FALSE(cipher);
  EXPECT_NE(cipher.error().reason.find("AES-128-NOSUCHMODE"), std::string::npos);
}

TEST(ProviderCipher, CtrMatchesEvpOverManyLengthsInARow) {
  for (const auto* name : {"AES-128-CTR", "AES-256-CTR"}) {
    const auto key = pattern(name[4] == '1' ? 16 : 32, 3);
    auto cipher = ProviderCipher::create(name, key);
    ASSERT_TRUE(cipher) << name;
    EVP_CIPHER* evp = EVP_CIPHER_fetch(nullptr, name, nullptr);
    for (size_t len = 0; len < 100; ++len) {
      const auto iv = pattern(16, static_cast<uint8_t>(len));
      const auto plain = pattern(len, static_cast<uint8_t>(len * 3));
      auto data = plain;
      ASSERT_TRUE(cipher->start(iv, true));
      ASSERT_TRUE(data.empty() || cipher->update(data.data(), data.data(), data.size()));
      EXPECT_EQ(data, evp_encrypt(evp, key, iv, {}, plain, false)) << name << " length " << len;
    }
    EVP_CIPHER_free(evp);
  }
}

TEST(ProviderCipher, GcmSealsLikeEvpAndOpensOnlyWithTheRightTag) {
  const auto key = pattern(16, 9);
  auto cipher = ProviderCipher::create("AES-128-GCM", key);
  ASSERT_TRUE(cipher);
  EVP_CIPHER* gcm = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  for (size_t len : {0, 1, 15, 16, 17, 160, 1188}) {
    const auto iv = pattern(12, static_cast<uint8_t>(len));
    const auto aad = pattern(12 + len % 5, 1);
    const auto plain = pattern(len, 42);
    const auto expected = evp_encrypt(gcm, key, iv, aad, plain, true);

    auto data = plain;
    uint8_t tag[16];
    OSSL_PARAM get[] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, 16),
                        OSSL_PARAM_construct_end()};
    ASSERT_TRUE(cipher->start(iv, true));
    ASSERT_TRUE(cipher->update(aad.data(), nullptr, aad.size()));
    ASSERT_TRUE(data.empty() || cipher->update(data.data(), data.data(), data.size()));
    ASSERT_TRUE(cipher->finish());
    ASSERT_TRUE(cipher->get_params(get));
    auto sealed = data;
    sealed.insert(sealed.end(), tag, tag + 16);
    EXPECT_EQ(sealed, expected) << "length " << len;

    for (const bool corrupt : {true, false}) {  // a failed open leaves the context usable
      auto opened = data;
      uint8_t check[16];
      std::copy(tag, tag + 16, check);
      if (corrupt) {
        check[len % 16] ^= 0x01;
      }
      OSSL_PARAM set[] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, check, 16),
                          OSSL_PARAM_construct_end()};
      ASSERT_TRUE(cipher->start(iv, false));
      ASSERT_TRUE(cipher->update(aad.data(), nullptr, aad.size()));
      ASSERT_TRUE(opened.empty() || cipher->update(opened.data(), opened.data(), opened.size()));
      ASSERT_TRUE(cipher->set_params(set));
      EXPECT_EQ(cipher->finish(), !corrupt) << "length " << len;
      if (!corrupt) {
        EXPECT_EQ(opened, plain);
      }
    }
  }
  EVP_CIPHER_free(gcm);
}

}  // namespace
}  // namespace tandem::srtp
