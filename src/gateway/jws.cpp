#include "gateway/jws.hpp"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>
#include <memory>

namespace tandem::gateway {

namespace {

constexpr size_t kEs256Half = 32;  // bytes of R and of S for P-256 (RFC 7518 §3.4)

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
struct SigFree {
  void operator()(ECDSA_SIG* s) const noexcept { ECDSA_SIG_free(s); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, SigFree>;

const uint8_t* bytes(std::string_view s) {
  return reinterpret_cast<const uint8_t*>(s.data());  // NOLINT: OpenSSL takes bytes
}

bool hmac_sha256(const JwtKey& key, std::string_view input, std::array<uint8_t, 32>& out) {
  size_t len = 0;
  return EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.secret().data(),
                   key.secret().size(), bytes(input), input.size(), out.data(), out.size(),
                   &len) != nullptr &&
         len == out.size();
}

// DER ECDSA-Sig-Value -> raw R||S, each left-padded to 32 bytes.
Result<std::vector<uint8_t>> der_to_raw(const std::vector<uint8_t>& der) {
  const unsigned char* p = der.data();
  EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return Error{"OpenSSL returned an unreadable ECDSA signature"};
  std::vector<uint8_t> raw(2 * kEs256Half);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw.data(), kEs256Half) != kEs256Half ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw.data() + kEs256Half, kEs256Half) !=
          kEs256Half) {
    return Error{"ECDSA signature component too large"};
  }
  return raw;
}

// Raw R||S -> DER, or empty when the length is not exactly 64 bytes.
std::vector<uint8_t> raw_to_der(std::span<const uint8_t> raw) {
  if (raw.size() != 2 * kEs256Half) return {};
  EcdsaSig sig(ECDSA_SIG_new());
  if (!sig) return {};
  BIGNUM* r = BN_bin2bn(raw.data(), kEs256Half, nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + kEs256Half, kEs256Half, nullptr);
  if (r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return {};
  }
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return {};
  std::vector<uint8_t> out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Result<std::vector<uint8_t>> pkey_sign(const JwtKey& key, std::string_view input) {
  MdCtx ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx ||
      EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key.pkey(), nullptr) !=
          1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, bytes(input), input.size()) != 1) {
    return Error{"OpenSSL could not sign"};
  }
  std::vector<uint8_t> sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, bytes(input), input.size()) != 1) {
    return Error{"OpenSSL could not sign"};
  }
  sig.resize(len);
  if (key.algorithm() == JwtAlgorithm::kEs256) return der_to_raw(sig);
  return sig;
}

bool pkey_verify(const JwtKey& key, std::string_view input, std::span<const uint8_t> signature) {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key.pkey(),
                                      nullptr) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), bytes(input),
                          input.size()) == 1;
}

}  // namespace

Result<std::vector<uint8_t>> jws_sign(const JwtKey& key, std::string_view signing_input) {
  if (!key.can_sign()) return Error{"this key is a public key; signing needs the private key"};
  if (key.algorithm() == JwtAlgorithm::kHs256) {
    std::array<uint8_t, 32> mac{};
    if (!hmac_sha256(key, signing_input, mac)) return Error{"OpenSSL HMAC failed"};
    return std::vector<uint8_t>(mac.begin(), mac.end());
  }
  return pkey_sign(key, signing_input);
}

namespace {

bool verify_by_algorithm(const JwtKey& key, std::string_view signing_input,
                         std::span<const uint8_t> signature) {
  switch (key.algorithm()) {
    case JwtAlgorithm::kHs256: {
      std::array<uint8_t, 32> mac{};
      return signature.size() == mac.size() && hmac_sha256(key, signing_input, mac) &&
             CRYPTO_memcmp(mac.data(), signature.data(), mac.size()) == 0;
    }
    case JwtAlgorithm::kRs256:
      return pkey_verify(key, signing_input, signature);
    case JwtAlgorithm::kEs256: {
      const std::vector<uint8_t> der = raw_to_der(signature);
      return !der.empty() && pkey_verify(key, signing_input, der);
    }
  }
  return false;
}

}  // namespace

bool jws_verify(const JwtKey& key, std::string_view signing_input,
                std::span<const uint8_t> signature) {
  const bool ok = verify_by_algorithm(key, signing_input, signature);
  // A failed check leaves entries in OpenSSL's per-thread error queue, which the signaling
  // thread's TLS code reads (SSL_get_error): never leave them behind.
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace tandem::gateway
